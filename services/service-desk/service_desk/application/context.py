"""What every use case gets: the database, business rules from settings, a clock and an id
generator; and the unit of work that gives one transaction its repositories and writes outbox
events in that same transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from chassis.db import Database
from chassis.directory import Directory
from chassis.events import record_event
from chassis.mail import MailTemplates, OutgoingMail, queue_mail
from google.protobuf.message import Message
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from service_desk.adapters.contract_repository import ContractRepository
from service_desk.adapters.repositories import CalendarRepository, CaseRepository, PolicyRepository
from service_desk.adapters.tables import directory_tables, event_tables, mail_tables
from service_desk.metrics import count_committed


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id(prefix: str) -> str:
    """Opaque ids with a readable prefix: "cal_…", "sla_…", "case_…", "ma_…", "msg_…"."""
    return f"{prefix}_{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Rules:
    """Business settings (from ServiceDeskSettings)."""

    # The zone whose date is "today" for contracts (status, proration).
    company_time_zone: str = "Asia/Bangkok"
    # Cases looked at per scheduler pass.
    escalation_batch_size: int = 200
    # The support mailbox (Reply-To of customer mail) and the base of links in mail.
    support_address: str = "support@siamsupply.example"
    public_base_url: str = "http://127.0.0.1:8080"
    # A resolved case with no answer closes after this many business days (survey work).
    auto_close_business_days: int = 4
    # The domain of MAIL_FROM: sent mail's Message-ID is "<outbox row id@mail_domain>" (e-mail
    # threading records it so the customer's answer finds its case).
    mail_domain: str = "crm.local"


class UnitOfWork:
    """One transaction's repositories; `emit` writes an outbox event into the same transaction."""

    def __init__(self, session: Session, rules: Rules | None = None) -> None:
        self.session = session
        # what this transaction emitted, counted by the business metrics once it has committed
        # (nothing on a rollback); the same for use cases and event handlers
        self.emitted: list[tuple[str, Message]] = []
        sa_event.listen(session, "after_commit", lambda _session: count_committed(self.emitted), once=True)
        # the business settings (links in mail) and the users/teams read model (notifications)
        self.rules = rules or Rules()
        self.directory = Directory(session, directory_tables)
        self.calendars = CalendarRepository(session)
        self.policies = PolicyRepository(session)
        self.cases = CaseRepository(session)
        self.contracts = ContractRepository(session)

    def emit(self, subject: str, message: Message, aggregate_type: str, aggregate_id: str) -> None:
        record_event(
            self.session,
            event_tables,
            subject=subject,
            message=message,
            aggregate_type=aggregate_type,
            aggregate_id=aggregate_id,
        )
        self.emitted.append((subject, message))

    def mail(self, message: OutgoingMail, dedupe_key: str) -> str:
        """Queues `message` in this transaction (sent after the commit by the dispatcher); the
        same `dedupe_key` is queued once. Returns the outbox row id, which is the left part of
        the mail's Message-ID (`<id@domain of MAIL_FROM>`)."""
        return queue_mail(self.session, mail_tables, message, dedupe_key)


@dataclass(frozen=True)
class ServiceDeskContext:
    database: Database
    rules: Rules = field(default_factory=Rules)
    clock: Callable[[], dt.datetime] = utc_now
    ids: Callable[[str], str] = new_id
    templates: MailTemplates = field(default_factory=lambda: MailTemplates("service_desk", "templates/mail"))

    def today(self) -> dt.date:
        from zoneinfo import ZoneInfo

        return self.clock().astimezone(ZoneInfo(self.rules.company_time_zone)).date()

    @contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        """A writing unit of work: commits at the end of the block, rolls back on error."""
        with self.database.transaction() as session:
            yield UnitOfWork(session, self.rules)

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        with self.database.read() as session:
            yield UnitOfWork(session, self.rules)
