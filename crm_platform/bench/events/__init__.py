"""Section 1, events: transactional outbox → relay → JetStream → durable consumer.

Per database backend (SQLite always; PostgreSQL too when one answers at 127.0.0.1:5432),
against a real nats-server with its store in a temp dir: consumer lag at the target's fixed
event rate and at a light one (lag.py), then the relay's drain throughput against raw nats-py
publishing (throughput.py).
"""

from __future__ import annotations

import asyncio
import math
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from chassis.db import Database
from chassis.testing import NatsServer, create_postgres_database, database_backends, drop_postgres_database

from crm_platform.bench.events.lag import DEFAULT_WRITERS, LagResult, measure_lag
from crm_platform.bench.events.schema import consumer_schema, producer_schema
from crm_platform.bench.events.throughput import measure_raw_publish, measure_relay_drain
from crm_platform.bench.report import Figure, at_least, median, percentile, under

SECTION = "events"
LAG_TARGET_MS = 50.0


@dataclass(frozen=True)
class EventSettings:
    rate: float = 1000.0
    seconds: float = 10.0
    light_rate: float = 100.0
    light_seconds: float = 5.0
    backlog: int = 20_000
    publish_window: int = 256
    drain_deadline: float = 30.0
    writers: int = DEFAULT_WRITERS  # threads offering the fixed rate, as a service's gRPC workers


@contextmanager
def _database_urls(backend: str, work_dir: Path) -> Iterator[tuple[str, str]]:
    """The producer's and the consumer's databases (two, as two services have)."""
    if backend == "sqlite":
        yield f"sqlite:///{work_dir / 'producer.db'}", f"sqlite:///{work_dir / 'consumer.db'}"
        return
    urls = [create_postgres_database(), create_postgres_database()]
    try:
        yield urls[0], urls[1]
    finally:
        for url in urls:
            drop_postgres_database(url)


def _lag_figures(
    backend: str, lag: LagResult, offered: float, deadline: float, *, is_target_rate: bool
) -> list[Figure]:
    """The lag target applies at the target rate; the light run shows the unloaded path."""
    name = f"{offered:,.0f}/s"
    lag_ms = [sample * 1000 for sample in lag.samples]
    missing = f"; {lag.missing:,} not applied within {deadline:.0f} s" if lag.missing else ""
    threads = f"{lag.writer.threads} writer thread{'s' if lag.writer.threads != 1 else ''}"
    written = f"written at {lag.writer.rate:,.0f}/s"
    note = f"{lag.writer.count:,} events offered at {offered:,.0f}/s by {threads}, {written}{missing}"
    return [
        Figure(
            SECTION,
            f"{backend}: {name} writer rate achieved",
            lag.writer.rate,
            "events/s",
            at_least(offered * 0.98),
            note=f"{threads}, one transaction per event",
        ),
        Figure(SECTION, f"{backend}: {name} lag p50", median(lag_ms), "ms", note=note),
        Figure(
            SECTION,
            f"{backend}: {name} lag p99",
            percentile(lag_ms, 0.99),
            "ms",
            under(LAG_TARGET_MS) if is_target_rate else None,
        ),
        Figure(SECTION, f"{backend}: {name} lag max", max(lag_ms, default=math.nan), "ms"),
    ]


async def _run_backend(
    backend: str, work_dir: Path, settings: EventSettings, emit: Callable[[Figure], None]
) -> list[Figure]:
    figures: list[Figure] = []

    def add(*new: Figure) -> None:
        for figure in new:
            emit(figure)
            figures.append(figure)

    server = NatsServer(work_dir / "jetstream")
    server.start()
    try:
        with _database_urls(backend, work_dir) as (producer_url, consumer_url):
            producer_db, consumer_db = Database(producer_url), Database(consumer_url)
            producer_schema().metadata.create_all(producer_db.engine)
            consumer_schema().metadata.create_all(consumer_db.engine)
            consumer_db.dispose()
            try:
                # The light run first, so it sees a system that no saturated run has just left behind.
                runs = [(settings.light_rate, settings.light_seconds), (settings.rate, settings.seconds)]
                for index, (rate, seconds) in enumerate(runs):
                    lag = await measure_lag(
                        producer_db,
                        consumer_url,
                        server.url,
                        run=f"lag{index}",
                        first_id=index * 10_000_000,
                        rate=rate,
                        seconds=seconds,
                        deadline=settings.drain_deadline,
                        writers=settings.writers,
                    )
                    add(
                        *_lag_figures(
                            backend, lag, rate, settings.drain_deadline, is_target_rate=rate == settings.rate
                        )
                    )
                fill_rate, relay_rate = await measure_relay_drain(producer_db, server.url, settings.backlog)
                awaited, pipelined = await measure_raw_publish(
                    producer_db, server.url, settings.publish_window
                )
            finally:
                producer_db.dispose()
    finally:
        server.stop()
    add(
        Figure(
            SECTION,
            f"{backend}: outbox insert via record_event",
            fill_rate,
            "rows/s",
            note="500 rows per transaction",
        ),
        Figure(
            SECTION,
            f"{backend}: relay drain to PubAck",
            relay_rate,
            "events/s",
            note=f"{settings.backlog:,}-row backlog",
        ),
        Figure(SECTION, f"{backend}: raw js.publish, awaited one by one", awaited, "msgs/s"),
        Figure(
            SECTION,
            f"{backend}: raw js.publish_async, {settings.publish_window} in flight",
            pipelined,
            "msgs/s",
        ),
        Figure(SECTION, f"{backend}: relay / raw awaited", relay_rate / awaited, "x"),
        Figure(SECTION, f"{backend}: relay / raw pipelined", relay_rate / pipelined, "x"),
    )
    return figures


def run(settings: EventSettings, emit: Callable[[Figure], None]) -> list[Figure]:
    """The section on every reachable backend; `emit` prints each figure as it comes."""
    backends = database_backends()
    if "postgresql" not in backends:
        print("  events: PostgreSQL not reachable at 127.0.0.1:5432; SQLite only", flush=True)
    figures: list[Figure] = []
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix=f"crm-bench-events-{backend}-") as tmp:
            figures += asyncio.run(_run_backend(backend, Path(tmp), settings, emit))
    return figures
