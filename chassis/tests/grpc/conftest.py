"""Real gRPC servers on port 0 for the chassis's gRPC tests.

`ProbeService` is a test service on the generic handler API with raw bytes messages: each
method shows one behaviour of the chassis (error mapping, identity, deadlines, retries).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import grpc
import pytest
from chassis.errors import AlreadyExists, FieldViolation, InvalidArgument, NotFound, PermissionDenied
from chassis.grpc import GrpcServer, create_server, make_channel, remaining_time
from chassis.identity import current_caller
from chassis.observability import configure_tracing
from google.rpc import error_details_pb2
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

PROBE_SERVICE = "crm.test.v1.ProbeService"


class Probe:
    """The servicer: records what it saw so tests can look."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.attempts: Counter[bytes] = Counter()
        self.touched = 0

    def fail(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        kind = request.decode()
        if kind == "invalid":
            raise InvalidArgument("customer.tax_id", "bad checksum")
        if kind == "invalid-many":
            raise InvalidArgument(
                violations=[
                    FieldViolation("customer.tax_id", "bad checksum"),
                    FieldViolation("customer.addresses[0].postal_code", "must be 5 digits"),
                ]
            )
        if kind == "not-found":
            raise NotFound("customer", "c-42")
        if kind == "exists":
            error = AlreadyExists("a customer with tax id 0105556012345 exists")
            error.details = [  # type: ignore[attr-defined]
                error_details_pb2.ResourceInfo(resource_type="customer", resource_name="c-7")
            ]
            raise error
        if kind == "denied":
            raise PermissionDenied("u-2 may not access this customer")
        if kind == "abort":
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "quota used up")
        raise RuntimeError("connection to db-primary failed: password=hunter2")

    def who_am_i(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        caller = current_caller()
        return json.dumps(
            {"user_id": caller.user_id, "roles": sorted(caller.roles), "team_ids": sorted(caller.team_ids)}
        ).encode()

    def remaining(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        return json.dumps({"time_remaining": context.time_remaining(), "bound": remaining_time()}).encode()

    def flaky(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        """UNAVAILABLE for the first two attempts of each key, then OK."""
        with self.lock:
            self.attempts[request] += 1
            attempt = self.attempts[request]
        if attempt <= 2:
            context.abort(grpc.StatusCode.UNAVAILABLE, "warming up")
        return f"ok on attempt {attempt}".encode()

    def slow(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        time.sleep(float(request.decode()))
        return b"done"

    def touch(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        with self.lock:
            self.touched += 1
        return b"touched"

    def relay(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        """Calls `Remaining` and `WhoAmI` on the server at `request` (host:port) and reports
        its own remaining time beside what the downstream server saw."""
        own = context.time_remaining()
        channel = make_channel(request.decode(), default_timeout=30.0)
        try:
            downstream = json.loads(channel.unary_unary(f"/{PROBE_SERVICE}/Remaining")(b"", timeout=60.0))
            caller = json.loads(channel.unary_unary(f"/{PROBE_SERVICE}/WhoAmI")(b""))
        finally:
            channel.close()
        return json.dumps({"own": own, "downstream": downstream, "caller": caller}).encode()

    def count_down(self, request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
        """Streams n..1; "fail" after the numbers raises NotFound mid-stream."""
        count, _, then = request.decode().partition(":")
        for n in range(int(count), 0, -1):
            yield str(n).encode()
        if then == "fail":
            raise NotFound("reminder", "r-1")

    def total_length(self, requests: Iterator[bytes], context: grpc.ServicerContext) -> bytes:
        return str(sum(len(chunk) for chunk in requests)).encode()

    def register(self, server: grpc.Server) -> None:
        unary = grpc.unary_unary_rpc_method_handler
        handlers = {
            "Fail": unary(self.fail),
            "WhoAmI": unary(self.who_am_i),
            "Remaining": unary(self.remaining),
            "Flaky": unary(self.flaky),
            "Slow": unary(self.slow),
            "Touch": unary(self.touch),
            "Relay": unary(self.relay),
            "CountDown": grpc.unary_stream_rpc_method_handler(self.count_down),
            "TotalLength": grpc.stream_unary_rpc_method_handler(self.total_length),
        }
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(PROBE_SERVICE, handlers),))


StartServer = Callable[..., GrpcServer]


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    """Creates and starts servers (port 0); stops them after the test."""
    servers: list[GrpcServer] = []

    def start(
        register: Sequence[Callable[[grpc.Server], None]] = (),
        service_names: Sequence[str] = (),
        **options: Any,
    ) -> GrpcServer:
        options.setdefault("service_name", "probe")
        server = create_server(register=register, service_names=service_names, **options)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop(grace=0)


@pytest.fixture
def probe() -> Probe:
    return Probe()


@pytest.fixture
def probe_server(start_server: StartServer, probe: Probe) -> GrpcServer:
    return start_server([probe.register], [PROBE_SERVICE])


@pytest.fixture
def probe_channel(probe_server: GrpcServer) -> Iterator[grpc.Channel]:
    """A chassis channel (make_channel) to the probe server."""
    channel = make_channel(probe_server.address)
    yield channel
    channel.close()


Call = Callable[..., Any]


@pytest.fixture
def call(probe_channel: grpc.Channel) -> Call:
    """call("Fail", b"invalid", metadata=..., timeout=...) on the probe service."""

    def invoke(method: str, payload: bytes = b"", **kwargs: Any) -> Any:
        return probe_channel.unary_unary(f"/{PROBE_SERVICE}/{method}")(payload, **kwargs)

    return invoke


@pytest.fixture(scope="session")
def span_exporter() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    configure_tracing("chassis-tests", exporter=exporter)
    return exporter


@pytest.fixture
def probe_service_name() -> str:
    return PROBE_SERVICE
