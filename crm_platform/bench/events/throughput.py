"""Relay throughput: a backlog of outbox rows drained to PubAck, against raw nats-py
publishing of the same subjects, payloads and headers (fresh Nats-Msg-Ids, so none is taken
as a duplicate) to the same server: `await js.publish` one by one, and `js.publish_async`
with a bounded window of futures in flight, which is what the relay does (so relay / raw
pipelined is the relay's own overhead: reading, marking, per-aggregate gating, bookkeeping).
"""

from __future__ import annotations

import asyncio
import json
import math
import time
import uuid
from datetime import UTC, datetime

import nats
from chassis.db import Database
from chassis.events import EVENTS_STREAM, OutboxRelay, record_event
from chassis.events.envelope import HEADER_MSG_ID
from crm.diagnostics.v1.diagnostics_pb2 import EchoRequest
from sqlalchemy import func, select

from crm_platform.bench.events.schema import BACKLOG_SUBJECT, Schema, producer_schema, wait_until


def fill_backlog(db: Database, schema: Schema, count: int, per_transaction: int = 500) -> float:
    """Outbox rows for the relay to drain (while no relay runs); returns rows written per second."""
    started = time.perf_counter()
    payload = EchoRequest(payload="x" * 64)
    for first in range(0, count, per_transaction):
        with db.transaction() as session:
            for i in range(first, min(count, first + per_transaction)):
                record_event(
                    session,
                    schema.events,
                    subject=BACKLOG_SUBJECT,
                    message=payload,
                    aggregate_type="probe",
                    aggregate_id=str(i % 97),
                )
    return count / (time.perf_counter() - started)


async def measure_relay_drain(producer_db: Database, nats_url: str, backlog: int) -> tuple[float, float]:
    """(outbox rows written/s while filling, relay events/s from its start to the last row
    marked published, i.e. after its PubAck)."""
    schema = producer_schema()
    fill_rate = await asyncio.to_thread(fill_backlog, producer_db, schema, backlog)
    relay = OutboxRelay(producer_db, schema.events, nats_url, service="bench")
    stop = asyncio.Event()
    started = time.time()
    task = asyncio.create_task(relay.run(stop))
    try:
        drained = await wait_until(lambda: relay.backlog() == 0, timeout=180, interval=0.1)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    if not drained:
        return fill_rate, math.nan
    outbox = schema.events.outbox
    with producer_db.read() as session:
        last = session.execute(
            select(func.max(outbox.c.published_at)).where(outbox.c.subject == BACKLOG_SUBJECT)
        ).scalar_one()
    if isinstance(last, str):
        last = datetime.fromisoformat(last)
    finished = (last if last.tzinfo else last.replace(tzinfo=UTC)).timestamp()
    return fill_rate, backlog / (finished - started)


async def measure_raw_publish(producer_db: Database, nats_url: str, window: int) -> tuple[float, float]:
    """(awaited one by one, pipelined with `window` in flight) messages/s for the backlog."""
    outbox = producer_schema().events.outbox
    with producer_db.read() as session:
        rows = session.execute(
            select(outbox.c.subject, outbox.c.payload, outbox.c.headers)
            .where(outbox.c.subject == BACKLOG_SUBJECT)
            .order_by(outbox.c.seq)
        ).all()
    client = await nats.connect(nats_url)
    try:
        js = client.jetstream(timeout=2.0, publish_async_max_pending=window)
        ids = [str(uuid.uuid4()) for _ in rows]
        started = time.perf_counter()
        for (subject, payload, headers_json), msg_id in zip(rows, ids, strict=True):
            headers = json.loads(headers_json)
            headers[HEADER_MSG_ID] = msg_id
            ack = await js.publish(subject, payload, timeout=2.0, stream=EVENTS_STREAM, headers=headers)
            if ack.duplicate:
                raise RuntimeError("a raw publish was taken as a duplicate")
        awaited = len(rows) / (time.perf_counter() - started)

        ids = [str(uuid.uuid4()) for _ in rows]
        started = time.perf_counter()
        futures = []
        for (subject, payload, headers_json), msg_id in zip(rows, ids, strict=True):
            headers = json.loads(headers_json)
            headers[HEADER_MSG_ID] = msg_id
            futures.append(
                await js.publish_async(
                    subject, payload, wait_stall=10.0, stream=EVENTS_STREAM, headers=headers
                )
            )
        acks = await asyncio.wait_for(asyncio.gather(*futures), 60)
        pipelined = len(rows) / (time.perf_counter() - started)
        if any(ack.duplicate for ack in acks):
            raise RuntimeError("a pipelined publish was taken as a duplicate")
    finally:
        await client.close()
    return awaited, pipelined
