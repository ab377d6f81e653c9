"""The one place that wires the pricing service: settings → database, event tables, use-case
context (with the in-memory rule book, loaded here), gRPC servicer and event handlers. The
runtime (`main`), the tests and the benchmark build the service with the same `build_pricing`."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc
from chassis.db import Database, migrate
from chassis.events import EventTables, Handler
from chassis.runtime import ServiceRuntime, service_main
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


def runtime_of(service: PricingService) -> ServiceRuntime:
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


def freeze_loaded_objects() -> None:
    """Moves every object alive now (above all the loaded rule book: millions of records that
    live as long as the process) into the collector's permanent generation. Otherwise every
    full collection walks them all again: evaluations allocate enough for one every few hundred
    calls, each taking hundreds of milliseconds of CPU with the benchmark's book. Objects made
    later (books brought up to date, requests) are collected as usual."""
    gc.collect()
    gc.freeze()


def serving_runtime(settings: PricingSettings) -> ServiceRuntime:
    """The process `main` runs: the service built, its rule book frozen (see above)."""
    runtime = runtime_of(build_pricing(settings))
    freeze_loaded_objects()
    return runtime


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m pricing [migrate]` (see chassis.runtime.service_main)."""
    service_main("pricing", PricingSettings(), migrate=migrate_database, build=serving_runtime, argv=argv)
