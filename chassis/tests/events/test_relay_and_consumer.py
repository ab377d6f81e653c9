"""Outbox relay and durable consumer against a real nats-server and SQLite/PostgreSQL:
events go out once with their ids, are applied once, survive restarts of NATS and of the
consumer, and a handler that keeps failing parks its event on the dead-letter subject."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import nats
import pytest
from chassis.db import Database
from chassis.events import (
    DEAD_LETTER_STREAM,
    EVENTS_STREAM,
    Envelope,
    EventConsumer,
    Handler,
    OutboxRelay,
    apply_once,
    record_event,
)
from chassis.testing import NatsServer
from crm.diagnostics.v1.diagnostics_pb2 import EchoRequest
from events_test_service import (
    BROKEN,
    CREATED,
    TABLES,
    always_fail,
    applied_payloads,
    create_thing,
    handlers_for,
    open_database,
    record_applied,
)
from events_test_support import eventually, metric, running, stream_messages
from sqlalchemy import select
from sqlalchemy.orm import Session

# Short fetches, so a stopped consumer ends within a quarter second.
FETCH_TIMEOUT = 0.25


def relay_for(db: Database, nats_server: NatsServer) -> OutboxRelay:
    relay = OutboxRelay(
        db,
        TABLES,
        nats_server.url,
        poll_seconds=0.05,
        service="things-test",
        publish_timeout=1.0,
        max_backoff_seconds=0.5,
    )
    db.add_commit_listener(relay.wake)
    return relay


def consumer_for(db: Database, nats_server: NatsServer, durable: str) -> EventConsumer:
    return EventConsumer(
        db,
        TABLES,
        nats_server.url,
        durable=durable,
        handlers=handlers_for(durable),
        fetch_timeout=FETCH_TIMEOUT,
    )


def assert_once_in_order(payloads: list[str], expected: dict[str, int], *, in_order: bool = True) -> None:
    """Each aggregate's events applied exactly once and in the order they were recorded."""
    assert len(payloads) == len(set(payloads)), "an event was applied twice"
    per_aggregate: dict[str, list[int]] = defaultdict(list)
    for payload in payloads:
        aggregate, number = payload.split(":")
        per_aggregate[aggregate].append(int(number))
    assert {aggregate: len(numbers) for aggregate, numbers in per_aggregate.items()} == expected
    if in_order:
        for numbers in per_aggregate.values():
            assert numbers == sorted(numbers)


def test_relay_publishes_with_the_event_id_and_the_consumer_applies_it_once(
    database_url: str, nats_server: NatsServer
) -> None:
    db = open_database(database_url)
    # Polling only twice a minute: the commit's wake-up is what gets the events out.
    relay = OutboxRelay(db, TABLES, nats_server.url, poll_seconds=30, service="things-test")
    db.add_commit_listener(relay.wake)
    consumer = consumer_for(db, nats_server, "things")
    lag_before = metric("crm_event_consumer_lag_seconds_count", consumer="things")
    published_before = metric("crm_events_published_total", subject=CREATED)
    applied_labels = {"consumer": "things", "subject": CREATED, "outcome": "applied"}
    applied_before = metric("crm_events_consumed_total", **applied_labels)

    async def scenario() -> None:
        async with running(relay, consumer):
            await asyncio.sleep(0.2)  # the relay has polled once and sleeps
            # Committed in another thread, as gRPC handlers do.
            event_id = await asyncio.to_thread(create_thing, db, "agg-1", "agg-1:1")
            await eventually(lambda: applied_payloads(db, "things") == ["agg-1:1"], what="the event applied")
            messages = await stream_messages(nats_server.url, EVENTS_STREAM)
            assert len(messages) == 1
            headers = messages[0].headers or {}
            assert messages[0].subject == CREATED
            assert headers["Nats-Msg-Id"] == event_id
            assert headers["Crm-Event-Type"] == "crm.diagnostics.v1.EchoRequest"
            assert headers["Crm-Occurred-At"].endswith("Z")
            assert EchoRequest.FromString(messages[0].data or b"").payload == "agg-1:1"
            # A second event still flows; the first is not applied again.
            await asyncio.to_thread(create_thing, db, "agg-1", "agg-1:2")
            await eventually(lambda: len(applied_payloads(db, "things")) == 2, what="the second event")

    asyncio.run(scenario())
    assert applied_payloads(db, "things") == ["agg-1:1", "agg-1:2"]
    with db.read() as session:
        rows = session.execute(select(TABLES.outbox.c.published_at, TABLES.outbox.c.attempts)).all()
    assert all(row.published_at is not None and row.attempts == 1 for row in rows)
    assert relay.backlog() == 0
    assert metric("crm_outbox_backlog", service="things-test") == 0
    assert metric("crm_events_published_total", subject=CREATED) - published_before == 2
    assert metric("crm_events_consumed_total", **applied_labels) - applied_before == 2
    assert metric("crm_event_consumer_lag_seconds_count", consumer="things") - lag_before == 2
    assert metric("crm_consumer_pending", consumer="things") == 0
    db.dispose()


