"""Section "pricing": the evaluation of a document against a large rule book.

Rules from `pricing.synthetic.generate_rules` (10,000 products, 100,000 price-list items, 5,000
promotions, 1,000 gift rules by default) are bulk-inserted into a SQLite service database, then:

- in process: the Evaluate use case (its one snapshot statement, a fresh-book check and the
  domain evaluation) for 1, 20 and 200 lines, p50/p99 over many runs of varied requests;
- the same 20-line requests by the NAIVE evaluator (`pricing_naive`: queries per line and per
  kind of rule, as ERPNext does), as a ratio of medians;
- the service as a process (`python -m pricing`, events off): its resident memory with the rules
  loaded, and Evaluate(20 lines) throughput over gRPC as a ratio to the chassis Echo RPC on the
  same server, driven like the contacts figure (grpc_methods.drive).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from chassis.db import Database
from chassis.identity import Caller
from chassis.testing import free_port
from crm.diagnostics.v1 import diagnostics_pb2, diagnostics_pb2_grpc
from crm.pricing.v1 import pricing_service_pb2 as pb
from crm.pricing.v1 import pricing_service_pb2_grpc as pb_grpc
from crm.pricing.v1 import resources_pb2 as res
from pricing.adapters import tables as t
from pricing.adapters.rule_rows import KINDS, ids_text
from pricing.application import evaluation
from pricing.bootstrap import build_pricing, migrate_database
from pricing.domain.evaluator import evaluate as evaluate_rules
from pricing.domain.model import EvaluationRequest, Usage
from pricing.domain.rulebook import Rules
from pricing.settings import PricingSettings
from pricing.synthetic import generate_rules, sample_request
from sqlalchemy import update

from crm_platform.bench.cpu import CpuMeter
from crm_platform.bench.grpc_methods import CallStats, GrpcSettings, drive
from crm_platform.bench.pricing_naive import evaluate_naively
from crm_platform.bench.report import Figure, at_least, percentile, under
from crm_platform.processes import ROOT

SECTION = "pricing"
SALES_DOCS = Caller.system("sales-docs")
CALL_TIMEOUT_SECONDS = 10.0
RULE_FIELDS = {
    "category": "categories",
    "product": "products",
    "standard_price": "standard_prices",
    "price_list": "price_lists",
    "price_list_item": "price_list_items",
    "promotion": "promotions",
    "coupon": "coupons",
    "gift_rule": "gift_rules",
}


@dataclass(frozen=True)
class PricingBenchSettings:
    products: int = 10_000
    price_list_items: int = 100_000
    promotions: int = 5_000
    gift_rules: int = 1_000
    # Timed runs per request size (after a warm-up of a tenth as many).
    runs: dict[int, int] = field(default_factory=lambda: {1: 3_000, 20: 1_000, 200: 300})
    distinct_requests: int = 50
    naive_runs: int = 40
    grpc: GrpcSettings = field(default_factory=GrpcSettings)


QUICK = PricingBenchSettings(
    products=1_000,
    price_list_items=10_000,
    promotions=500,
    gift_rules=100,
    runs={1: 300, 20: 100, 200: 30},
    distinct_requests=10,
    naive_runs=5,
    grpc=GrpcSettings(seconds=2, warm_up=0.5),
)


# (call, figure label); Echo first, all on the same server with the same client threads and
# settings. "Evaluate" is the default call (explanations included: what the target is about);
# "Evaluate explain=false" is the same requests asking for no explanations, reported beside it.
GRPC_RUNS = (
    ("Echo", "Echo (chassis baseline)"),
    ("Evaluate", "Evaluate 20 lines over gRPC (default, with explanations)"),
    ("Evaluate explain=false", "Evaluate 20 lines over gRPC, explain=false"),
)


def load_rules(database_url: str, rules: Rules, customers: dict[str, frozenset[str]]) -> None:
    """Bulk-inserts every rule (seq in generation order) and the customers' groups."""
    database = Database(database_url)
    seq = 0
    with database.transaction() as session:
        for kind, spec in KINDS.items():
            rows = []
            for rule in getattr(rules, RULE_FIELDS[kind]):
                seq += 1
                rows.append(
                    {
                        spec.key: spec.key_of(rule),
                        "seq": getattr(rule, "seq", seq),
                        "version": 1,
                        **spec.to_row(rule),
                    }
                )
            for start in range(0, len(rows), 5_000):
                session.execute(spec.table.insert(), rows[start : start + 5_000])
        if customers:
            session.execute(
                t.pricing_customers.insert(),
                [{"id": c, "group_ids": ids_text(g), "version": 1} for c, g in customers.items()],
            )
        session.execute(update(t.pricing_state).values(version=1, next_seq=seq + 10**9))
    database.dispose()


