"""Helpers every service's tests use against the real parts: poll until an asynchronous effect
shows, publish an event as another service's relay would, read the stream, inspect a durable
consumer, take apart a gRPC failure into its code and field violations, and compare the migrated
schema with the code's tables.

They live in the chassis so each service's `testing` module only adds what is its own (how to
start it, its callers, its builders)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import grpc
import nats
import nats.js.errors
from google.protobuf.message import Message
from sqlalchemy import MetaData
from sqlalchemy.engine import Engine

from chassis.events import ensure_streams

T = TypeVar("T")


def eventually(probe: Callable[[], T | None], timeout: float = 20.0, what: str = "condition") -> T:
    """Polls until `probe` returns something truthy (events cross processes asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Published(NamedTuple):
    event_id: str
    duplicate: bool  # JetStream dropped it as a repeat of an earlier Nats-Msg-Id


async def _publish(url: str, subject: str, payload: bytes | Message, event_id: str) -> bool:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        await ensure_streams(js)
        headers = {"Nats-Msg-Id": event_id}
        if isinstance(payload, Message):
            headers["Crm-Event-Type"] = payload.DESCRIPTOR.full_name
            payload = payload.SerializeToString()
        ack = await js.publish(subject, payload, headers=headers)
        return bool(ack.duplicate)
    finally:
        await client.close()


def publish_event(url: str, subject: str, payload: bytes | Message, event_id: str | None = None) -> Published:
    """Publishes an event to JetStream as another service's relay would (Nats-Msg-Id = the
    event id, so publishing the same id twice is dropped by the duplicate window)."""
    event_id = event_id or str(uuid.uuid4())
    return Published(event_id, asyncio.run(_publish(url, subject, payload, event_id)))


async def _read(url: str, subject: str, count: int, timeout: float) -> list[Any]:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        await ensure_streams(js)
        subscription = await js.subscribe(subject, ordered_consumer=True)
        found = [await subscription.next_msg(timeout=timeout) for _ in range(count)]
        await subscription.unsubscribe()
        return found
    finally:
        await client.close()


def read_stream(url: str, subject: str, count: int = 1, timeout: float = 20.0) -> list[Any]:
    """The first `count` messages on `subject` in the events stream."""
    return asyncio.run(_read(url, subject, count, timeout))


async def _delete_consumer(url: str, stream: str, durable: str) -> None:
    client = await nats.connect(url)
    try:
        await client.jetstream().delete_consumer(stream, durable)
    finally:
        await client.close()


def delete_consumer(url: str, stream: str, durable: str) -> None:
    """Deletes a durable consumer (a fresh one gets every event of the stream again)."""
    asyncio.run(_delete_consumer(url, stream, durable))


async def _consumer_done(url: str, stream: str, durable: str) -> bool:
    client = await nats.connect(url)
    try:
        info = await client.jetstream().consumer_info(stream, durable)
        return bool(info.num_pending == 0 and info.num_ack_pending == 0)
    except nats.js.errors.NotFoundError:
        return False
    finally:
        await client.close()


def consumer_caught_up(url: str, stream: str, durable: str) -> bool:
    """Whether the durable consumer exists and has every message of the stream acknowledged."""
    return asyncio.run(_consumer_done(url, stream, durable))


class RpcFailure(NamedTuple):
    code: grpc.StatusCode
    message: str
    fields: dict[str, str]  # field path → reason, from google.rpc.BadRequest


def rpc_failure(call: Callable[[], Any]) -> RpcFailure:
    """Runs a call that must fail and returns its status code, message and field violations."""
    from chassis.grpc import from_rpc_error

    try:
        call()
    except grpc.RpcError as error:
        code, message, violations = from_rpc_error(error)
        return RpcFailure(code, message, {v.field: v.reason for v in violations})
    raise AssertionError("the call succeeded but was expected to fail")


def service_test_settings(
    database_url: str, nats_url: str | None, var_dir: Path, **overrides: Any
) -> dict[str, Any]:
    """The settings every service under test shares: its database, NATS (events off when there
    is none), gRPC and ops servers on free ports, plain logs, few redeliveries and a short
    shutdown. `overrides` adds or replaces service-specific ones; pass the result to the
    service's settings class."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "nats_url": nats_url or "nats://127.0.0.1:1",
        "events_enabled": nats_url is not None,
        "grpc_port": 0,
        "http_port": 0,
        "var_dir": var_dir,
        "log_json": False,
        "consumer_max_deliver": 3,
        "shutdown_grace_seconds": 1.0,
    }
    values.update(overrides)
    return values


def schema_differences(engine: Engine, metadata: MetaData) -> list[Any]:
    """What Alembic's autogenerate sees between the migrated database behind `engine` and the
    tables the code declares (types, nullability, indexes, constraints); [] when the migrations
    build exactly the code's schema. A service's test asserts it is empty on every database."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), metadata))