def test_events_recorded_while_nats_is_down_arrive_once_and_in_order(
    database_url: str, nats_server: NatsServer
) -> None:
    db = open_database(database_url)
    relay = relay_for(db, nats_server)
    consumer = consumer_for(db, nats_server, "things")

    async def scenario() -> None:
        async with running(relay, consumer):
            create_thing(db, "agg-0", "agg-0:0")
            await eventually(lambda: len(applied_payloads(db, "things")) == 1, what="the first event")

            await asyncio.to_thread(nats_server.stop)
            for number in range(1, 51):
                create_thing(db, f"agg-{number % 5}", f"agg-{number % 5}:{number}")
            await asyncio.sleep(0.3)
            assert relay.backlog() == 50, "nothing can be published while NATS is down"

            await asyncio.to_thread(nats_server.start)
            await eventually(lambda: len(applied_payloads(db, "things")) >= 51, what="all 51 events applied")
            await asyncio.sleep(0.3)  # a late duplicate would show up here

    asyncio.run(scenario())
    assert_once_in_order(applied_payloads(db, "things"), {f"agg-{n}": 10 for n in range(5)} | {"agg-0": 11})
    assert len(asyncio.run(stream_messages(nats_server.url, EVENTS_STREAM))) == 51
    assert relay.backlog() == 0
    db.dispose()


def test_relay_and_consumer_started_while_nats_is_down_wait_for_it(
    database_url: str, nats_server: NatsServer
) -> None:
    db = open_database(database_url)
    nats_server.stop()
    relay = relay_for(db, nats_server)
    consumer = consumer_for(db, nats_server, "things")

    async def scenario() -> None:
        async with running(relay, consumer):
            create_thing(db, "agg-1", "agg-1:1")
            await asyncio.sleep(0.3)
            assert relay.backlog() == 1
            await asyncio.to_thread(nats_server.start)
            await eventually(lambda: applied_payloads(db, "things") == ["agg-1:1"], what="the event applied")

    asyncio.run(scenario())
    db.dispose()


def test_a_redelivered_event_is_applied_once(database_url: str, nats_server: NatsServer) -> None:
    db = open_database(database_url)
    relay = relay_for(db, nats_server)
    handler = handlers_for("things")[0]
    duplicates_before = metric(
        "crm_events_consumed_total", consumer="things", subject=CREATED, outcome="duplicate"
    )

    async def scenario() -> None:
        async with running(relay):
            event_id = create_thing(db, "agg-1", "agg-1:1")
            await eventually(lambda: relay.backlog() == 0, what="the event published")
        # A consumer process applied and committed the event, then died before its ack.
        message = EchoRequest(payload="agg-1:1")
        envelope = Envelope(
            event_id=event_id,
            subject=CREATED,
            event_type="crm.diagnostics.v1.EchoRequest",
            occurred_at=datetime.now(UTC),
            message=message,
        )
        apply_once(db, TABLES, "things", handler, envelope)
        assert applied_payloads(db, "things") == ["agg-1:1"]

        # Its successor gets the unacknowledged message: the inbox drops it.
        async with running(consumer_for(db, nats_server, "things")):
            await eventually(
                lambda: (
                    metric(
                        "crm_events_consumed_total", consumer="things", subject=CREATED, outcome="duplicate"
                    )
                    > duplicates_before
                ),
                what="the redelivery seen as a duplicate",
            )
        # The consumer's server-side state is lost: the whole stream is delivered again.
        client = await nats.connect(nats_server.url)
        await client.jetstream().delete_consumer(EVENTS_STREAM, "things")
        await client.close()
        async with running(consumer_for(db, nats_server, "things")):
            await eventually(
                lambda: (
                    metric(
                        "crm_events_consumed_total", consumer="things", subject=CREATED, outcome="duplicate"
                    )
                    > duplicates_before + 1
                ),
                what="the second redelivery seen as a duplicate",
            )

    asyncio.run(scenario())
    assert applied_payloads(db, "things") == ["agg-1:1"]
    db.dispose()


