"""A tiny service for the events tests: its state (`things`), its event tables, and a read
model (`applied`) that its consumer fills, one row per applied event."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from chassis.db import Database, new_metadata
from chassis.events import Envelope, Handler, add_event_tables, record_event
from crm.diagnostics.v1.diagnostics_pb2 import EchoRequest
from sqlalchemy import Column, Integer, String, Table, select
from sqlalchemy.orm import Session

METADATA = new_metadata()
THINGS = Table(
    "things",
    METADATA,
    Column("id", String(36), primary_key=True),
    Column("aggregate_id", String(100), nullable=False),
    Column("name", String(100), nullable=False),
)
APPLIED = Table(
    "applied",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("consumer", String(100), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("aggregate_id", String(100), nullable=False),
    Column("payload", String(100), nullable=False),
)
TABLES = add_event_tables(METADATA)

CREATED = "crm.test.thing.created"
BROKEN = "crm.test.thing.broken"


def open_database(url: str) -> Database:
    db = Database(url)
    METADATA.create_all(db.engine)
    return db


def create_thing(db: Database, aggregate_id: str, payload: str, *, subject: str = CREATED) -> str:
    """A use case: the state change and its event in one transaction; returns the event id."""
    with db.transaction() as session:
        session.execute(THINGS.insert().values(id=str(uuid.uuid4()), aggregate_id=aggregate_id, name=payload))
        return record_event(
            session,
            TABLES,
            subject=subject,
            message=EchoRequest(payload=payload),
            aggregate_type="thing",
            aggregate_id=aggregate_id,
        )


def record_applied(consumer: str) -> Callable[[Session, Envelope[Any]], None]:
    def apply(session: Session, envelope: Envelope[Any]) -> None:
        payload = envelope.message.payload
        session.execute(
            APPLIED.insert().values(
                consumer=consumer,
                event_id=envelope.event_id,
                aggregate_id=payload.split(":")[0],
                payload=payload,
            )
        )

    return apply


def always_fail(session: Session, envelope: Envelope[Any]) -> None:
    raise RuntimeError(f"cannot handle {envelope.event_id}\nsecond line")


def handlers_for(consumer: str) -> list[Handler]:
    return [Handler(CREATED, EchoRequest, record_applied(consumer))]


def reset_for(consumer: str) -> Callable[[Session], None]:
    def reset(session: Session) -> None:
        session.execute(APPLIED.delete().where(APPLIED.c.consumer == consumer))
        session.execute(TABLES.inbox.delete().where(TABLES.inbox.c.consumer == consumer))

    return reset


def applied_payloads(db: Database, consumer: str) -> list[str]:
    """Payloads in the order the consumer applied them."""
    with db.read() as session:
        rows = session.execute(
            select(APPLIED.c.payload).where(APPLIED.c.consumer == consumer).order_by(APPLIED.c.id)
        )
        return [row.payload for row in rows]
