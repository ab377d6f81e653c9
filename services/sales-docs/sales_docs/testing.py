"""Test support for the sales-docs service: the service started as in production (chassis
runtime on a free port, outbox relay and consumer when NATS is given) over a real database,
calling real pricing and contacts services at the given targets."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import sqlalchemy as sa
from chassis.identity import Caller
from chassis.runtime import ServiceRuntime
from chassis.testkit import service_test_settings
from crm.sales.v1 import sales_service_pb2_grpc as pb_grpc

from sales_docs.bootstrap import SalesDocsService, build_sales_docs, migrate_database, runtime_of
from sales_docs.settings import SalesDocsSettings

ADMIN = Caller("u-admin", frozenset({"admin"}))
MANAGER = Caller("u-manager", frozenset({"sales_manager"}), frozenset({"team-bkk"}))
REP = Caller("u-malee", frozenset({"sales_rep"}), frozenset({"team-bkk"}))
OTHER_REP = Caller("u-anan", frozenset({"sales_rep"}), frozenset({"team-bkk"}))
ACCOUNTANT = Caller("u-somchai", frozenset({"accountant"}))


@dataclass
class SalesDocsUnderTest:
    service: SalesDocsService
    runtime: ServiceRuntime
    channel: grpc.Channel
    stub: pb_grpc.SalesServiceStub
    stopped: bool = False

    def call(self, method: str, request: Any, caller: Caller = ADMIN, timeout: float = 20.0) -> Any:
        return getattr(self.stub, method)(request, metadata=caller.to_metadata(), timeout=timeout)

    def outbox_subjects(self) -> list[str]:
        with self.service.database.read() as session:
            return [
                row.subject for row in session.execute(sa.text("SELECT subject FROM outbox ORDER BY seq"))
            ]

    def count(self, table: str) -> int:
        with self.service.database.read() as session:
            return int(session.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def start_sales_docs(
    database_url: str, nats_url: str | None, var_dir: Path, *, pricing: str, contacts: str, **overrides: Any
) -> SalesDocsUnderTest:
    settings = SalesDocsSettings(
        **service_test_settings(
            database_url,
            nats_url,
            var_dir,
            pricing_target=pricing,
            contacts_target=contacts,
            mail_enabled=False,
            **overrides,
        )
    )
    migrate_database(settings)
    service = build_sales_docs(settings)
    # No expiry loop or mail dispatcher in tests: they drive those passes themselves.
    runtime = dataclasses.replace(runtime_of(service), background=())
    runtime.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{runtime.grpc_port}")
    return SalesDocsUnderTest(service, runtime, channel, pb_grpc.SalesServiceStub(channel))


def stop_sales_docs(running: SalesDocsUnderTest) -> None:
    if running.stopped:
        return
    running.stopped = True
    running.channel.close()
    running.runtime.stop()