def test_an_event_whose_handler_keeps_failing_is_dead_lettered(
    database_url: str, nats_server: NatsServer
) -> None:
    db = open_database(database_url)
    relay = relay_for(db, nats_server)
    handlers = [*handlers_for("things"), Handler(BROKEN, EchoRequest, always_fail)]
    consumer = EventConsumer(
        db,
        TABLES,
        nats_server.url,
        durable="things",
        handlers=handlers,
        max_deliver=3,
        backoff=[0.05],
        fetch_timeout=FETCH_TIMEOUT,
    )
    dead_before = metric("crm_events_dead_lettered_total", consumer="things", subject=BROKEN)
    failed_before = metric("crm_events_consumed_total", consumer="things", subject=BROKEN, outcome="failed")

    async def scenario() -> None:
        async with running(relay, consumer):
            create_thing(db, "agg-1", "agg-1:1")
            broken_id = create_thing(db, "agg-2", "agg-2:1", subject=BROKEN)
            create_thing(db, "agg-1", "agg-1:2")
            await eventually(
                lambda: (
                    metric("crm_events_dead_lettered_total", consumer="things", subject=BROKEN) > dead_before
                ),
                what="the broken event dead-lettered",
            )
            create_thing(db, "agg-1", "agg-1:3")
            await eventually(lambda: len(applied_payloads(db, "things")) == 3, what="the other events")
            dead = await stream_messages(nats_server.url, DEAD_LETTER_STREAM)
            assert [message.subject for message in dead] == [f"dlq.things.{BROKEN}"]
            headers = dead[0].headers or {}
            assert headers["Crm-Event-Id"] == broken_id
            assert headers["Crm-Consumer"] == "things"
            assert headers["Crm-Deliveries"] == "3"
            assert headers["Crm-Dead-Letter-Reason"].startswith("RuntimeError: cannot handle")
            assert "\n" not in headers["Crm-Dead-Letter-Reason"]
            assert headers["Crm-Event-Type"] == "crm.diagnostics.v1.EchoRequest"
            assert EchoRequest.FromString(dead[0].data or b"").payload == "agg-2:1"
            # Terminated: the broken event is not delivered again.
            await asyncio.sleep(0.3)

    asyncio.run(scenario())
    assert applied_payloads(db, "things") == ["agg-1:1", "agg-1:2", "agg-1:3"]
    assert metric("crm_events_dead_lettered_total", consumer="things", subject=BROKEN) - dead_before == 1
    failed = metric("crm_events_consumed_total", consumer="things", subject=BROKEN, outcome="failed")
    assert failed - failed_before == 3
    db.dispose()


def test_a_publish_failure_holds_back_the_events_behind_it(
    database_url: str, nats_server: NatsServer
) -> None:
    db = open_database(database_url)
    relay = relay_for(db, nats_server)
    failures_before = metric("crm_events_publish_failures_total")

    async def scenario() -> None:
        async with running(relay):
            # Larger than the server's max_payload: this publish can never succeed.
            with db.transaction() as session:
                too_big = record_event(
                    session,
                    TABLES,
                    subject=CREATED,
                    message=EchoRequest(payload="x" * 1_100_000),
                    aggregate_type="thing",
                    aggregate_id="agg-1",
                )
            create_thing(db, "agg-1", "agg-1:2")
            await eventually(
                lambda: metric("crm_events_publish_failures_total") - failures_before >= 2,
                what="retried failures",
            )
            assert relay.backlog() == 2, "the second event must not overtake the first"
            with db.read() as session:
                row = session.execute(select(TABLES.outbox).where(TABLES.outbox.c.id == too_big)).one()
            assert row.attempts >= 1
            assert row.last_error
            # An operator removes the poison row; the rest follows.
            with db.transaction() as session:
                session.execute(TABLES.outbox.delete().where(TABLES.outbox.c.id == too_big))
            await eventually(lambda: relay.backlog() == 0, what="the held-back event published")

    asyncio.run(scenario())
    messages = asyncio.run(stream_messages(nats_server.url, EVENTS_STREAM))
    assert [EchoRequest.FromString(message.data or b"").payload for message in messages] == ["agg-1:2"]
    db.dispose()


