"""Test support for the contacts service (used by its integration tests and by end-to-end
tests): the service started as in production (chassis runtime: gRPC on a free port, outbox
relay and event consumer when NATS is given) over a real database, a client that calls it as a
given user, and helpers to publish and read events on a real nats-server."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import grpc
import sqlalchemy as sa
from chassis.identity import Caller
from chassis.runtime import ServiceRuntime
from chassis.testkit import consumer_caught_up as consumer_caught_up
from chassis.testkit import delete_consumer as delete_consumer
from chassis.testkit import eventually as eventually
from chassis.testkit import publish_event, service_test_settings
from chassis.testkit import read_stream as read_stream
from chassis.testkit import rpc_failure as rpc_failure
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
        **service_test_settings(
            database_url,
            nats_url,
            var_dir,
        )
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


def publish(url: str, subject: str, payload: bytes, msg_id: str) -> bool:
    """Publishes an event as another service's relay would; True when the stream dropped it as
    a duplicate of an earlier Nats-Msg-Id."""
    return publish_event(url, subject, payload, msg_id).duplicate
