"""`python -m crm_platform.bench [--sections events,grpc,http] [--quick] [--python-load]`.

Runs each section in turn (events needs only nats-server and the databases; grpc and http
share one platform started as processes), prints a table line per figure, then the Markdown
results block, which is also written to var/bench-results.md. Exits 1 only when a section
could not run; a missed target is a figure, not an error.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import platform as host
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from crm_platform.bench import events, grpc_methods, http_api
from crm_platform.bench import pricing as pricing_bench
from crm_platform.bench import sales_docs as sales_bench
from crm_platform.bench import service_desk as desk_bench
from crm_platform.bench.load import LoadGenerator, LoadSettings
from crm_platform.bench.platform_run import running_platform
from crm_platform.bench.report import Figure, markdown, save
from crm_platform.processes import ROOT

SECTIONS = ("events", "grpc", "http", "pricing", "sales", "servicedesk")


def _settings(quick: bool) -> tuple[events.EventSettings, grpc_methods.GrpcSettings, LoadSettings]:
    if quick:  # a smoke run of the whole harness, not figures to quote
        return (
            events.EventSettings(seconds=2, light_seconds=1, backlog=2_000),
            grpc_methods.GrpcSettings(seconds=2, warm_up=0.5),
            LoadSettings(seconds=2, warm_up=1),
        )
    return events.EventSettings(), grpc_methods.GrpcSettings(), LoadSettings()


def _section(title: str, body: Callable[[], list[Figure]], failures: list[str]) -> list[Figure]:
    print(f"\n== {title}", flush=True)
    started = time.monotonic()
    try:
        figures = body()
    except Exception:
        traceback.print_exc()
        failures.append(title)
        return []
    print(f"  ({title}: {time.monotonic() - started:.0f} s)", flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crm_platform.bench", description=__doc__)
    parser.add_argument(
        "--sections", default=",".join(SECTIONS), help="comma-separated: " + ",".join(SECTIONS)
    )
    parser.add_argument("--quick", action="store_true", help="short runs to check the harness")
    parser.add_argument(
        "--python-load",
        action="store_true",
        help="HTTP load from the Python generator even when wrk is there",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "var" / "bench-results.md")
    parser.add_argument(
        "--writers", type=int, default=None, help="threads offering the fixed event rate (default 4)"
    )
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.sections.split(",") if name.strip()]
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    event_settings, grpc_settings, load_settings = _settings(args.quick)
    if args.writers is not None:
        event_settings = dataclasses.replace(event_settings, writers=args.writers)

    def emit(figure: Figure) -> None:
        print(figure.line(), flush=True)

    started = time.monotonic()
    machine = f"{os.cpu_count()} cores, {host.system()} {host.machine()}, Python {host.python_version()}"
    if hasattr(os, "getloadavg"):  # other work on the machine moves every figure
        machine += f", load average {os.getloadavg()[0]:.1f} at start"
    print(f"CRM platform benchmarks: {machine}{' (quick run)' if args.quick else ''}", flush=True)
    figures: list[Figure] = []
    failures: list[str] = []
    load_name = ""
    if "events" in chosen:
        figures += _section(
            "1. events (outbox -> JetStream -> consumer)", lambda: events.run(event_settings, emit), failures
        )
    if "grpc" in chosen or "http" in chosen:
        print("\nstarting the platform (nats-server, contacts, gateway) ...", flush=True)
        with running_platform() as platform:
            if "grpc" in chosen:
                figures += _section(
                    "2. gRPC (contacts GetCustomer vs Echo)",
                    lambda: grpc_methods.run(platform, grpc_settings, emit),
                    failures,
                )
            if "http" in chosen:
                load = LoadGenerator(load_settings, use_wrk=not args.python_load)
                load_name = load.name
                figures += _section(
                    "3. HTTP (gateway vs bare Flask, same gunicorn config)",
                    lambda: http_api.run(platform, load, emit),
                    failures,
                )

    # The sections that run in process: (name, title, body given --quick).
    in_process: tuple[tuple[str, str, Callable[[bool], list[Figure]]], ...] = (
        (
            "pricing",
            "4. pricing (Evaluate in process, over gRPC, vs a naive evaluator; memory)",
            lambda quick: pricing_bench.run(
                pricing_bench.QUICK if quick else pricing_bench.PricingBenchSettings(), emit
            ),
        ),
        (
            "sales",
            "5. sales (numbering under 32 creators on PostgreSQL; a 50-line quotation via the gateway)",
            lambda quick: sales_bench.run(
                sales_bench.QUICK if quick else sales_bench.SalesBenchSettings(), emit
            ),
        ),
        (
            "servicedesk",
            "6. service desk (SLA clocks, e-mail intake, escalation pass; in process on SQLite)",
            lambda quick: desk_bench.run(desk_bench.QUICK if quick else desk_bench.DeskBenchSettings(), emit),
        ),
    )
    for name, title, body in in_process:
        if name in chosen:
            figures += _section(title, lambda: body(args.quick), failures)  # noqa: B023 (called at once)

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    details = f"; HTTP load: {load_name}" if load_name else ""
    header = f"Measured by `make bench` on {stamp}: {machine}{details}."
    if args.quick:
        header += " Quick run: short durations, figures not representative."
    results = markdown(figures, header)
    save(results, args.output)
    print(f"\n{results}\nsaved to {args.output} (total {time.monotonic() - started:.0f} s)", flush=True)
    if failures:
        print(f"sections that could not run: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
