"""Test support for the contacts service (used by its integration tests and by end-to-end
tests): the service started as in production (chassis runtime: gRPC on a free port, outbox
relay and event consumer when NATS is given) over a real database, a client that calls it as a
given user, and helpers to publish and read events on a real nats-server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import grpc
import nats
import nats.js.errors
import sqlalchemy as sa
from chassis.events import ensure_streams
from chassis.identity import Caller
from chassis.runtime import ServiceRuntime
from crm.contacts.v1 import contacts_service_pb2_grpc as pb_grpc
from stdnum.th import pin

from contacts.bootstrap import ContactsService, build_contacts, migrate_database, runtime_of
from contacts.settings import ContactsSettings

T = TypeVar("T")

ADMIN = Caller("u-admin", frozenset({"admin"}))
MANAGER = Caller("u-manager", frozenset({"sales_manager"}), frozenset({"team-bkk"}))
REP = Caller("u-malee", frozenset({"sales_rep"}), frozenset({"team-bkk"}))
OTHER_REP = Caller("u-anan", frozenset({"sales_rep"}), frozenset({"team-bkk"}))
NORTH_REP = Caller("u-niran", frozenset({"sales_rep"}), frozenset({"team-north"}))
NORTH_MANAGER = Caller("u-kanya", frozenset({"sales_manager"}), frozenset({"team-north"}))
WEB_FORM = Caller.system("web-form")


def tax_id(first_twelve: str) -> str:
    """A valid 13-digit Thai tax id (stdnum's check digit)."""
    return first_twelve + pin.calc_check_digit(first_twelve)


@dataclass
class ContactsUnderTest:
    service: ContactsService
    runtime: ServiceRuntime
    channel: grpc.Channel
    stub: pb_grpc.ContactsServiceStub
    stopped: bool = False

    def call(self, method: str, request: Any, caller: Caller = ADMIN, timeout: float = 10.0) -> Any:
        """One RPC as `caller` (identity in metadata, as the gateway sends it)."""
        return getattr(self.stub, method)(request, metadata=caller.to_metadata(), timeout=timeout)

    def stream(self, method: str, request: Any, caller: Caller = ADMIN, timeout: float = 30.0) -> list[Any]:
        return list(getattr(self.stub, method)(request, metadata=caller.to_metadata(), timeout=timeout))

    def count(self, table: str, where: str = "") -> int:
        query = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
        with self.service.database.read() as session:
            return int(session.execute(sa.text(query)).scalar_one())

    def outbox_subjects(self) -> list[str]:
        with self.service.database.read() as session:
            rows = session.execute(sa.text("SELECT subject FROM outbox ORDER BY seq"))
            return [row.subject for row in rows]


def start_contacts(database_url: str, nats_url: str | None, var_dir: Path) -> ContactsUnderTest:
    settings = ContactsSettings(
        database_url=database_url,
        nats_url=nats_url or "nats://127.0.0.1:1",
        events_enabled=nats_url is not None,
        grpc_port=0,
        http_port=0,
        var_dir=var_dir,
        log_json=False,
        consumer_max_deliver=3,
        shutdown_grace_seconds=1.0,
    )
    migrate_database(settings)
    service = build_contacts(settings)
    runtime = runtime_of(service)
    runtime.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{runtime.grpc_port}")
    return ContactsUnderTest(service, runtime, channel, pb_grpc.ContactsServiceStub(channel))


def stop_contacts(running: ContactsUnderTest) -> None:
    """Stops the service (once; a second call does nothing)."""
    if running.stopped:
        return
    running.stopped = True
    running.channel.close()
    running.runtime.stop()


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


async def _publish(url: str, subject: str, payload: bytes, msg_id: str) -> bool:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        await ensure_streams(js)
        ack = await js.publish(subject, payload, headers={"Nats-Msg-Id": msg_id})
        return bool(ack.duplicate)
    finally:
        await client.close()


def publish(url: str, subject: str, payload: bytes, msg_id: str) -> bool:
    """Publishes an event to JetStream as another service's relay would; True when the
    stream dropped it as a duplicate of an earlier Nats-Msg-Id."""
    return asyncio.run(_publish(url, subject, payload, msg_id))


async def _read(url: str, subject: str, count: int, timeout: float) -> list[Any]:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        await ensure_streams(js)
        subscription = await js.subscribe(subject, ordered_consumer=True)
        messages: list[Any] = []
        while len(messages) < count:
            messages.append(await subscription.next_msg(timeout=timeout))
        await subscription.unsubscribe()
        return messages
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
    asyncio.run(_delete_consumer(url, stream, durable))


def rpc_failure(call: Callable[[], Any]) -> tuple[grpc.StatusCode, str, dict[str, str]]:
    """Runs a call that must fail: (code, message, {field path: reason})."""
    from chassis.grpc import from_rpc_error

    try:
        call()
    except grpc.RpcError as error:
        code, message, violations = from_rpc_error(error)
        return code, message, {v.field: v.reason for v in violations}
    raise AssertionError("the call succeeded but was expected to fail")


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
