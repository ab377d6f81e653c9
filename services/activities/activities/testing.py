"""Test support for the activities service (its integration tests and end-to-end tests): the
service started as in production (chassis runtime: gRPC on a free port, outbox relay and
consumer when NATS is given, reminder scheduler and mail dispatcher when asked) over a real
database, and a client that calls it as a given user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import grpc
import sqlalchemy as sa
from chassis.identity import Caller
from chassis.runtime import ServiceRuntime
from chassis.testkit import eventually as eventually
from chassis.testkit import publish_event, service_test_settings
from chassis.testkit import rpc_failure as rpc_failure
from crm.activities.v1 import activities_service_pb2_grpc as pb_grpc
from google.protobuf.timestamp_pb2 import Timestamp

from activities.bootstrap import ActivitiesService, build_activities, migrate_database, runtime_of
from activities.settings import ActivitiesSettings

T = TypeVar("T")

ADMIN = Caller("u-admin", frozenset({"admin"}))
MANAGER = Caller("u-manager", frozenset({"sales_manager"}), frozenset({"team-bkk"}))
REP = Caller("u-malee", frozenset({"sales_rep"}), frozenset({"team-bkk"}))
OTHER_REP = Caller("u-anan", frozenset({"sales_rep"}), frozenset({"team-bkk"}))
NORTH_REP = Caller("u-niran", frozenset({"sales_rep"}), frozenset({"team-north"}))


def stamp(value: dt.datetime) -> Timestamp:
    out = Timestamp()
    out.FromDatetime(value.astimezone(dt.UTC))
    return out


@dataclass
class ActivitiesUnderTest:
    service: ActivitiesService
    runtime: ServiceRuntime | None
    channel: grpc.Channel
    stub: pb_grpc.ActivitiesServiceStub
    stopped: bool = False

    def call(self, method: str, request: Any, caller: Caller | None = REP, timeout: float = 10.0) -> Any:
        """One RPC as `caller` (identity in metadata, as the gateway sends it)."""
        metadata = caller.to_metadata() if caller is not None else None
        return getattr(self.stub, method)(request, metadata=metadata, timeout=timeout)

    def count(self, table: str, where: str = "") -> int:
        query = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
        with self.service.database.read() as session:
            return int(session.execute(sa.text(query)).scalar_one())

    def outbox_subjects(self) -> list[str]:
        with self.service.database.read() as session:
            return [r.subject for r in session.execute(sa.text("SELECT subject FROM outbox ORDER BY seq"))]


def settings_for(
    database_url: str,
    nats_url: str | None,
    var_dir: Path,
    *,
    smtp_port: int = 1,
    scheduler: bool = False,
    **extra: Any,
) -> ActivitiesSettings:
    return ActivitiesSettings(
        **service_test_settings(
            database_url,
            nats_url,
            var_dir,
            scheduler_enabled=scheduler,
            smtp_port=smtp_port,
            reminder_poll_seconds=0.2,
            mail_poll_seconds=0.2,
            mail_backoff_seconds=0.2,
            **extra,
        )
    )


def start_activities(settings: ActivitiesSettings, *, serve: bool = True) -> ActivitiesUnderTest:
    """The service as in production; `serve=False` builds it without gRPC and event tasks
    (tests of use cases, scheduler passes and the mail dispatcher; faster to start)."""
    migrate_database(settings)
    service = build_activities(settings)
    if not serve:
        idle = grpc.insecure_channel("127.0.0.1:1")  # never called: nothing serves
        return ActivitiesUnderTest(service, None, idle, pb_grpc.ActivitiesServiceStub(idle))
    runtime = runtime_of(service)
    runtime.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{runtime.grpc_port}")
    return ActivitiesUnderTest(service, runtime, channel, pb_grpc.ActivitiesServiceStub(channel))


def stop_activities(running: ActivitiesUnderTest) -> None:
    """Stops the service (once; a second call does nothing)."""
    if running.stopped:
        return
    running.stopped = True
    running.channel.close()
    if running.runtime is not None:
        running.runtime.stop()
    else:
        running.service.database.dispose()


def publish(url: str, subject: str, payload: bytes, msg_id: str) -> None:
    """Publishes an event as another service's relay would."""
    publish_event(url, subject, payload, msg_id)


def add_user(
    service: ActivitiesService, user_id: str, email: str, language: str = "en", zone: str = ""
) -> None:
    """A user as the identity events would have left it (for tests without NATS)."""
    from activities.adapters.directory import User

    with service.context.transaction() as uow:
        uow.directory.upsert_user(
            User(user_id, email=email, display_name=user_id, language=language, version=1)
        )
        if zone:
            uow.directory.set_time_zone(user_id, zone)
