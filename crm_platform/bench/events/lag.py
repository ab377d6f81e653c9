"""Consumer lag: the writer and the relay in this process (the producing service), the
consumer in a child process with its own database and event loop (the consuming service).

Lag = the moment the consumer's transaction (effect + inbox row) committed minus the writer's
wall-clock stamp, taken as the last statement before the writer's commit and carried in the
event (EchoRequest.payload). Both clocks are this machine's `time.time()`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from chassis.db import Database
from chassis.events import EventConsumer, Handler, OutboxRelay, record_event
from chassis.events.envelope import HEADER_AGGREGATE_ID, Envelope
from crm.diagnostics.v1.diagnostics_pb2 import EchoRequest
from sqlalchemy import Table, event
from sqlalchemy.orm import Session

from crm_platform.bench.events.schema import (
    Schema,
    consumer_schema,
    live_subject,
    producer_schema,
    wait_until,
)

WARM_UP_EVENTS = 20
DEFAULT_WRITERS = 4
_STAMP = "bench_sent_at"
_READY = "ready"


class LagProbe:
    """The consumer's handler and the clock: the handler writes the effect and leaves the
    writer's stamp on the session; a Session `after_commit` listener takes the sample."""

    def __init__(self, applied: Table) -> None:
        self._insert = applied.insert()
        self.samples: list[float] = []

    def apply(self, session: Session, envelope: Envelope[EchoRequest]) -> None:
        aggregate_id = envelope.headers.get(HEADER_AGGREGATE_ID, "")
        session.execute(self._insert, {"event_id": envelope.event_id, "aggregate_id": aggregate_id})
        session.info[_STAMP] = float(envelope.message.payload)

    def after_commit(self, session: Session) -> None:
        sent_at = session.info.pop(_STAMP, None)
        if sent_at is not None:
            self.samples.append(time.time() - sent_at)


@dataclass(frozen=True)
class WriterStats:
    count: int
    seconds: float
    threads: int

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else math.nan


def write_at_rate(
    db: Database,
    schema: Schema,
    *,
    subject: str,
    rate: float,
    seconds: float,
    first_id: int,
    writers: int = DEFAULT_WRITERS,
) -> WriterStats:
    """One transaction (a state change and its event) per event, each due at start + i/rate on
    one shared timeline, offered by `writers` threads as a service's gRPC workers would: a
    free thread takes the next event, waits until it is due and commits it, so one commit's
    latency (fsync, round trips) no longer holds back the next. Late events go at once, so a
    pool that cannot keep up runs flat out. Returns when every thread has finished."""
    count = int(rate * seconds)
    insert_probe = schema.table.insert()
    claim = threading.Lock()
    next_index = 0
    errors: list[BaseException] = []
    started = time.perf_counter()

    def take() -> int | None:
        nonlocal next_index
        with claim:
            if next_index >= count or errors:
                return None
            index = next_index
            next_index += 1
            return index

    def writer() -> None:
        try:
            while (i := take()) is not None:
                delay = started + i / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                probe_id = first_id + i
                with db.transaction() as session:
                    session.execute(insert_probe, {"id": probe_id, "label": "probe"})
                    record_event(
                        session,
                        schema.events,
                        subject=subject,
                        message=EchoRequest(payload=f"{time.time():.6f}"),
                        aggregate_type="probe",
                        aggregate_id=str(probe_id),
                    )
        except BaseException as error:  # re-raised in the caller's thread below
            with claim:
                errors.append(error)

    threads = [
        threading.Thread(target=writer, name=f"bench-writer-{n}", daemon=True) for n in range(max(1, writers))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return WriterStats(count, time.perf_counter() - started, len(threads))


@dataclass(frozen=True)
class LagResult:
    samples: list[float]
    writer: WriterStats
    missing: int


async def _consume_and_report(
    conn: Connection, consumer_url: str, nats_url: str, run: str, deadline: float
) -> None:
    db = Database(consumer_url)
    schema = consumer_schema()
    probe = LagProbe(schema.table)
    consumer = EventConsumer(
        db,
        schema.events,
        nats_url,
        durable=run,
        handlers=[Handler(live_subject(run), EchoRequest, probe.apply)],
    )
    event.listen(Session, "after_commit", probe.after_commit)
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        # Warm-up: the stream, the durable and the connections exist before the clock starts.
        if not await wait_until(lambda: len(probe.samples) >= WARM_UP_EVENTS, 60, in_thread=False):
            raise RuntimeError("warm-up events did not reach the consumer within 60 s")
        probe.samples.clear()
        conn.send(_READY)
        count = await asyncio.to_thread(conn.recv)
        await wait_until(lambda: len(probe.samples) >= count, deadline, 0.02, in_thread=False)
        conn.send(list(probe.samples))
    except Exception as error:
        conn.send(f"{type(error).__name__}: {error}")
        raise
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        db.dispose()


def consumer_process(conn: Connection, consumer_url: str, nats_url: str, run: str, deadline: float) -> None:
    """The consuming service. Sends `_READY` once warm, then receives the number of events to
    expect and answers with the lag samples of those applied within `deadline` seconds."""
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(_consume_and_report(conn, consumer_url, nats_url, run, deadline))


async def _receive(conn: Connection, child: BaseProcess, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(conn.poll, 0.5):
        if not child.is_alive():
            raise RuntimeError(f"the consumer process exited with {child.exitcode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the consumer process did not answer within {timeout:.0f} s")
    answer = conn.recv()
    if isinstance(answer, str) and answer != _READY:
        raise RuntimeError(f"the consumer process failed: {answer}")
    return answer


async def measure_lag(
    producer_db: Database,
    consumer_url: str,
    nats_url: str,
    *,
    run: str,
    first_id: int,
    rate: float,
    seconds: float,
    deadline: float,
    writers: int = DEFAULT_WRITERS,
) -> LagResult:
    """Writes `rate` * `seconds` events from `writers` threads and collects their lag; events
    the consumer has not applied `deadline` seconds after the writers finished count as
    `deadline` late."""
    producer = producer_schema()
    subject = live_subject(run)
    relay = OutboxRelay(producer_db, producer.events, nats_url, service="bench")
    producer_db.add_commit_listener(relay.wake)
    context = multiprocessing.get_context("spawn")
    conn, child_conn = context.Pipe()
    child = context.Process(
        target=consumer_process,
        args=(child_conn, consumer_url, nats_url, run, deadline),
        name=f"bench-consumer-{run}",
        daemon=True,
    )
    child.start()
    stop = asyncio.Event()
    relay_task = asyncio.create_task(relay.run(stop))
    try:
        await asyncio.to_thread(
            write_at_rate,
            producer_db,
            producer,
            subject=subject,
            rate=100,
            seconds=WARM_UP_EVENTS / 100,
            first_id=first_id,
        )
        await _receive(conn, child, 90)
        stats = await asyncio.to_thread(
            write_at_rate,
            producer_db,
            producer,
            subject=subject,
            rate=rate,
            seconds=seconds,
            first_id=first_id + WARM_UP_EVENTS,
            writers=writers,
        )
        conn.send(stats.count)
        samples: list[float] = await _receive(conn, child, deadline + 30)
    finally:
        stop.set()
        await asyncio.wait_for(relay_task, 30)
        child.join(30)
        if child.is_alive():
            child.terminate()
            child.join()
    missing = max(0, stats.count - len(samples))
    return LagResult(samples + [deadline] * missing, stats, missing)