@pytest.mark.parametrize("how", ["graceful", "crash"])
def test_a_restarted_consumer_resumes_without_loss_or_double_apply(
    database_url: str, nats_server: NatsServer, how: str
) -> None:
    db = open_database(database_url)
    relay = relay_for(db, nats_server)
    # A slow handler so that the first process stops with events in flight.
    apply = record_applied("things")

    def slow_apply(session: Session, envelope: Envelope[Any]) -> None:
        apply(session, envelope)
        time.sleep(0.01)

    handlers = [Handler(CREATED, EchoRequest, slow_apply)]

    def consumer() -> EventConsumer:
        return EventConsumer(
            db,
            TABLES,
            nats_server.url,
            durable="things",
            handlers=handlers,
            ack_wait=0.5,
            batch=10,
            fetch_timeout=FETCH_TIMEOUT,
        )

    async def scenario() -> None:
        async with running(relay):
            for number in range(30):
                create_thing(db, f"agg-{number % 3}", f"agg-{number % 3}:{number}")
            first_stop = asyncio.Event()
            first = asyncio.create_task(consumer().run(first_stop))
            await eventually(lambda: len(applied_payloads(db, "things")) >= 5, what="some events applied")
            if how == "graceful":
                first_stop.set()
                await asyncio.wait_for(first, 10)
            else:
                first.cancel()
                await asyncio.wait_for(asyncio.gather(first, return_exceptions=True), 10)
            assert len(applied_payloads(db, "things")) < 30, "the first process stopped midway"
            for number in range(30, 45):
                create_thing(db, f"agg-{number % 3}", f"agg-{number % 3}:{number}")
            async with running(consumer()):
                await eventually(lambda: len(applied_payloads(db, "things")) >= 45, what="all events applied")
                await asyncio.sleep(0.7)  # past ack_wait: a redelivery would show up

    asyncio.run(scenario())
    # After a crash the unacknowledged events come back after ack_wait, behind later ones:
    # exactly once still holds; order is the handlers' business (events carry versions).
    assert_once_in_order(
        applied_payloads(db, "things"), {"agg-0": 15, "agg-1": 15, "agg-2": 15}, in_order=how == "graceful"
    )
    db.dispose()


def test_only_one_relay_per_database_publishes(database_url: str, nats_server: NatsServer) -> None:
    # PostgreSQL: an advisory lock; SQLite: a file lock beside the database (gunicorn workers).
    db = open_database(database_url)
    first, second = relay_for(db, nats_server), relay_for(db, nats_server)

    async def scenario() -> None:
        first_stop = asyncio.Event()
        first_task = asyncio.create_task(first.run(first_stop))
        await eventually(lambda: first.is_leader, what="the first relay leading")
        async with running(second):
            for number in range(10):
                create_thing(db, "agg-1", f"agg-1:{number}")
            await eventually(lambda: first.backlog() == 0, what="the events published")
            assert first.is_leader
            assert not second.is_leader
            first_stop.set()
            await asyncio.wait_for(first_task, 10)
            create_thing(db, "agg-1", "agg-1:10")
            await eventually(
                lambda: second.is_leader and second.backlog() == 0, what="the second relay taking over"
            )

    asyncio.run(scenario())
    messages = asyncio.run(stream_messages(nats_server.url, EVENTS_STREAM))
    payloads = [EchoRequest.FromString(message.data or b"").payload for message in messages]
    assert payloads == [f"agg-1:{number}" for number in range(11)]
    db.dispose()
