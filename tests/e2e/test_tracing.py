"""One trace follows a request from the gateway through gRPC and across NATS to a consumer:
POST /api/v1/customers (gateway HTTP span) → ContactsService/CreateCustomer (contacts' gRPC
server span, which writes customer.created to its outbox with `traceparent`) → the outbox relay
publishes it to JetStream → pricing's durable consumer applies it (a CONSUMER span). The
gateway (create_app), contacts and pricing run in this process on real sockets (gRPC on port 0,
a real nats-server, SQLite files) with one TracerProvider and an in-memory exporter."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from chassis.db import migrate
from chassis.observability import configure_tracing
from chassis.testing import NatsServer
from contacts.testing import ContactsUnderTest, start_contacts, stop_contacts
from flask.testing import FlaskClient
from gateway.app import create_app, shutdown_app
from gateway.cli import MIGRATIONS_DIR
from gateway.settings import GatewaySettings
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from pricing.testing import PricingUnderTest, start_pricing, stop_pricing

from .conftest import new_tax_id

ADMIN_EMAIL = "trace-admin@example.co.th"
ADMIN_PASSWORD = "Trace-Passw0rd!"


@dataclass
class TracedPlatform:
    exporter: InMemorySpanExporter
    client: FlaskClient
    contacts: ContactsUnderTest
    pricing: PricingUnderTest


@pytest.fixture
def traced(tmp_path: Path, nats_server: NatsServer) -> Iterator[TracedPlatform]:
    exporter = InMemorySpanExporter()
    configure_tracing("crm-tracing-test", exporter=exporter)
    contacts = start_contacts(f"sqlite:///{tmp_path / 'contacts.db'}", nats_server.url, tmp_path / "contacts")
    pricing = start_pricing(f"sqlite:///{tmp_path / 'pricing.db'}", nats_server.url, tmp_path / "pricing")
    gateway_db = f"sqlite:///{tmp_path / 'gateway.db'}"
    migrate(gateway_db, MIGRATIONS_DIR)
    app = create_app(
        GatewaySettings(
            database_url=gateway_db,
            var_dir=tmp_path / "gateway",
            events_enabled=False,
            jwt_secret="tracing-test-secret-0123456789-abcdefghij",
            argon2_time_cost=2,
            argon2_memory_kib=19 * 1024,
            argon2_parallelism=1,
            contacts_target=f"127.0.0.1:{contacts.runtime.grpc_port}",
            pricing_target=f"127.0.0.1:{pricing.runtime.grpc_port}",
            admin_email=ADMIN_EMAIL,
            admin_password=ADMIN_PASSWORD,
            log_json=False,
        )
    )
    app.testing = True
    try:
        yield TracedPlatform(exporter, app.test_client(), contacts, pricing)
    finally:
        shutdown_app(app)
        stop_pricing(pricing)
        stop_contacts(contacts)
        exporter.clear()


def wait_for_span(
    exporter: InMemorySpanExporter, trace_id: int, name: str, timeout: float = 20.0
) -> ReadableSpan:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for span in exporter.get_finished_spans():
            if span.context.trace_id == trace_id and span.name == name:
                return span
        time.sleep(0.05)
    names = sorted({s.name for s in exporter.get_finished_spans() if s.context.trace_id == trace_id})
    raise AssertionError(f"no span {name!r} in the trace; it has {names}")


def test_one_trace_spans_the_gateway_contacts_and_the_pricing_consumer(traced: TracedPlatform) -> None:
    token = traced.client.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
    ).json["access_token"]  # type: ignore[index]
    created = traced.client.post(
        "/api/v1/customers",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "kind": "juristic",
            "name": "บริษัท ติดตามร่องรอย จำกัด",
            "tax_id": new_tax_id(),
            "branch_code": "00000",
        },
    )
    assert created.status_code == 201, created.json

    spans = traced.exporter.get_finished_spans()
    http = next(s for s in spans if s.name == "POST /api/v1/customers" and s.kind == SpanKind.SERVER)
    trace_id = http.context.trace_id
    client_call = next(
        s
        for s in spans
        if s.kind == SpanKind.CLIENT and s.context.trace_id == trace_id and "CreateCustomer" in s.name
    )
    server = wait_for_span(traced.exporter, trace_id, "crm.contacts.v1.ContactsService/CreateCustomer")
    consumer = wait_for_span(traced.exporter, trace_id, "crm.contacts.customer.created process")

    assert server.kind == SpanKind.SERVER
    assert consumer.kind == SpanKind.CONSUMER
    assert consumer.attributes is not None
    assert consumer.attributes["messaging.consumer.group.name"] == "pricing"
    # The chain: HTTP span → gRPC client span → contacts' server span → pricing's consumer span.
    assert client_call.parent is not None
    assert client_call.parent.span_id == http.context.span_id
    assert server.parent is not None
    assert server.parent.span_id == client_call.context.span_id
    assert consumer.parent is not None
    assert consumer.parent.span_id == server.context.span_id
    scopes = {
        s.instrumentation_scope.name
        for s in traced.exporter.get_finished_spans()
        if s.context.trace_id == trace_id and s.instrumentation_scope is not None
    }
    assert {"gateway.http", "chassis.grpc.server", "chassis.events"} <= scopes
