"""The server bootstrap: health, reflection, diagnostics, graceful stop, options."""

from __future__ import annotations

import threading
import time

import grpc
import pytest
from chassis.grpc import DIAGNOSTICS_SERVICE_NAME, GrpcServer, create_server, make_channel
from crm.diagnostics.v1 import diagnostics_pb2, diagnostics_pb2_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def health_status(channel: grpc.Channel, service: str) -> int:
    stub = health_pb2_grpc.HealthStub(channel)
    return int(stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status)


def test_server_binds_a_free_port_when_given_port_zero(probe_server: GrpcServer) -> None:
    assert probe_server.port > 0
    assert probe_server.address == f"127.0.0.1:{probe_server.port}"


def test_health_reports_serving_for_the_server_and_each_service(
    probe_channel: grpc.Channel, probe_service_name: str
) -> None:
    assert health_status(probe_channel, "") == SERVING
    assert health_status(probe_channel, probe_service_name) == SERVING


def test_health_turns_not_serving_as_soon_as_stop_begins(
    start_server, probe, probe_service_name: str
) -> None:
    server = start_server([probe.register], [probe_service_name])
    channel = make_channel(server.address)
    assert health_status(channel, probe_service_name) == SERVING
    stopping = threading.Thread(target=server.stop, kwargs={"grace": 1.0, "drain_seconds": 2.0})
    stopping.start()
    seen = set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and {NOT_SERVING} != seen:
        seen = {health_status(channel, ""), health_status(channel, probe_service_name)}
    stopping.join()
    assert seen == {NOT_SERVING}
    with pytest.raises(grpc.RpcError) as failure:
        health_status(channel, "")
    assert failure.value.code() == grpc.StatusCode.UNAVAILABLE
    channel.close()


def test_stop_lets_in_flight_calls_finish_within_grace(start_server, probe, probe_service_name: str) -> None:
    server = start_server([probe.register], [probe_service_name])
    channel = make_channel(server.address)
    in_flight = channel.unary_unary(f"/{probe_service_name}/Slow").future(b"0.5", timeout=10)
    time.sleep(0.1)  # let the call reach the handler before shutting down
    server.stop(grace=5.0)
    assert in_flight.result() == b"done"
    channel.close()


def test_reflection_lists_services_health_reflection_and_diagnostics(
    probe_channel: grpc.Channel, probe_service_name: str
) -> None:
    services = set(ProtoReflectionDescriptorDatabase(probe_channel).get_services())
    assert services == {
        probe_service_name,
        DIAGNOSTICS_SERVICE_NAME,
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
    }


def test_reflection_describes_the_diagnostics_messages(probe_channel: grpc.Channel) -> None:
    database = ProtoReflectionDescriptorDatabase(probe_channel)
    found = database.FindFileContainingSymbol("crm.diagnostics.v1.EchoRequest")
    assert found.package == "crm.diagnostics.v1"


def test_echo_returns_the_payload_and_the_service_name(start_server) -> None:
    server = start_server(service_name="contacts")
    channel = make_channel(server.address)
    reply = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel).Echo(
        diagnostics_pb2.EchoRequest(payload="สวัสดี ping")
    )
    assert (reply.payload, reply.service) == ("สวัสดี ping", "contacts")
    channel.close()


def test_messages_above_grpcs_4_mib_default_but_within_the_limit_pass(start_server) -> None:
    server = start_server(service_name="big")
    channel = make_channel(server.address)
    payload = "x" * (6 * 1024 * 1024)
    reply = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel).Echo(
        diagnostics_pb2.EchoRequest(payload=payload)
    )
    assert len(reply.payload) == len(payload)
    channel.close()


def test_messages_above_the_limit_are_refused(start_server) -> None:
    server = start_server(service_name="small", max_message_bytes=1024)
    channel = grpc.insecure_channel(server.address)
    with pytest.raises(grpc.RpcError) as failure:
        diagnostics_pb2_grpc.DiagnosticsServiceStub(channel).Echo(
            diagnostics_pb2.EchoRequest(payload="x" * 4096), timeout=5
        )
    assert failure.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    channel.close()


def test_a_second_server_cannot_take_a_port_in_use(probe_server: GrpcServer) -> None:
    with pytest.raises(RuntimeError):
        create_server(service_name="intruder", register=[], service_names=[], port=probe_server.port)


def test_health_watchers_hear_not_serving_when_stop_begins(
    start_server, probe, probe_service_name: str
) -> None:
    server = start_server([probe.register], [probe_service_name])
    channel = make_channel(server.address)
    updates = health_pb2_grpc.HealthStub(channel).Watch(
        health_pb2.HealthCheckRequest(service=probe_service_name), timeout=10
    )
    assert next(updates).status == SERVING
    stopping = threading.Thread(target=server.stop, kwargs={"grace": 1.0, "drain_seconds": 0.5})
    stopping.start()
    assert next(updates).status == NOT_SERVING
    stopping.join()
    channel.close()
