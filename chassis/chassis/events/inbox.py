"""Applying an event at most once per consumer: the handler's effect and the inbox row
(consumer, event id) commit in one transaction, so a redelivery (a crash after commit but
before the ack, a reset consumer, a replay) finds the row and changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from google.protobuf.message import DecodeError, Message
from opentelemetry import propagate, trace
from sqlalchemy import Insert, Table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chassis.db import Database
from chassis.events.envelope import (
    HEADER_EVENT_TYPE,
    HEADER_MSG_ID,
    HEADER_OCCURRED_AT,
    Envelope,
    parse_timestamp,
)
from chassis.events.schema import EventTables
from chassis.events.subjects import subject_matches

_tracer = trace.get_tracer("chassis.events")


@dataclass(frozen=True)
class Handler:
    """Applies events on `subject` (a NATS pattern, `*`/`>` allowed) decoded as
    `message_type`, inside the transaction that also writes the inbox row."""

    subject: str
    message_type: type[Message]
    apply: Callable[[Session, Envelope[Any]], None]


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    FAILED = "failed"


class UndecodableEventError(Exception):
    """The payload is not the handler's message type: no redelivery will change that."""


class _AlreadyAppliedError(Exception):
    pass


_INSERTS: dict[Table, Insert] = {}


def _inbox_insert(tables: EventTables) -> Insert:
    """One `inbox.insert()` per table, built once (`.values(...)` per call costs more than
    the insert)."""
    statement = _INSERTS.get(tables.inbox)
    if statement is None:
        statement = _INSERTS[tables.inbox] = tables.inbox.insert()
    return statement


def find_handler(handlers: Sequence[Handler], subject: str) -> Handler | None:
    """The first handler whose subject pattern matches."""
    for handler in handlers:
        if subject_matches(handler.subject, subject):
            return handler
    return None


def decode_envelope(
    handler: Handler,
    *,
    subject: str,
    data: bytes,
    headers: dict[str, str],
    delivery: int,
    fallback_event_id: str,
    fallback_time: datetime | None = None,
) -> Envelope[Any]:
    """The handler's view of a stream message. Events published without our headers get
    the stream position as their id, so the inbox still protects them."""
    try:
        message = handler.message_type.FromString(data)
    except DecodeError as error:
        raise UndecodableEventError(
            f"payload is not a {handler.message_type.DESCRIPTOR.full_name}"
        ) from error
    return Envelope(
        event_id=headers.get(HEADER_MSG_ID) or fallback_event_id,
        subject=subject,
        event_type=headers.get(HEADER_EVENT_TYPE) or message.DESCRIPTOR.full_name,
        occurred_at=parse_timestamp(headers.get(HEADER_OCCURRED_AT), fallback_time or datetime.now(UTC)),
        message=message,
        headers=dict(headers),
        delivery=delivery,
    )


def apply_once(
    db: Database, tables: EventTables, consumer: str, handler: Handler, envelope: Envelope[Any]
) -> Outcome:
    """Runs the handler and records the inbox row in one transaction, unless the inbox says
    `consumer` already applied this event (the insert hits its primary key). Runs in the
    producer's trace (`traceparent`)."""
    context = propagate.extract(envelope.headers)
    with _tracer.start_as_current_span(
        f"{envelope.subject} process",
        context=context,
        kind=trace.SpanKind.CONSUMER,
        attributes={
            "messaging.system": "nats",
            "messaging.operation.type": "process",
            "messaging.destination.name": envelope.subject,
            "messaging.message.id": envelope.event_id,
            "messaging.consumer.group.name": consumer,
        },
    ) as span:
        try:
            with db.transaction() as session:
                try:
                    # The inbox row first, with no SELECT before it: the primary key turns a
                    # second apply into an IntegrityError (a concurrent one waits on the row
                    # lock, then fails the same way) and the rollback undoes nothing else.
                    session.execute(
                        _inbox_insert(tables),
                        {
                            "consumer": consumer,
                            "event_id": envelope.event_id,
                            "subject": envelope.subject,
                            "processed_at": datetime.now(UTC),
                        },
                    )
                except IntegrityError as error:
                    raise _AlreadyAppliedError from error
                handler.apply(session, envelope)
        except _AlreadyAppliedError:
            span.set_attribute("crm.event.outcome", Outcome.DUPLICATE.value)
            return Outcome.DUPLICATE
        span.set_attribute("crm.event.outcome", Outcome.APPLIED.value)
        return Outcome.APPLIED
