"""The one place that wires the pricing service: settings → database, event tables, use-case
context (with the in-memory rule book, loaded here), gRPC servicer and event handlers. The
runtime (`main`), the tests and the benchmark build the service with the same `build_pricing`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc
from chassis.db import Database, migrate
from chassis.events import EventTables, Handler
from sqlalchemy.orm import Session

from pricing.adapters.tables import event_tables
from pricing.api import SERVICE_NAME, PricingServicer, registrar
from pricing.application.context import Policy, PricingContext
from pricing.events import DURABLE, consumer_handlers, outbox_recorder, reset_read_model
from pricing.settings import PricingSettings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass
class PricingService:
    """Everything the pricing process runs, built but not started."""

    settings: PricingSettings
    database: Database
    tables: EventTables
    context: PricingContext
    servicer: PricingServicer
    handlers: Sequence[Handler]
    durable: str = DURABLE

    @property
    def register(self) -> Sequence[Callable[[grpc.Server], None]]:
        return [registrar(self.servicer)]

    @property
    def service_names(self) -> Sequence[str]:
        return [SERVICE_NAME]

    def reset_read_model(self) -> Callable[[Session], None]:
        return reset_read_model(self.tables, self.durable)


def policy_of(settings: PricingSettings) -> Policy:
    return Policy(
        import_default_batch_size=settings.import_default_batch_size,
        import_max_batch_size=settings.import_max_batch_size,
        time_zone=settings.pricing_time_zone,
    )


def migrate_database(settings: PricingSettings) -> None:
    """Brings the schema to the newest migration (idempotent; runs at every start)."""
    migrate(settings.resolved_database_url(), MIGRATIONS_DIR)


def build_pricing(settings: PricingSettings, *, database: Database | None = None) -> PricingService:
    """The service over `settings` (the database must be migrated already); the rule book is
    loaded from the database before this returns."""
    db = database or Database(settings.resolved_database_url())
    context = PricingContext(database=db, recorder=outbox_recorder(event_tables), policy=policy_of(settings))
    with db.read() as session:
        context.books.load(session)
    return PricingService(
        settings=settings,
        database=db,
        tables=event_tables,
        context=context,
        servicer=PricingServicer(context),
        handlers=consumer_handlers(context),
    )


def replay_config() -> tuple[Database, EventTables, str, Sequence[Handler], Callable[[Session], None]]:
    """For `crm-replay --module pricing.bootstrap --consumer pricing`: rebuilds customers' groups
    and redemption counts from the stream."""
    settings = PricingSettings()
    migrate_database(settings)
    service = build_pricing(settings)
    return service.database, service.tables, settings.nats_url, service.handlers, service.reset_read_model()


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m pricing`: migrate, build (load the rule book), run until SIGTERM/SIGINT.
    `python -m pricing migrate` only migrates and exits (the Helm chart's pre-install/pre-upgrade
    Job runs it, so replicas starting together find the schema current)."""
    from chassis.runtime import run_service

    args = list(sys.argv[1:] if argv is None else argv)
    if args not in ([], ["migrate"]):
        raise SystemExit("usage: python -m pricing [migrate]")
    settings = PricingSettings()
    migrate_database(settings)
    if args == ["migrate"]:
        print(f"migrated {settings.resolved_database_url().split('@')[-1]}", flush=True)
        return
    service = build_pricing(settings)
    run_service(
        settings,
        database=service.database,
        tables=service.tables,
        register=service.register,
        service_names=service.service_names,
        handlers=service.handlers,
        durable=service.durable,
    )
