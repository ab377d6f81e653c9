"""Events for every service: a transactional outbox relayed to JetStream, idempotent durable
consumers with an inbox and a dead-letter subject, and replay to rebuild read models.

Wiring in a service's bootstrap:

    tables = add_event_tables(metadata)
    relay = OutboxRelay(db, tables, settings.nats_url, service=settings.service_name)
    db.add_commit_listener(relay.wake)
    consumer = EventConsumer(db, tables, settings.nats_url, durable="contacts", handlers=[...])
    # run relay.run(stop) and consumer.run(stop) as tasks; use record_event(...) in use cases
"""

from chassis.events.consumer import DEFAULT_BACKOFF, EventConsumer
from chassis.events.envelope import Envelope
from chassis.events.inbox import Handler, Outcome, UndecodableEventError, apply_once
from chassis.events.outbox import record_event
from chassis.events.relay import OutboxRelay
from chassis.events.replay import replay
from chassis.events.schema import EventTables, add_event_tables, create_event_tables, drop_event_tables
from chassis.events.stream import (
    ADVISORY_STREAM,
    DEAD_LETTER_STREAM,
    EVENTS_STREAM,
    ensure_streams,
)
from chassis.events.subjects import dead_letter_subject, subject_matches

__all__ = [
    "ADVISORY_STREAM",
    "DEAD_LETTER_STREAM",
    "DEFAULT_BACKOFF",
    "EVENTS_STREAM",
    "Envelope",
    "EventConsumer",
    "EventTables",
    "Handler",
    "OutboxRelay",
    "Outcome",
    "UndecodableEventError",
    "add_event_tables",
    "apply_once",
    "create_event_tables",
    "dead_letter_subject",
    "drop_event_tables",
    "ensure_streams",
    "record_event",
    "replay",
    "subject_matches",
]
