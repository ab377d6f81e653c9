"""Test support for the service desk (its integration tests, later the end-to-end tests): the
service started as in production (chassis runtime: gRPC on a free port, the outbox relay when
NATS is given, the SLA scheduler) over a real database; a clock the test sets; a client that
calls as a given user; a second scheduler over the same database to race the first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import sqlalchemy as sa
from chassis.identity import Caller
from chassis.runtime import ServiceRuntime
from chassis.testkit import eventually as eventually
from chassis.testkit import read_stream as read_stream
from chassis.testkit import rpc_failure as rpc_failure
from crm.servicedesk.v1 import servicedesk_service_pb2_grpc as pb_grpc

from service_desk.bootstrap import ServiceDesk, build_service_desk, migrate_database, runtime_of
from service_desk.settings import ServiceDeskSettings


@dataclass
class SetClock:
    """A clock that stands where the test puts it (SLA instants without waiting)."""

    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, instant: dt.datetime) -> None:
        self.now = instant.astimezone(dt.UTC)


@dataclass
class ServiceDeskUnderTest:
    service: ServiceDesk
    runtime: ServiceRuntime
    channel: grpc.Channel
    stub: pb_grpc.ServiceDeskServiceStub
    clock: SetClock
    settings: ServiceDeskSettings
    stopped: bool = False

    def call(self, method: str, request: Any, caller: Caller) -> Any:
        """One RPC as `caller` (identity in metadata, as the gateway sends it)."""
        return getattr(self.stub, method)(request, metadata=caller.to_metadata(), timeout=10)

    def count(self, table: str, where: str = "") -> int:
        query = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
        with self.service.database.read() as session:
            return int(session.execute(sa.text(query)).scalar_one())

    def outbox_subjects(self) -> list[str]:
        with self.service.database.read() as session:
            return [r.subject for r in session.execute(sa.text("SELECT subject FROM outbox ORDER BY seq"))]

    def second_scheduler(self) -> ServiceDesk:
        """Another service over the same database and clock (a second replica's scheduler)."""
        return build_service_desk(self.settings, clock=self.clock)


def start_service_desk(
    database_url: str, nats_url: str | None, var_dir: Path, **overrides: Any
) -> ServiceDeskUnderTest:
    values: dict[str, Any] = {
        "database_url": database_url,
        "nats_url": nats_url or "nats://127.0.0.1:1",
        "events_enabled": nats_url is not None,
        "grpc_port": 0,
        "http_port": 0,
        "var_dir": var_dir,
        "log_json": False,
        "shutdown_grace_seconds": 1.0,
        "sla_check_seconds": 3600,
    }
    values.update(overrides)
    settings = ServiceDeskSettings(**values)
    migrate_database(settings)
    clock = SetClock()
    service = build_service_desk(settings, clock=clock)
    runtime = runtime_of(service)
    runtime.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{runtime.grpc_port}")
    return ServiceDeskUnderTest(
        service, runtime, channel, pb_grpc.ServiceDeskServiceStub(channel), clock, settings
    )


def stop_service_desk(running: ServiceDeskUnderTest) -> None:
    if running.stopped:
        return
    running.stopped = True
    running.channel.close()
    running.runtime.stop()
