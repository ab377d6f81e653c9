"""Applying an event through the inbox, without NATS: once per consumer, all or nothing,
inside the producer's trace."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from chassis.events import Envelope, Handler, Outcome, apply_once
from chassis.events.subjects import filter_subjects
from crm.diagnostics.v1.diagnostics_pb2 import EchoRequest
from events_test_service import CREATED, TABLES, applied_payloads, handlers_for, open_database
from opentelemetry import propagate, trace
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy import func, select
from sqlalchemy.orm import Session


def envelope(payload: str, headers: dict[str, str] | None = None) -> Envelope[EchoRequest]:
    return Envelope(
        event_id=str(uuid.uuid4()),
        subject=CREATED,
        event_type="crm.diagnostics.v1.EchoRequest",
        occurred_at=datetime.now(UTC),
        message=EchoRequest(payload=payload),
        headers=headers or {},
    )


def inbox_rows(db: Any) -> int:
    with db.read() as session:
        return int(session.execute(select(func.count()).select_from(TABLES.inbox)).scalar_one())


def test_an_event_is_applied_once_per_consumer(database_url: str) -> None:
    db = open_database(database_url)
    event = envelope("agg-1:1")
    contacts, reporting = handlers_for("contacts")[0], handlers_for("reporting")[0]

    assert apply_once(db, TABLES, "contacts", contacts, event) is Outcome.APPLIED
    assert apply_once(db, TABLES, "contacts", contacts, event) is Outcome.DUPLICATE
    assert apply_once(db, TABLES, "reporting", reporting, event) is Outcome.APPLIED

    assert applied_payloads(db, "contacts") == ["agg-1:1"]
    assert applied_payloads(db, "reporting") == ["agg-1:1"]
    assert inbox_rows(db) == 2
    db.dispose()


def test_a_failing_handler_leaves_neither_effect_nor_inbox_row(database_url: str) -> None:
    db = open_database(database_url)
    record = handlers_for("contacts")[0].apply

    def apply_then_fail(session: Session, event: Envelope[Any]) -> None:
        record(session, event)
        raise ValueError("customer group unknown")

    event = envelope("agg-1:1")
    with pytest.raises(ValueError, match="customer group"):
        apply_once(db, TABLES, "contacts", Handler(CREATED, EchoRequest, apply_then_fail), event)
    assert applied_payloads(db, "contacts") == []
    assert inbox_rows(db) == 0
    # Fixed, the retry applies it.
    assert apply_once(db, TABLES, "contacts", handlers_for("contacts")[0], event) is Outcome.APPLIED
    db.dispose()


def test_the_handler_runs_in_the_producers_trace(database_url: str) -> None:
    db = open_database(database_url)
    headers: dict[str, str] = {}
    with TracerProvider().get_tracer("test").start_as_current_span("SubmitQuotation") as producer:
        propagate.inject(headers)
        producer_trace = producer.get_span_context().trace_id
    seen: list[int] = []

    def remember_trace(session: Session, event: Envelope[Any]) -> None:
        seen.append(trace.get_current_span().get_span_context().trace_id)

    apply_once(db, TABLES, "contacts", Handler(CREATED, EchoRequest, remember_trace), envelope("x", headers))
    assert seen == [producer_trace]
    db.dispose()


def test_overlapping_handler_subjects_make_one_consumer_filter() -> None:
    assert filter_subjects(["crm.sales.>", "crm.sales.invoice.issued", "crm.contacts.*.created"]) == [
        "crm.sales.>",
        "crm.contacts.*.created",
    ]
    assert filter_subjects(["crm.a.b.c", "crm.a.b.c", "crm.a.*.c"]) == ["crm.a.*.c"]
    assert filter_subjects(["crm.*", "crm.>"]) == ["crm.>"]
