"""Chassis channels retry UNAVAILABLE: a peer that is restarting or warming up."""

from __future__ import annotations

import threading

import grpc
import pytest
from chassis.grpc import GrpcServer, create_server, make_channel
from chassis.testing import free_port
from crm.diagnostics.v1 import diagnostics_pb2, diagnostics_pb2_grpc


def test_a_call_retries_while_the_server_answers_unavailable(call, probe) -> None:
    assert call("Flaky", b"k1", timeout=10) == b"ok on attempt 3"
    assert probe.attempts[b"k1"] == 3


def test_without_retries_unavailable_reaches_the_caller(probe_server, probe) -> None:
    channel = make_channel(probe_server.address, retries=0)
    with pytest.raises(grpc.RpcError) as failure:
        channel.unary_unary("/crm.test.v1.ProbeService/Flaky")(b"k2", timeout=10)
    channel.close()
    assert failure.value.code() == grpc.StatusCode.UNAVAILABLE
    assert probe.attempts[b"k2"] == 1


def test_retries_are_limited_to_the_named_services(probe_server, probe) -> None:
    channel = make_channel(probe_server.address, service_names=["crm.contacts.v1.ContactsService"])
    with pytest.raises(grpc.RpcError):
        channel.unary_unary("/crm.test.v1.ProbeService/Flaky")(b"k3", timeout=10)
    channel.close()
    assert probe.attempts[b"k3"] == 1


def test_a_call_reaches_a_server_that_starts_a_moment_later() -> None:
    port = free_port()
    started: list[GrpcServer] = []

    def start_late() -> None:
        server = create_server(service_name="late", register=[], service_names=[], port=port)
        server.start()
        started.append(server)

    # The retry policy spans about 0.7 s (0.05 s doubling, four retries); start well inside it.
    timer = threading.Timer(0.25, start_late)
    timer.start()
    channel = make_channel(f"127.0.0.1:{port}")
    try:
        reply = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel).Echo(
            diagnostics_pb2.EchoRequest(payload="hello"), timeout=10
        )
    finally:
        timer.join()
        channel.close()
        for server in started:
            server.stop(grace=0)
    assert reply.service == "late"
