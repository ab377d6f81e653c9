"""What every use case gets: the database, the mail templates, the rules from settings, a clock
and an id generator; and the unit of work that gives one transaction its repositories and lets
it write outbox events and queue mail in that same transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from chassis.db import Database
from chassis.events import record_event
from chassis.mail import MailTemplates, OutgoingMail, queue_mail
from google.protobuf.message import Message
from sqlalchemy.orm import Session

from approvals.adapters.audit import ActionLinks, AuditTrail
from approvals.adapters.directory import DatabaseDirectory
from approvals.adapters.policies import PolicyRepository
from approvals.adapters.requests import RequestRepository
from approvals.adapters.tables import event_tables, mail_tables


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id(prefix: str) -> str:
    """Opaque ids with a readable prefix: "apr_…", "pol_…", "dlg_…"."""
    return f"{prefix}_{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Rules:
    """Business settings (from ApprovalsSettings)."""

    # Where mail links point (the gateway), e.g. "http://127.0.0.1:8080".
    public_base_url: str = "http://127.0.0.1:8080"
    # How long an approve/reject link in a mail works.
    link_ttl_seconds: int = 7 * 24 * 3600


class UnitOfWork:
    """One transaction's repositories; `emit` and `mail` write into the same transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.requests = RequestRepository(session)
        self.policies = PolicyRepository(session)
        self.directory = DatabaseDirectory(session)
        self.audit = AuditTrail(session)
        self.links = ActionLinks(session)

    def emit(self, subject: str, message: Message, aggregate_id: str) -> None:
        record_event(
            self.session,
            event_tables,
            subject=subject,
            message=message,
            aggregate_type="approval_request",
            aggregate_id=aggregate_id,
        )

    def mail(self, message: OutgoingMail, dedupe_key: str) -> None:
        queue_mail(self.session, mail_tables, message, dedupe_key)


@dataclass(frozen=True)
class ApprovalsContext:
    database: Database
    templates: MailTemplates
    rules: Rules = field(default_factory=Rules)
    clock: Callable[[], dt.datetime] = utc_now
    ids: Callable[[str], str] = new_id

    @contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        """A writing unit of work: commits at the end of the block, rolls back on error."""
        with self.database.transaction() as session:
            yield UnitOfWork(session)

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        with self.database.read() as session:
            yield UnitOfWork(session)

    def within(self, session: Session) -> UnitOfWork:
        """A unit of work inside a transaction someone else opened (event handlers)."""
        return UnitOfWork(session)
