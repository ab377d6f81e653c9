"""The one place that wires the service desk: settings → database and event tables, use-case
context, gRPC servicer and the SLA scheduler. The runtime (`main`) and the tests build the
service with the same `build_service_desk`."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc
from chassis.background import Task, periodic
from chassis.db import Database, migrate
from chassis.events import EventTables, Handler
from chassis.mail import MailDispatcher
from chassis.mail.smtp import domain_of
from chassis.runtime import ServiceRuntime, service_main
from sqlalchemy.orm import Session

from service_desk.adapters.read_models import read_model_handlers, reset_read_models
from service_desk.adapters.tables import event_tables, mail_tables
from service_desk.api import SERVICE_NAME, ServiceDeskServicer, registrar
from service_desk.application.auto_close import close_silent_cases
from service_desk.application.context import Rules, ServiceDeskContext, utc_now
from service_desk.application.escalations import check_escalations
from service_desk.application.renewals import run_renewal_pass
from service_desk.events import DURABLE, handlers
from service_desk.inbound_smtp import inbound_smtp_task
from service_desk.metrics import ServiceDeskCollector
from service_desk.settings import ServiceDeskSettings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger(__name__)


@dataclass
class ServiceDesk:
    """Everything the service-desk process runs, built but not started."""

    settings: ServiceDeskSettings
    database: Database
    tables: EventTables
    context: ServiceDeskContext
    servicer: ServiceDeskServicer
    handlers: Sequence[Handler]
    dispatcher: MailDispatcher
    durable: str = DURABLE

    @property
    def register(self) -> Sequence[Callable[[grpc.Server], None]]:
        return [registrar(self.servicer)]

    @property
    def service_names(self) -> Sequence[str]:
        return [SERVICE_NAME]

    def check_sla(self) -> int:
        """One SLA scheduler pass (the loop's body; tests call it directly)."""
        return check_escalations(self.context)

    def auto_close(self) -> int:
        """One auto-close pass over resolved cases (tests call it directly)."""
        return close_silent_cases(self.context)

    def check_renewals(self) -> int:
        """One renewal pass (notices and billing requests due; tests call it directly)."""
        return run_renewal_pass(self.context, self.settings.renewal_check_batch_size)

    def background(self) -> list[Task]:
        """The SLA pass, and the mail dispatcher (woken by commits) when mail is on."""
        tasks: list[Task] = [periodic("SLA pass", self.check_sla, self.settings.sla_check_seconds)]
        tasks.append(periodic("auto-close pass", self.auto_close, self.settings.auto_close_check_seconds))
        tasks.append(periodic("renewal pass", self.check_renewals, self.settings.renewal_check_seconds))
        if self.settings.mail_enabled:
            tasks.append(self.dispatcher.run)
        if self.settings.inbound_smtp_port:
            s = self.settings
            tasks.append(
                inbound_smtp_task(self.context, s.inbound_smtp_host, s.inbound_smtp_port, s.inbound_max_bytes)
            )
        return tasks


def migrate_database(settings: ServiceDeskSettings) -> None:
    """Brings the schema to the newest migration (idempotent; runs at every start)."""
    migrate(settings.resolved_database_url(), MIGRATIONS_DIR)


def build_service_desk(
    settings: ServiceDeskSettings,
    *,
    database: Database | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
) -> ServiceDesk:
    """The service over `settings` (the database must be migrated already); tests pass a clock
    to reach SLA instants without waiting."""
    db = database or Database(settings.resolved_database_url())
    context = ServiceDeskContext(
        database=db,
        rules=Rules(
            company_time_zone=settings.company_time_zone,
            escalation_batch_size=settings.sla_check_batch_size,
            support_address=settings.support_address,
            public_base_url=settings.public_base_url,
            auto_close_business_days=settings.auto_close_business_days,
            mail_domain=domain_of(settings.mail_from),
        ),
        clock=clock,
    )
    return ServiceDesk(
        settings=settings,
        database=db,
        tables=event_tables,
        context=context,
        servicer=ServiceDeskServicer(context),
        handlers=handlers(context),
        dispatcher=MailDispatcher(db, mail_tables, settings, service=settings.service_name),
    )


def runtime_of(service: ServiceDesk) -> ServiceRuntime:
    """The process around `service`: gRPC and ops servers, outbox relay, SLA scheduler."""
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


def replay_config() -> tuple[Database, EventTables, str, Sequence[Handler], Callable[[Session], None]]:
    """For `crm-replay --module service_desk.bootstrap --consumer service-desk`: rebuilds the
    users/teams and customers read models from the stream (only their subjects are replayed;
    contract decisions and renewal quotations are not applied again)."""
    settings = ServiceDeskSettings()
    migrate_database(settings)
    service = build_service_desk(settings)
    return (
        service.database,
        service.tables,
        settings.nats_url,
        read_model_handlers(),
        reset_read_models(service.tables, service.durable),
    )


def serving(settings: ServiceDeskSettings) -> ServiceRuntime:
    """The service with its open-case gauges, read at scrape time, registered once per process
    (the default registry is global)."""
    from prometheus_client import REGISTRY

    service = build_service_desk(settings)
    REGISTRY.register(ServiceDeskCollector(service.database))
    return runtime_of(service)


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m service_desk [migrate]` (see chassis.runtime.service_main)."""
    service_main("service_desk", ServiceDeskSettings(), migrate=migrate_database, build=serving, argv=argv)
