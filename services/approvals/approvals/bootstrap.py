"""The one place that wires the approvals service: settings → database, event and mail tables,
use-case context, gRPC servicer, event handlers, the mail dispatcher and the escalation loop.
The runtime (`main`) and the tests build the service with the same `build_approvals`."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from chassis.background import BackgroundLoop, Task, periodic
from chassis.db import Database, migrate
from chassis.events import EventTables, Handler
from chassis.mail import MailDispatcher, MailTables, MailTemplates
from chassis.runtime import ServiceRuntime, service_main

from approvals.adapters.tables import event_tables, mail_tables
from approvals.api import SERVICE_NAME, ApprovalsServicer, registrar
from approvals.application.context import ApprovalsContext, Rules, utc_now
from approvals.application.requests import escalate_overdue, refresh_pending
from approvals.events import DURABLE, handlers
from approvals.settings import ApprovalsSettings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger(__name__)


@dataclass
class ApprovalsService:
    """Everything the approvals process runs, built but not started."""

    settings: ApprovalsSettings
    database: Database
    tables: EventTables
    mail_tables: MailTables
    context: ApprovalsContext
    servicer: ApprovalsServicer
    handlers: Sequence[Handler]
    dispatcher: MailDispatcher
    durable: str = DURABLE
    _background: BackgroundLoop | None = field(default=None, init=False)

    @property
    def register(self) -> Sequence[Callable[[grpc.Server], None]]:
        return [registrar(self.servicer)]

    @property
    def service_names(self) -> Sequence[str]:
        return [SERVICE_NAME]

    def check_escalations(self) -> int:
        """One escalation pass (the loop's body; tests call it directly)."""
        escalated = escalate_overdue(self.context)
        refresh_pending(self.context)
        return escalated

    def background(self) -> list[Task]:
        """The escalation loop, and the mail dispatcher (woken by commits) when mail is on."""
        tasks: list[Task] = [
            periodic("escalation pass", self.check_escalations, self.settings.escalation_check_seconds)
        ]
        if self.settings.mail_enabled:
            tasks.append(self.dispatcher.run)
        return tasks


def migrate_database(settings: ApprovalsSettings) -> None:
    """Brings the schema to the newest migration (idempotent; runs at every start)."""
    migrate(settings.resolved_database_url(), MIGRATIONS_DIR)


def build_approvals(
    settings: ApprovalsSettings,
    *,
    database: Database | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
) -> ApprovalsService:
    """The service over `settings` (the database must be migrated already); tests pass a clock
    to reach SLA deadlines without waiting."""
    db = database or Database(settings.resolved_database_url())
    context = ApprovalsContext(
        database=db,
        templates=MailTemplates("approvals", "templates/mail"),
        rules=Rules(
            public_base_url=settings.public_base_url, link_ttl_seconds=settings.action_link_ttl_seconds
        ),
        clock=clock,
    )
    return ApprovalsService(
        settings=settings,
        database=db,
        tables=event_tables,
        mail_tables=mail_tables,
        context=context,
        servicer=ApprovalsServicer(context),
        handlers=handlers(context),
        dispatcher=MailDispatcher(db, mail_tables, settings, service=settings.service_name),
    )


def runtime_of(service: ApprovalsService) -> ServiceRuntime:
    """The process around `service`: gRPC and ops servers, relay, consumer, escalations, mail."""
    return ServiceRuntime(
        service.settings,
        service.database,
        service.tables,
        service.register,
        service.service_names,
        service.handlers,
        service.durable,
        background=service.background(),
        commit_listeners=[service.dispatcher.wake],
    )


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m approvals [migrate]` (see chassis.runtime.service_main)."""
    service_main(
        "approvals",
        ApprovalsSettings(),
        migrate=migrate_database,
        build=lambda s: runtime_of(build_approvals(s)),
        argv=argv,
    )
