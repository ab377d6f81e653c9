"""The one place that wires the contacts service: settings → database, event tables, use-case
context, gRPC servicer and event handlers. The runtime (`main`) and the tests build the
service with the same `build_contacts`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc
from chassis.db import Database, migrate
from chassis.events import EventTables, Handler
from chassis.runtime import ServiceRuntime, service_main
from sqlalchemy.orm import Session

from contacts.adapters.tables import event_tables
from contacts.api import SERVICE_NAME, ContactsServicer, registrar
from contacts.application.context import ContactsContext, Policy
from contacts.events import DURABLE, outbox_recorder, purchase_handlers, reset_read_model
from contacts.settings import ContactsSettings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass
class ContactsService:
    """Everything the contacts process runs, built but not started."""

    settings: ContactsSettings
    database: Database
    tables: EventTables
    context: ContactsContext
    servicer: ContactsServicer
    handlers: Sequence[Handler]
    durable: str = DURABLE

    @property
    def register(self) -> Sequence[Callable[[grpc.Server], None]]:
        return [registrar(self.servicer)]

    @property
    def service_names(self) -> Sequence[str]:
        return [SERVICE_NAME]

    def reset_read_model(self) -> Callable[[Session], None]:
        return reset_read_model(self.context, self.tables, self.durable)


def policy_of(settings: ContactsSettings) -> Policy:
    return Policy(
        lead_default_owner_id=settings.lead_default_owner_id,
        lead_default_team_id=settings.lead_default_team_id,
        duplicate_block_score=settings.duplicate_block_score,
        duplicate_report_score=settings.duplicate_report_score,
        import_default_batch_size=settings.import_default_batch_size,
        import_max_batch_size=settings.import_max_batch_size,
    )


def migrate_database(settings: ContactsSettings) -> None:
    """Brings the schema to the newest migration (idempotent; runs at every start)."""
    migrate(settings.resolved_database_url(), MIGRATIONS_DIR)


def build_contacts(settings: ContactsSettings, *, database: Database | None = None) -> ContactsService:
    """The service over `settings` (the database must be migrated already)."""
    db = database or Database(settings.resolved_database_url())
    context = ContactsContext(database=db, recorder=outbox_recorder(event_tables), policy=policy_of(settings))
    return ContactsService(
        settings=settings,
        database=db,
        tables=event_tables,
        context=context,
        servicer=ContactsServicer(context),
        handlers=purchase_handlers(context),
    )


def replay_config() -> tuple[Database, EventTables, str, Sequence[Handler], Callable[[Session], None]]:
    """For `crm-replay --module contacts.bootstrap --consumer contacts`: rebuilds the purchase
    history from the stream (the reset clears it and the inbox rows of "contacts")."""
    settings = ContactsSettings()
    migrate_database(settings)
    service = build_contacts(settings)
    return service.database, service.tables, settings.nats_url, service.handlers, service.reset_read_model()


def runtime_of(service: ContactsService) -> ServiceRuntime:
    """The process around `service`: gRPC and ops servers, relay, consumer."""
    return ServiceRuntime(
        service.settings,
        service.database,
        service.tables,
        service.register,
        service.service_names,
        service.handlers,
        service.durable,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m contacts [migrate]` (see chassis.runtime.service_main)."""
    service_main(
        "contacts",
        ContactsSettings(),
        migrate=migrate_database,
        build=lambda s: runtime_of(build_contacts(s)),
        argv=argv,
    )
