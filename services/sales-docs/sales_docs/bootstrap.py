"""The one place that wires the sales-docs service: settings → database, event and mail tables,
numbering, peers (pricing, contacts), use-case context, gRPC servicer, event handlers, the mail
dispatcher and the quotation expiry loop. The runtime (`main`) and the tests build the service
with the same `build_sales_docs`."""

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
from chassis.mail import MailDispatcher, MailTables
from chassis.runtime import ServiceRuntime, service_main

from sales_docs.adapters.numbering import Numbering
from sales_docs.adapters.peers import GrpcPeers, Peers
from sales_docs.adapters.tables import event_tables, mail_tables
from sales_docs.api import SERVICE_NAME, SalesServicer, registrar
from sales_docs.application.context import Policy, SalesContext, utc_now
from sales_docs.application.quotations import expire_quotations
from sales_docs.domain.numbering import Era
from sales_docs.domain.parties import Party
from sales_docs.domain.quotations import ApprovalPolicy
from sales_docs.events import DURABLE, handlers, outbox_recorder
from sales_docs.metrics import SalesCollector, count_committed
from sales_docs.settings import SalesDocsSettings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger(__name__)


@dataclass
class SalesDocsService:
    """Everything the sales-docs process runs, built but not started."""

    settings: SalesDocsSettings
    database: Database
    tables: EventTables
    mail_tables: MailTables
    context: SalesContext
    servicer: SalesServicer
    handlers: Sequence[Handler]
    dispatcher: MailDispatcher
    peers: Peers
    durable: str = DURABLE

    @property
    def register(self) -> Sequence[Callable[[grpc.Server], None]]:
        return [registrar(self.servicer)]

    @property
    def service_names(self) -> Sequence[str]:
        return [SERVICE_NAME]

    def background(self) -> list[Task]:
        """The expiry job, and the mail dispatcher (woken by commits) when mail is on."""
        tasks: list[Task] = [
            periodic(
                "quotation expiry pass",
                lambda: expire_quotations(self.context),
                self.settings.expiry_check_seconds,
            )
        ]
        if self.settings.mail_enabled:
            tasks.append(self.dispatcher.run)
        return tasks

    def close(self) -> None:
        """Closes the channels to pricing and contacts."""
        if isinstance(self.peers, GrpcPeers):
            self.peers.close()


def migrate_database(settings: SalesDocsSettings) -> None:
    """Brings the schema to the newest migration (idempotent; runs at every start)."""
    migrate(settings.resolved_database_url(), MIGRATIONS_DIR)


def seller_of(settings: SalesDocsSettings) -> Party:
    return Party(
        name=settings.seller_name,
        name_en=settings.seller_name_en,
        address=settings.seller_address,
        tax_id=settings.seller_tax_id,
        branch_code=settings.seller_branch_code,
        phone=settings.seller_phone,
        email=settings.seller_email,
    )


def build_sales_docs(
    settings: SalesDocsSettings,
    *,
    database: Database | None = None,
    peers: Peers | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
) -> SalesDocsService:
    """The service over `settings` (the database must be migrated already)."""
    db = database or Database(settings.resolved_database_url())
    peers = peers or GrpcPeers(
        settings.pricing_target, settings.contacts_target, settings.peer_timeout_seconds
    )
    context = SalesContext(
        database=db,
        recorder=outbox_recorder(event_tables),
        numbering=Numbering(Era(settings.numbering_era), settings.numbering_patterns, settings.branch_code),
        peers=peers,
        seller=seller_of(settings),
        mail_tables=mail_tables,
        policy=Policy(
            approval=ApprovalPolicy(settings.max_override_percent, settings.max_document_discount_percent),
            approval_center=settings.approval_center,
            quotation_validity_days=settings.quotation_validity_days,
            invoice_due_days=settings.invoice_due_days,
            public_base_url=settings.public_base_url,
        ),
        clock=clock,
        committed=count_committed,
    )
    return SalesDocsService(
        settings=settings,
        database=db,
        tables=event_tables,
        mail_tables=mail_tables,
        context=context,
        servicer=SalesServicer(context),
        handlers=handlers(context),
        dispatcher=MailDispatcher(db, mail_tables, settings, service=settings.service_name),
        peers=peers,
    )


def runtime_of(service: SalesDocsService) -> ServiceRuntime:
    """The process around `service`: gRPC and ops servers, relay, consumer, expiry job, mail."""
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
        closers=[service.close],
    )


def serving(settings: SalesDocsSettings) -> ServiceRuntime:
    """The service with its pipeline gauges, read at scrape time, registered once per process
    (the default registry is global)."""
    from prometheus_client import REGISTRY

    service = build_sales_docs(settings)
    REGISTRY.register(SalesCollector(service.database, service.context.policy.pipeline))
    return runtime_of(service)


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m sales_docs [migrate]` (see chassis.runtime.service_main)."""
    service_main("sales_docs", SalesDocsSettings(), migrate=migrate_database, build=serving, argv=argv)
