"""Replay rebuilds a consumer's read model from the stream, through the inbox, and the
`crm-replay` command does the same for a service module."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest
from chassis.events import EventConsumer, OutboxRelay, replay
from chassis.events.replay import main
from chassis.testing import NatsServer
from events_test_service import (
    APPLIED,
    TABLES,
    applied_payloads,
    create_thing,
    handlers_for,
    open_database,
    reset_for,
)
from events_test_support import eventually, running


def test_replay_rebuilds_a_read_model_from_the_stream(
    database_url: str,
    nats_server: NatsServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = open_database(database_url)
    relay = OutboxRelay(db, TABLES, nats_server.url)
    consumer = EventConsumer(
        db, TABLES, nats_server.url, durable="things", handlers=handlers_for("things"), fetch_timeout=0.25
    )
    recorded = [f"agg-{number % 2}:{number}" for number in range(12)]

    async def live() -> None:
        async with running(relay, consumer):
            for payload in recorded:
                create_thing(db, payload.split(":")[0], payload)
            await eventually(lambda: len(applied_payloads(db, "things")) == 12, what="the live read model")

    asyncio.run(live())
    assert applied_payloads(db, "things") == recorded

    # The read model gets damaged: rows lost, a wrong row added.
    with db.transaction() as session:
        session.execute(APPLIED.delete().where(APPLIED.c.payload.in_(recorded[3:7])))
        session.execute(
            APPLIED.insert().values(consumer="things", event_id="x", aggregate_id="x", payload="x:0")
        )

    applied = asyncio.run(
        replay(
            db,
            TABLES,
            nats_server.url,
            handlers=handlers_for("things"),
            reset=reset_for("things"),
            consumer="things",
        )
    )
    assert applied == 12
    assert applied_payloads(db, "things") == recorded

    # The same through the command line, for a service module exposing replay_config().
    module_name = f"things_replay_config_{tmp_path.name}".replace("-", "_")
    module = tmp_path / f"{module_name}.py"
    module.write_text(
        textwrap.dedent(
            f"""
            from chassis.db import Database
            from events_test_service import TABLES, handlers_for, reset_for

            def replay_config():
                db = Database({database_url!r})
                return db, TABLES, {nats_server.url!r}, handlers_for("things"), reset_for("things")
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["--module", module_name, "--consumer", "things"]) == 0
    output = capsys.readouterr().out
    assert "12 events read, 0 to go" in output
    assert "done, 12 events applied" in output
    assert applied_payloads(db, "things") == recorded
    db.dispose()


def test_replay_of_an_empty_stream_applies_nothing(database_url: str, nats_server: NatsServer) -> None:
    db = open_database(database_url)
    applied = asyncio.run(
        replay(
            db,
            TABLES,
            nats_server.url,
            handlers=handlers_for("things"),
            reset=reset_for("things"),
            consumer="things",
            idle_timeout=2.0,
        )
    )
    assert applied == 0
    assert applied_payloads(db, "things") == []
    db.dispose()
