"""go-grpc-prometheus metrics for every call, and one trace across client and server."""

from __future__ import annotations

import grpc
import pytest
from chassis.grpc import make_channel
from chassis.identity import Caller
from grpc_health.v1 import health_pb2, health_pb2_grpc
from opentelemetry import trace
from opentelemetry.trace import SpanKind
from prometheus_client import REGISTRY

SERVICE = "crm.test.v1.ProbeService"


def sample(name: str, method: str, code: str | None = None, grpc_type: str = "unary") -> float:
    labels = {"grpc_type": grpc_type, "grpc_service": SERVICE, "grpc_method": method}
    if code is not None:
        labels["grpc_code"] = code
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_handled_total_counts_calls_by_final_code(call) -> None:
    before = {
        code: sample("grpc_server_handled_total", "Fail", code)
        for code in ("INVALID_ARGUMENT", "NOT_FOUND", "INTERNAL", "RESOURCE_EXHAUSTED")
    }
    started = sample("grpc_server_started_total", "Fail")
    for payload in (b"invalid", b"invalid", b"not-found", b"crash", b"abort"):
        with pytest.raises(grpc.RpcError):
            call("Fail", payload)
    assert sample("grpc_server_handled_total", "Fail", "INVALID_ARGUMENT") - before["INVALID_ARGUMENT"] == 2
    assert sample("grpc_server_handled_total", "Fail", "NOT_FOUND") - before["NOT_FOUND"] == 1
    assert sample("grpc_server_handled_total", "Fail", "INTERNAL") - before["INTERNAL"] == 1
    assert (
        sample("grpc_server_handled_total", "Fail", "RESOURCE_EXHAUSTED") - before["RESOURCE_EXHAUSTED"] == 1
    )
    assert sample("grpc_server_started_total", "Fail") - started == 5


def test_successful_calls_count_as_ok_with_a_latency_observation(call) -> None:
    handled = sample("grpc_server_handled_total", "Touch", "OK")
    observed = sample("grpc_server_handling_seconds_count", "Touch")
    client_handled = sample("grpc_client_handled_total", "Touch", "OK")
    call("Touch")
    assert sample("grpc_server_handled_total", "Touch", "OK") - handled == 1
    assert sample("grpc_server_handling_seconds_count", "Touch") - observed == 1
    assert sample("grpc_client_handled_total", "Touch", "OK") - client_handled == 1


def test_retried_attempts_each_count_on_the_server(call) -> None:
    unavailable = sample("grpc_server_handled_total", "Flaky", "UNAVAILABLE")
    call("Flaky", b"metrics", timeout=10)
    assert sample("grpc_server_handled_total", "Flaky", "UNAVAILABLE") - unavailable == 2


def test_stream_messages_are_counted(probe_channel) -> None:
    sent = sample("grpc_server_msg_sent_total", "CountDown", grpc_type="server_stream")
    received = sample("grpc_server_msg_received_total", "TotalLength", grpc_type="client_stream")
    list(probe_channel.unary_stream(f"/{SERVICE}/CountDown")(b"4", timeout=5))
    probe_channel.stream_unary(f"/{SERVICE}/TotalLength")(iter([b"a", b"b", b"c"]), timeout=5)
    assert sample("grpc_server_msg_sent_total", "CountDown", grpc_type="server_stream") - sent == 4
    assert sample("grpc_server_msg_received_total", "TotalLength", grpc_type="client_stream") - received == 3
    assert sample("grpc_server_handled_total", "CountDown", "OK", grpc_type="server_stream") >= 1


def test_client_and_server_spans_share_one_trace(span_exporter, call) -> None:
    span_exporter.clear()
    call("WhoAmI", metadata=Caller("u-5").to_metadata())
    spans = {span.kind: span for span in span_exporter.get_finished_spans() if span.name.endswith("/WhoAmI")}
    client, server = spans[SpanKind.CLIENT], spans[SpanKind.SERVER]
    assert server.name == f"{SERVICE}/WhoAmI"
    assert server.context.trace_id == client.context.trace_id
    assert server.parent is not None
    assert server.parent.span_id == client.context.span_id
    assert server.attributes["rpc.system"] == "grpc"
    assert server.attributes["rpc.service"] == SERVICE
    assert server.attributes["rpc.method"] == "WhoAmI"
    assert server.attributes["rpc.grpc.status_code"] == 0
    assert server.attributes["enduser.id"] == "u-5"


def test_a_call_made_inside_a_span_continues_that_trace(span_exporter, call) -> None:
    span_exporter.clear()
    with trace.get_tracer("test").start_as_current_span("quotation.submit") as parent:
        call("Touch")
    server = next(s for s in span_exporter.get_finished_spans() if s.kind == SpanKind.SERVER)
    assert server.context.trace_id == parent.get_span_context().trace_id


def test_a_nested_call_joins_the_trace_of_the_call_being_served(span_exporter, start_server, probe) -> None:
    server_a = start_server([probe.register], [SERVICE], service_name="a")
    server_b = start_server([probe.register], [SERVICE], service_name="b")
    channel = make_channel(server_a.address)
    span_exporter.clear()
    channel.unary_unary(f"/{SERVICE}/Relay")(server_b.address.encode(), metadata=Caller("u-1").to_metadata())
    channel.close()
    spans = span_exporter.get_finished_spans()
    assert len({span.context.trace_id for span in spans}) == 1
    assert sorted(span.name.rsplit("/", 1)[1] for span in spans if span.kind == SpanKind.SERVER) == [
        "Relay",
        "Remaining",
        "WhoAmI",
    ]


def test_server_errors_mark_the_span_as_error_and_caller_errors_do_not(span_exporter, call) -> None:
    span_exporter.clear()
    for payload in (b"crash", b"invalid"):
        with pytest.raises(grpc.RpcError):
            call("Fail", payload)
    servers = [s for s in span_exporter.get_finished_spans() if s.kind == SpanKind.SERVER]
    by_code = {s.attributes["rpc.grpc.status_code"]: s for s in servers}
    assert by_code[grpc.StatusCode.INTERNAL.value[0]].status.is_ok is False
    assert by_code[grpc.StatusCode.INVALID_ARGUMENT.value[0]].status.is_unset


def test_health_probes_are_not_traced(span_exporter, probe_channel) -> None:
    span_exporter.clear()
    health_pb2_grpc.HealthStub(probe_channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert [s for s in span_exporter.get_finished_spans() if s.kind == SpanKind.SERVER] == []
