"""The one place that wires the activities service: settings → database, event and mail
tables, use-case context, gRPC servicer, event handlers, and the background parts (reminder
scheduler and mail dispatcher). The runtime (`main`) and the tests build it with the same
`build_activities`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc
from chassis.background import Task
from chassis.db import Database, migrate
from chassis.events import EventTables, Handler
from chassis.mail import MailDispatcher, MailTemplates
from chassis.runtime import ServiceRuntime, service_main

from activities.adapters.tables import event_tables, mail_tables
from activities.api import SERVICE_NAME, ActivitiesServicer, registrar
from activities.application.context import ActivitiesContext, Policy
from activities.domain.checkin import CheckinMode, CheckinPolicy
from activities.domain.timing import zone_of
from activities.events import DURABLE, handlers, outbox_recorder
from activities.scheduler import ReminderScheduler
from activities.settings import ActivitiesSettings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass
class ActivitiesService:
    """Everything the activities process runs, built but not started."""

    settings: ActivitiesSettings
    database: Database
    tables: EventTables
    context: ActivitiesContext
    servicer: ActivitiesServicer
    handlers: Sequence[Handler]
    scheduler: ReminderScheduler
    dispatcher: MailDispatcher
    durable: str = DURABLE

    @property
    def register(self) -> Sequence[Callable[[grpc.Server], None]]:
        return [registrar(self.servicer)]

    @property
    def service_names(self) -> Sequence[str]:
        return [SERVICE_NAME]

    def background(self) -> list[Task]:
        """The reminder scheduler and the mail dispatcher, when SCHEDULER_ENABLED."""
        if not self.settings.scheduler_enabled:
            return []
        return [self.scheduler.run, self.dispatcher.run]


def policy_of(settings: ActivitiesSettings) -> Policy:
    zone_of(settings.default_time_zone, "DEFAULT_TIME_ZONE")
    return Policy(
        default_time_zone=settings.default_time_zone,
        checkin=CheckinPolicy(CheckinMode(settings.checkin_default_mode), settings.checkin_default_radius_m),
        reminder_horizon=dt.timedelta(days=settings.reminder_horizon_days),
        feed_days_back=settings.feed_days_back,
        feed_days_ahead=settings.feed_days_ahead,
        public_base_url=settings.public_base_url,
        date_mail_horizon=dt.timedelta(hours=settings.date_mail_horizon_hours),
        date_mail_grace=dt.timedelta(hours=settings.date_mail_grace_hours),
    )


def migrate_database(settings: ActivitiesSettings) -> None:
    """Brings the schema to the newest migration (idempotent; runs at every start)."""
    migrate(settings.resolved_database_url(), MIGRATIONS_DIR)


def build_activities(settings: ActivitiesSettings, *, database: Database | None = None) -> ActivitiesService:
    """The service over `settings` (the database must be migrated already)."""
    db = database or Database(settings.resolved_database_url())
    context = ActivitiesContext(
        database=db,
        recorder=outbox_recorder(event_tables),
        templates=MailTemplates("activities", "templates/mail"),
        policy=policy_of(settings),
    )
    return ActivitiesService(
        settings=settings,
        database=db,
        tables=event_tables,
        context=context,
        servicer=ActivitiesServicer(context),
        handlers=handlers(context),
        scheduler=ReminderScheduler(
            context,
            poll_seconds=settings.reminder_poll_seconds,
            batch_size=settings.reminder_batch_size,
            top_up_seconds=settings.reminder_top_up_seconds,
            date_mail_plan_seconds=settings.date_mail_plan_seconds,
        ),
        dispatcher=MailDispatcher(db, mail_tables, settings, service=settings.service_name),
    )


def runtime_of(service: ActivitiesService) -> ServiceRuntime:
    """The process around `service`: gRPC and ops servers, relay, consumer, reminders, mail."""
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
    """`python -m activities [migrate]` (see chassis.runtime.service_main)."""
    service_main(
        "activities",
        ActivitiesSettings(),
        migrate=migrate_database,
        build=lambda s: runtime_of(build_activities(s)),
        argv=argv,
    )
