"""The tiny services the events benchmark runs: a producer with one table and the outbox,
a consumer with one table and the inbox, each in its own database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from chassis.db import new_metadata
from chassis.events import EventTables, add_event_tables
from sqlalchemy import Column, Integer, MetaData, String, Table

BACKLOG_SUBJECT = "crm.bench.probe.backlogged"


def live_subject(run: str) -> str:
    """Each lag run has its own subject and durable, so no run sees another's events."""
    return f"crm.bench.{run}.recorded"


@dataclass(frozen=True)
class Schema:
    metadata: MetaData
    table: Table
    events: EventTables


def producer_schema() -> Schema:
    metadata = new_metadata()
    probes = Table(
        "bench_probe",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("label", String(40), nullable=False),
    )
    return Schema(metadata, probes, add_event_tables(metadata))


def consumer_schema() -> Schema:
    metadata = new_metadata()
    applied = Table(
        "bench_applied",
        metadata,
        Column("event_id", String(64), primary_key=True),
        Column("aggregate_id", String(100), nullable=False),
    )
    return Schema(metadata, applied, add_event_tables(metadata))


async def wait_until(
    check: Callable[[], bool], timeout: float, interval: float = 0.05, *, in_thread: bool = True
) -> bool:
    """Polls `check` (in a thread when it queries a database) until true or `timeout`."""
    deadline = time.monotonic() + timeout
    while not (await asyncio.to_thread(check) if in_thread else check()):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(interval)
    return True
