"""Test support for the approvals service (its integration tests and end-to-end tests): the
service started as in production (chassis runtime: gRPC on a free port, relay and consumer
when NATS is given, the mail dispatcher and escalation loop) over a real database, sending to
a real SMTP server; a clock the test can move; a client that calls as a given user."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import grpc
import sqlalchemy as sa
from chassis.identity import Caller
from chassis.mail.testing import ReceivedMail
from chassis.runtime import ServiceRuntime
from chassis.testkit import eventually as eventually
from chassis.testkit import publish_event, service_test_settings
from chassis.testkit import read_stream as read_stream
from crm.approvals.v1 import approvals_service_pb2_grpc as pb_grpc
from google.protobuf.message import Message

from approvals.bootstrap import ApprovalsService, build_approvals, migrate_database, runtime_of
from approvals.domain.model import User
from approvals.settings import ApprovalsSettings

T = TypeVar("T")
LINK = re.compile(r"https?://\S+/approvals/act/([A-Za-z0-9_\-]+)")


@dataclass
class MovableClock:
    """The real time plus what the test skipped ahead (SLA deadlines without sleeping)."""

    offset: dt.timedelta = field(default_factory=dt.timedelta)

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += dt.timedelta(seconds=seconds)


@dataclass
class ApprovalsUnderTest:
    service: ApprovalsService
    runtime: ServiceRuntime
    channel: grpc.Channel
    stub: pb_grpc.ApprovalsServiceStub
    clock: MovableClock
    stopped: bool = False

    def call(
        self, method: str, request: Any, caller: Caller, metadata: tuple[tuple[str, str], ...] = ()
    ) -> Any:
        """One RPC as `caller` (identity in metadata, as the gateway sends it)."""
        return getattr(self.stub, method)(request, metadata=[*caller.to_metadata(), *metadata], timeout=10)

    def add_users(self, *users: User) -> None:
        """Users as the identity events would store them (through the same code)."""
        with self.service.context.transaction() as uow:
            for user in users:
                uow.directory.upsert_user(user)

    def count(self, table: str, where: str = "") -> int:
        query = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
        with self.service.database.read() as session:
            return int(session.execute(sa.text(query)).scalar_one())

    def outbox_subjects(self) -> list[str]:
        with self.service.database.read() as session:
            return [
                row.subject for row in session.execute(sa.text("SELECT subject FROM outbox ORDER BY seq"))
            ]


def link_tokens(mail: ReceivedMail) -> dict[str, str]:
    """{"approve": token, "reject": token} from an approval mail's text."""
    text = mail.body("plain")
    tokens = LINK.findall(text)
    assert len(tokens) == 2, text
    return {"approve": tokens[0], "reject": tokens[1]}


def start_approvals(
    database_url: str,
    nats_url: str | None,
    var_dir: Path,
    smtp_port: int,
    **overrides: Any,
) -> ApprovalsUnderTest:
    defaults: dict[str, Any] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "smtp_timeout_seconds": 3,
        "mail_backoff_seconds": 0.2,
        "mail_max_backoff_seconds": 0.5,
        "mail_poll_seconds": 0.1,
        "escalation_check_seconds": 3600,
        "public_base_url": "http://gateway.test",
    }
    values = service_test_settings(database_url, nats_url, var_dir, **(defaults | overrides))
    settings = ApprovalsSettings(**values)
    migrate_database(settings)
    clock = MovableClock()
    service = build_approvals(settings, clock=clock)
    runtime = runtime_of(service)
    runtime.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{runtime.grpc_port}")
    return ApprovalsUnderTest(service, runtime, channel, pb_grpc.ApprovalsServiceStub(channel), clock)


def stop_approvals(running: ApprovalsUnderTest) -> None:
    if running.stopped:
        return
    running.stopped = True
    running.channel.close()
    running.runtime.stop()


def publish(url: str, subject: str, message: Message) -> None:
    """Publishes an event as another service's relay would."""
    publish_event(url, subject, message)
