"""The outbox side without NATS: an event exists exactly when its state change committed,
carries the headers consumers rely on, and the Alembic helpers build the same tables."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from chassis.db import Database, migrate, normalise_url
from chassis.events import OutboxRelay, add_event_tables, record_event
from crm.diagnostics.v1.diagnostics_pb2 import EchoRequest
from events_test_service import METADATA, TABLES, THINGS, create_thing, open_database
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy import Table, func, inspect, select


def count(db: Database, table: Table) -> int:
    with db.read() as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def test_state_change_and_its_event_commit_together(database_url: str) -> None:
    db = open_database(database_url)
    woken: list[str] = []
    db.add_commit_listener(lambda: woken.append("relay"))

    event_id = create_thing(db, "agg-1", "agg-1:1")

    assert count(db, THINGS) == 1
    with db.read() as session:
        row = session.execute(select(TABLES.outbox)).one()
    assert row.id == event_id
    assert row.subject == "crm.test.thing.created"
    assert row.event_type == "crm.diagnostics.v1.EchoRequest"
    assert EchoRequest.FromString(row.payload).payload == "agg-1:1"
    assert (row.aggregate_type, row.aggregate_id) == ("thing", "agg-1")
    assert row.published_at is None
    assert row.attempts == 0
    headers = json.loads(row.headers)
    assert headers["Nats-Msg-Id"] == event_id
    assert headers["Crm-Event-Type"] == "crm.diagnostics.v1.EchoRequest"
    assert headers["Crm-Occurred-At"].endswith("Z")
    assert datetime.fromisoformat(headers["Crm-Occurred-At"]).tzinfo is not None
    assert woken == ["relay"], "the commit wakes the relay once"
    db.dispose()


def test_a_failed_transaction_leaves_neither_state_nor_event(database_url: str) -> None:
    db = open_database(database_url)
    woken: list[str] = []
    db.add_commit_listener(lambda: woken.append("relay"))

    def use_case_that_fails_after_recording() -> None:
        with db.transaction() as session:
            session.execute(THINGS.insert().values(id="t-1", aggregate_id="agg-1", name="x"))
            record_event(
                session,
                TABLES,
                subject="crm.test.thing.created",
                message=EchoRequest(payload="x"),
                aggregate_type="thing",
                aggregate_id="agg-1",
            )
            raise RuntimeError("business rule broken after the event was recorded")

    with pytest.raises(RuntimeError, match="business rule"):
        use_case_that_fails_after_recording()

    assert count(db, THINGS) == 0
    assert count(db, TABLES.outbox) == 0
    assert woken == []
    db.dispose()


def test_event_carries_the_trace_of_the_use_case(database_url: str) -> None:
    db = open_database(database_url)
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("CreateThing") as span:
        create_thing(db, "agg-1", "agg-1:1")
        trace_id = format(span.get_span_context().trace_id, "032x")
    with db.read() as session:
        headers = json.loads(session.execute(select(TABLES.outbox.c.headers)).scalar_one())
    assert headers["traceparent"].split("-")[1] == trace_id
    db.dispose()


def test_record_event_rejects_a_subject_no_stream_captures(database_url: str) -> None:
    db = open_database(database_url)
    for subject in ["sales.invoice.issued", "crm.sales.invoice", "crm.sales.*.issued", "crm.sales..x"]:
        with pytest.raises(ValueError, match="subject"), db.transaction() as session:
            record_event(
                session,
                TABLES,
                subject=subject,
                message=EchoRequest(),
                aggregate_type="thing",
                aggregate_id="agg-1",
            )
    assert count(db, TABLES.outbox) == 0
    db.dispose()


def test_alembic_helpers_create_and_drop_the_event_tables(database_url: str, tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    (migrations / "versions").mkdir(parents=True)
    (migrations / "env.py").write_text(
        "from sqlalchemy import MetaData\nfrom chassis.db import run_alembic_env\n"
        "run_alembic_env(MetaData())\n"
    )
    (migrations / "versions" / "0001_events.py").write_text(
        textwrap.dedent(
            """
            from alembic import op
            from chassis.events import create_event_tables, drop_event_tables

            revision = "0001"
            down_revision = None

            def upgrade():
                create_event_tables(op)

            def downgrade():
                drop_event_tables(op)
            """
        )
    )
    migrate(database_url, migrations)

    db = Database(database_url)
    inspector = inspect(db.engine)
    expected = add_event_tables(type(METADATA)())
    for table in (expected.outbox, expected.inbox):
        assert {column["name"] for column in inspector.get_columns(table.name)} == set(table.columns.keys())
    assert inspector.get_pk_constraint("inbox")["constrained_columns"] == ["consumer", "event_id"]
    indexes = {index["name"]: index["column_names"] for index in inspector.get_indexes("outbox")}
    assert indexes["ix_outbox_published_at_seq"] == ["published_at", "seq"]

    # The migrated tables work with the metadata's view of them.
    with db.transaction() as session:
        first = record_event(
            session,
            TABLES,
            subject="crm.test.thing.created",
            message=EchoRequest(),
            aggregate_type="thing",
            aggregate_id="a",
        )
        second = record_event(
            session,
            TABLES,
            subject="crm.test.thing.created",
            message=EchoRequest(),
            aggregate_type="thing",
            aggregate_id="a",
        )
    with db.read() as session:
        ids = session.execute(select(TABLES.outbox.c.id).order_by(TABLES.outbox.c.seq)).scalars().all()
    assert ids == [first, second]
    db.dispose()

    config = Config()
    config.set_main_option("script_location", str(migrations))
    url = normalise_url(database_url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.downgrade(config, "base")
    db = Database(database_url)
    assert not {"outbox", "inbox"} & set(inspect(db.engine).get_table_names())
    db.dispose()


def test_published_rows_older_than_the_retention_are_purged(database_url: str) -> None:
    db = open_database(database_url)
    old, recent, unpublished = (create_thing(db, "agg-1", f"agg-1:{n}") for n in range(3))
    now = datetime.now(UTC)
    with db.transaction() as session:
        outbox = TABLES.outbox
        session.execute(
            outbox.update().where(outbox.c.id == old).values(published_at=now - timedelta(days=40))
        )
        session.execute(
            outbox.update().where(outbox.c.id == recent).values(published_at=now - timedelta(days=1))
        )
    relay = OutboxRelay(db, TABLES, "nats://127.0.0.1:1")

    assert relay.purge_published(timedelta(days=30)) == 1
    with db.read() as session:
        left = set(session.execute(select(TABLES.outbox.c.id)).scalars())
    assert left == {recent, unpublished}
    assert relay.backlog() == 1
    db.dispose()
