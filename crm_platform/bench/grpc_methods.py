"""Section 2, gRPC: `ContactsService/GetCustomer` (interceptors, access check, one database
read, translation) against `DiagnosticsService/Echo` (the same server and interceptors, no
domain work) on the contacts process that `make run` starts.

Both are driven by the same closed-loop client: N threads, each with its own channel and
stubs, calling back to back for a fixed time after a warm-up; requests/s count the calls
completed inside the window. The client threads share one Python process (and the 2 cores
with the server), which bounds Echo more than GetCustomer, so the ratio is if anything
flattering to GetCustomer by a little; the figure to watch is how it moves between runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import grpc
from chassis.identity import Caller
from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import contacts_service_pb2_grpc as pb_grpc
from crm.contacts.v1 import resources_pb2 as resources
from crm.diagnostics.v1 import diagnostics_pb2, diagnostics_pb2_grpc

from crm_platform.bench.cpu import CpuMeter
from crm_platform.bench.report import Figure, at_least, percentile
from crm_platform.demo_data import thai_tax_id
from crm_platform.processes import Platform

SECTION = "grpc"
RATIO_TARGET = 0.5
ADMIN = Caller("bench-admin", frozenset({"admin"}))
CALL_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class GrpcSettings:
    threads: int = 8
    seconds: float = 8.0
    warm_up: float = 1.5


@dataclass
class CallStats:
    calls: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.calls / self.seconds

    def describe(self) -> str:
        p50, p99 = percentile(self.latencies, 0.5) * 1000, percentile(self.latencies, 0.99) * 1000
        errors = f", {self.errors} errors" if self.errors else ""
        return f"p50 {p50:.2f} ms, p99 {p99:.2f} ms{errors}"


def create_customer(target: str) -> str:
    """One juristic customer, created as an admin; returns its id."""
    with grpc.insecure_channel(target) as channel:
        stub = pb_grpc.ContactsServiceStub(channel)
        customer = resources.Customer(
            kind=resources.CUSTOMER_KIND_JURISTIC,
            name="บริษัท เบนช์มาร์ก จีอาร์พีซี จำกัด",
            name_en="Benchmark gRPC Co., Ltd.",
            tax_id=thai_tax_id("010555000456"),
            branch_code="00000",
            email="grpc-bench@example.co.th",
        )
        reply = stub.CreateCustomer(
            pb.CreateCustomerRequest(customer=customer, allow_duplicates=True),
            metadata=tuple(ADMIN.to_metadata()),
            timeout=CALL_TIMEOUT_SECONDS,
            wait_for_ready=True,
        )
    return str(reply.customer.id)


def _call_maker(method: str, customer_id: str) -> Callable[[grpc.Channel], Callable[[], object]]:
    metadata = tuple(ADMIN.to_metadata())

    def get_customer(channel: grpc.Channel) -> Callable[[], object]:
        stub, request = pb_grpc.ContactsServiceStub(channel), pb.GetCustomerRequest(id=customer_id)
        return lambda: stub.GetCustomer(request, metadata=metadata, timeout=CALL_TIMEOUT_SECONDS)

    def echo(channel: grpc.Channel) -> Callable[[], object]:
        stub = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel)
        request = diagnostics_pb2.EchoRequest(payload=customer_id)
        return lambda: stub.Echo(request, metadata=metadata, timeout=CALL_TIMEOUT_SECONDS)

    return {"GetCustomer": get_customer, "Echo": echo}[method]


def drive(
    target: str,
    make_call: Callable[[grpc.Channel], Callable[[], object]],
    settings: GrpcSettings,
    meter: CpuMeter | None = None,
) -> CallStats:
    """Closed loop: `settings.threads` threads, one channel each, for `settings.seconds`;
    `meter` measures the server's CPU over the same window."""
    window_start = time.perf_counter() + 1.0 + settings.warm_up  # connect, then warm up
    window_end = window_start + settings.seconds
    per_thread = [CallStats() for _ in range(settings.threads)]

    def worker(stats: CallStats) -> None:
        with grpc.insecure_channel(target) as channel:
            grpc.channel_ready_future(channel).result(timeout=10)
            call = make_call(channel)
            while True:
                began = time.perf_counter()
                if began >= window_end:
                    return
                try:
                    call()
                except grpc.RpcError:
                    stats.errors += 1
                    continue
                ended = time.perf_counter()
                if began >= window_start and ended <= window_end:
                    stats.calls += 1
                    stats.latencies.append(ended - began)

    threads = [threading.Thread(target=worker, args=(stats,), daemon=True) for stats in per_thread]
    for thread in threads:
        thread.start()
    if meter is not None:
        time.sleep(max(0.0, window_start - time.perf_counter()))
        meter.start()
        time.sleep(max(0.0, window_end - time.perf_counter()))
        meter.stop()
    for thread in threads:
        thread.join(settings.seconds + settings.warm_up + 30)
    total = CallStats(seconds=settings.seconds)
    for stats in per_thread:
        total.calls += stats.calls
        total.errors += stats.errors
        total.latencies += stats.latencies
    return total


def run(platform: Platform, settings: GrpcSettings, emit: Callable[[Figure], None]) -> list[Figure]:
    """GetCustomer vs Echo on the running platform's contacts process."""
    target = f"127.0.0.1:{platform.ports.contacts_grpc}"
    customer_id = create_customer(target)
    clients = f"{settings.threads} client threads, {settings.seconds:g} s"
    figures: list[Figure] = []
    rates: dict[str, float] = {}
    for method, label in (
        ("Echo", "contacts Echo (chassis baseline)"),
        ("GetCustomer", "contacts GetCustomer"),
    ):
        meter = CpuMeter({"contacts": platform.processes["contacts"].pid})
        stats = drive(target, _call_maker(method, customer_id), settings, meter)
        cpu = meter.per_request(stats.calls)
        note = f"{clients}; {stats.describe()}" + (f"; server CPU per call: {cpu}" if cpu else "")
        rates[method] = stats.rate
        figures.append(Figure(SECTION, label, stats.rate, "req/s", note=note))
        emit(figures[-1])
    figures.append(
        Figure(
            SECTION, "GetCustomer / Echo", rates["GetCustomer"] / rates["Echo"], "x", at_least(RATIO_TARGET)
        )
    )
    emit(figures[-1])
    return figures