def evaluate_message(request: EvaluationRequest) -> pb.EvaluateRequest:
    return pb.EvaluateRequest(
        customer_id=request.customer.id,
        document_date=request.document_date.isoformat(),
        currency_code=request.currency,
        lines=[
            res.EvaluationLine(product_id=line.product_id, quantity=str(line.quantity), unit=line.unit or "")
            for line in request.lines
        ],
        coupon_codes=list(request.coupon_codes),
    )


def _timed(call: Callable[[], Any], runs: int) -> list[float]:
    for _ in range(max(1, runs // 10)):
        call()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return samples


def _ms(samples: list[float], fraction: float) -> float:
    return percentile(samples, fraction) * 1000


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _start_process(database_url: str, work: Path) -> tuple[subprocess.Popen[bytes], int]:
    grpc_port, http_port = free_port(), free_port()
    env = dict(
        os.environ,
        SERVICE_NAME="pricing",
        DATABASE_URL=database_url,
        GRPC_PORT=str(grpc_port),
        HTTP_PORT=str(http_port),
        EVENTS_ENABLED="false",
        VAR_DIR=str(work),
        LOG_JSON="true",
        LOG_LEVEL="WARNING",
    )
    log = (work / "pricing.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "pricing"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pricing exited with {process.returncode}; see {work / 'pricing.log'}")
        with (
            suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{http_port}/readyz", timeout=1) as r,
        ):
            if r.status == 200:
                return process, grpc_port
        time.sleep(0.2)
    process.kill()
    raise TimeoutError("pricing not ready")


def _call_maker(
    kind: str, requests: list[pb.EvaluateRequest]
) -> Callable[[grpc.Channel], Callable[[], object]]:
    """Each client thread cycles through `requests` (Evaluate) or echoes a customer id (Echo)."""
    metadata = tuple(SALES_DOCS.to_metadata())
    plain = [pb.EvaluateRequest(explain=False) for _ in requests]
    for message, request in zip(plain, requests, strict=True):
        message.MergeFrom(request)

    def evaluate_plain(channel: grpc.Channel) -> Callable[[], object]:
        stub = pb_grpc.PricingServiceStub(channel)
        counter = iter(range(10**12))
        return lambda: stub.Evaluate(
            plain[next(counter) % len(plain)], metadata=metadata, timeout=CALL_TIMEOUT_SECONDS
        )

    def evaluate(channel: grpc.Channel) -> Callable[[], object]:
        stub = pb_grpc.PricingServiceStub(channel)
        counter = iter(range(10**12))
        return lambda: stub.Evaluate(
            requests[next(counter) % len(requests)], metadata=metadata, timeout=CALL_TIMEOUT_SECONDS
        )

    def echo(channel: grpc.Channel) -> Callable[[], object]:
        stub = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel)
        payload = diagnostics_pb2.EchoRequest(payload=requests[0].customer_id)
        return lambda: stub.Echo(payload, metadata=metadata, timeout=CALL_TIMEOUT_SECONDS)

    return {"Evaluate": evaluate, "Evaluate explain=false": evaluate_plain, "Echo": echo}[kind]


def run(settings: PricingBenchSettings, emit: Callable[[Figure], None]) -> list[Figure]:
    figures: list[Figure] = []

    def add(figure: Figure) -> None:
        figures.append(figure)
        emit(figure)

    with tempfile.TemporaryDirectory(prefix="crm-bench-pricing-") as tmp:
        work = Path(tmp)
        database_url = f"sqlite:///{work / 'pricing.db'}"
        began = time.perf_counter()
        rules = generate_rules(
            products=settings.products,
            price_list_items=settings.price_list_items,
            promotions=settings.promotions,
            gift_rules=settings.gift_rules,
        )
        size = (
            f"{len(rules.products):,} products, {len(rules.price_list_items):,} items, "
            f"{len(rules.promotions):,} promotions, {len(rules.gift_rules):,} gift rules"
        )
        requests = {
            lines: [
                sample_request(rules, lines=lines, seed=seed) for seed in range(settings.distinct_requests)
            ]
            for lines in settings.runs
        }
        customers = {r.customer.id: r.customer.group_ids for rs in requests.values() for r in rs}
        service_settings = PricingSettings(database_url=database_url, events_enabled=False, var_dir=work)
        migrate_database(service_settings)
        load_rules(database_url, rules, customers)
        generated = time.perf_counter() - began
        began = time.perf_counter()
        service = build_pricing(service_settings)
        add(
            Figure(
                SECTION,
                "rule book load at start",
                time.perf_counter() - began,
                "s",
                note=f"{size}; generated and inserted in {generated:.0f} s",
            )
        )

        ctx = service.context
        ours: dict[int, list[float]] = {}
        for lines, runs in settings.runs.items():
            batch = requests[lines]
            counter = iter(range(10**9))

            def call(batch: list[EvaluationRequest] = batch, counter: Any = counter) -> object:
                return evaluation.evaluate(ctx, SALES_DOCS, batch[next(counter) % len(batch)])

            samples = ours[lines] = _timed(call, runs)
            bound = under(10.0) if lines == 200 else None
            add(
                Figure(
                    SECTION,
                    f"Evaluate {lines} lines in process, p99",
                    _ms(samples, 0.99),
                    "ms",
                    bound,
                    note=f"p50 {_ms(samples, 0.5):.2f} ms over {runs} runs of {len(batch)} requests",
                )
            )

        book = ctx.books.book
        usage = Usage()
        for lines in (20, 200):
            if lines in requests:
                batch = requests[lines]
                counter = iter(range(10**9))

                def domain_only(batch: list[EvaluationRequest] = batch, counter: Any = counter) -> object:
                    return evaluate_rules(book, batch[next(counter) % len(batch)], usage)

                samples = _timed(domain_only, settings.runs[lines])
                add(
                    Figure(
                        SECTION,
                        f"domain evaluate only, {lines} lines, p99",
                        _ms(samples, 0.99),
                        "ms",
                        note=f"p50 {_ms(samples, 0.5):.2f} ms (no database, no use case)",
                    )
                )

        naive_batch = requests[20] if 20 in requests else next(iter(requests.values()))
        with service.database.read() as session:
            counter20 = iter(range(10**9))
            naive = _timed(
                lambda: evaluate_naively(session, naive_batch[next(counter20) % len(naive_batch)]),
                settings.naive_runs,
            )
        ratio = percentile(naive, 0.5) / percentile(ours.get(20, naive), 0.5)
        add(
            Figure(
                SECTION,
                "naive (query per line/rule) / ours, 20 lines",
                ratio,
                "x",
                at_least(50),
                note=f"naive p50 {_ms(naive, 0.5):.1f} ms vs {_ms(ours.get(20, naive), 0.5):.2f} ms",
            )
        )
        service.database.dispose()

        process, port = _start_process(database_url, work)
        try:
            add(Figure(SECTION, "service RSS with the rules loaded", _rss_mb(process.pid), "MB", under(500)))
            target = f"127.0.0.1:{port}"
            messages = [evaluate_message(r) for r in naive_batch]
            rates: dict[str, CallStats] = {}
            for kind, label in GRPC_RUNS:
                # The process runs in its own session: its pid is its process group.
                meter = CpuMeter({"pricing": process.pid})
                rates[kind] = stats = drive(target, _call_maker(kind, messages), settings.grpc, meter)
                cpu = meter.used.get("pricing")
                per_call = ""
                if cpu and stats.calls:
                    per_call = f"; server CPU {cpu / stats.calls * 1000:.2f} ms per call"
                add(
                    Figure(
                        SECTION,
                        label,
                        stats.rate,
                        "req/s",
                        note=f"{settings.grpc.threads} client threads; {stats.describe()}{per_call}",
                    )
                )
            add(
                Figure(
                    SECTION,
                    "Evaluate(20) / Echo over gRPC (default call)",
                    rates["Evaluate"].rate / rates["Echo"].rate,
                    "x",
                    at_least(0.5),
                )
            )
            add(
                Figure(
                    SECTION,
                    "Evaluate(20, explain=false) / Echo over gRPC",
                    rates["Evaluate explain=false"].rate / rates["Echo"].rate,
                    "x",
                    note="for context; the target is the default call's",
                )
            )
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
    return figures
