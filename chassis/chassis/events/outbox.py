"""Recording an event: one outbox row in the caller's open transaction, so the event exists
if and only if the state change it describes was committed (the transactional outbox)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from google.protobuf.message import Message
from opentelemetry import propagate
from sqlalchemy import Insert, Table
from sqlalchemy.orm import Session

from chassis.events.envelope import (
    HEADER_AGGREGATE_ID,
    HEADER_AGGREGATE_TYPE,
    HEADER_EVENT_TYPE,
    HEADER_MSG_ID,
    HEADER_OCCURRED_AT,
    format_timestamp,
)
from chassis.events.schema import EventTables
from chassis.events.subjects import validate_event_subject

# Database.transaction() wakes its commit listeners (the relay) when a session carries this.
OUTBOX_WRITTEN = "outbox_written"

_COMPACT = (",", ":")
# Subjects already validated (they are a service's few constants); bounded all the same.
_VALID_SUBJECTS: set[str] = set()
_VALID_SUBJECTS_MAX = 10_000
_INSERTS: dict[Table, Insert] = {}


def _insert_statement(tables: EventTables) -> Insert:
    """One `outbox.insert()` per table, built once."""
    statement = _INSERTS.get(tables.outbox)
    if statement is None:
        statement = _INSERTS[tables.outbox] = tables.outbox.insert()
    return statement


def record_event(
    session: Session,
    tables: EventTables,
    *,
    subject: str,
    message: Message,
    aggregate_type: str,
    aggregate_id: str,
    event_id: str | None = None,
) -> str:
    """Writes the event to the outbox inside `session`'s transaction and returns its id.

    Call it after the state change (which locks the aggregate's row), so two transactions on
    one aggregate get their outbox `seq` in commit order and the relay keeps their order."""
    if subject not in _VALID_SUBJECTS:
        validate_event_subject(subject)
        if len(_VALID_SUBJECTS) < _VALID_SUBJECTS_MAX:
            _VALID_SUBJECTS.add(subject)
    event_id = event_id or str(uuid.uuid4())
    occurred_at = datetime.now(UTC)
    event_type = message.DESCRIPTOR.full_name
    headers: dict[str, str] = {
        HEADER_MSG_ID: event_id,
        HEADER_EVENT_TYPE: event_type,
        HEADER_OCCURRED_AT: format_timestamp(occurred_at),
        HEADER_AGGREGATE_TYPE: aggregate_type,
        HEADER_AGGREGATE_ID: aggregate_id,
    }
    # Adds `traceparent` when a span is active, so the consumer's span joins this trace.
    propagate.inject(headers)
    # A plain insert with a parameter dict: `.values(...)` would build a new statement (and
    # its cache key) on every call, which costs about three times the insert itself.
    session.execute(
        _insert_statement(tables),
        {
            "id": event_id,
            "aggregate_type": aggregate_type,
            "aggregate_id": aggregate_id,
            "subject": subject,
            "event_type": event_type,
            "payload": message.SerializeToString(),
            "headers": json.dumps(headers, separators=_COMPACT),
            "occurred_at": occurred_at,
            "attempts": 0,
        },
    )
    session.info[OUTBOX_WRITTEN] = True
    return event_id
