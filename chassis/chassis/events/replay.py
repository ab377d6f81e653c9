"""Rebuilding a read model from the stream: clear it, then apply every stored event again.

`replay` runs the service's `reset(session)` (which clears its read-model tables and its
consumer's inbox rows), then reads the events stream from the first message with an
ephemeral ordered consumer and applies each matching handler through the inbox, under the
service's consumer name, so events its live consumer applies meanwhile are not applied
twice. Stop the service's live consumer while replaying if its handlers need strict order.
The `crm-replay` command runs it for a service module exposing `replay_config()`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import time
from collections.abc import Callable, Sequence
from typing import Any

import nats
from nats.js.api import ConsumerConfig, DeliverPolicy
from sqlalchemy.orm import Session

from chassis.db import Database
from chassis.events.inbox import Handler, Outcome, apply_once, decode_envelope, find_handler
from chassis.events.schema import EventTables
from chassis.events.stream import EVENTS_STREAM, ensure_streams
from chassis.events.subjects import filter_subjects

Progress = Callable[[int, int], None]
PROGRESS_EVERY_SECONDS = 2.0


async def replay(
    db: Database,
    tables: EventTables,
    nats_url: str,
    *,
    handlers: Sequence[Handler],
    reset: Callable[[Session], None],
    consumer: str,
    subjects: Sequence[str] | None = None,
    stream: str = EVENTS_STREAM,
    progress: Progress | None = None,
    idle_timeout: float = 10.0,
) -> int:
    """Resets the read model and re-applies the whole stream; returns the events applied.

    `consumer` is the name whose inbox rows protect the read model: the durable name of the
    service's live consumer. `progress(done, remaining)` is called every few seconds."""
    wanted = filter_subjects(list(subjects or [handler.subject for handler in handlers]))
    if not wanted:
        raise ValueError("replay needs handlers or subjects")
    await asyncio.to_thread(_reset, db, reset)
    # A tool run by an operator: fail within seconds when NATS is unreachable.
    client = await nats.connect(
        nats_url,
        name=f"{consumer}-replay",
        connect_timeout=2,
        max_reconnect_attempts=3,
        reconnect_time_wait=1,
    )
    applied = 0
    try:
        js = client.jetstream()
        await ensure_streams(js)
        subscription = await js.subscribe(
            wanted[0],
            stream=stream,
            ordered_consumer=True,
            deliver_policy=DeliverPolicy.ALL,
            config=ConsumerConfig(filter_subjects=wanted),
        )
        info = await subscription.consumer_info()
        if not info.num_pending and not (info.delivered and info.delivered.consumer_seq):
            return 0
        seen = 0
        reported = time.monotonic()
        while True:
            msg = await subscription.next_msg(timeout=idle_timeout)
            metadata = msg.metadata
            seen += 1
            handler = find_handler(handlers, msg.subject)
            if handler is not None:
                envelope = decode_envelope(
                    handler,
                    subject=msg.subject,
                    data=msg.data,
                    headers=msg.headers or {},
                    delivery=1,
                    fallback_event_id=f"{metadata.stream}:{metadata.sequence.stream}",
                    fallback_time=metadata.timestamp,
                )
                outcome = await asyncio.to_thread(apply_once, db, tables, consumer, handler, envelope)
                if outcome is Outcome.APPLIED:
                    applied += 1
            if progress is not None and time.monotonic() - reported >= PROGRESS_EVERY_SECONDS:
                reported = time.monotonic()
                progress(seen, metadata.num_pending)
            if metadata.num_pending == 0:
                break
        await subscription.unsubscribe()
    finally:
        await client.close()
    if progress is not None:
        progress(seen, 0)
    return applied


def _reset(db: Database, reset: Callable[[Session], None]) -> None:
    with db.transaction() as session:
        reset(session)


def _print_progress(done: int, remaining: int) -> None:
    print(f"replay: {done} events read, {remaining} to go", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """`crm-replay --module <service module> --consumer <durable>`: the module's
    `replay_config()` returns (db, tables, nats_url, handlers, reset)."""
    parser = argparse.ArgumentParser(
        prog="crm-replay", description=__doc__.splitlines()[0] if __doc__ else ""
    )
    parser.add_argument("--module", required=True, help="python module exposing replay_config()")
    parser.add_argument("--consumer", required=True, help="the service's durable consumer name")
    parser.add_argument("--subjects", default="", help="comma-separated subjects (default: the handlers')")
    args = parser.parse_args(argv)
    config: Any = importlib.import_module(args.module).replay_config()
    db, tables, nats_url, handlers, reset = config
    subjects = [subject for subject in args.subjects.split(",") if subject] or None
    print(f"replay: rebuilding the read model of {args.module} from {nats_url}", flush=True)
    applied = asyncio.run(
        replay(
            db,
            tables,
            nats_url,
            handlers=handlers,
            reset=reset,
            consumer=args.consumer,
            subjects=subjects,
            progress=_print_progress,
        )
    )
    print(f"replay: done, {applied} events applied", flush=True)
    return 0
