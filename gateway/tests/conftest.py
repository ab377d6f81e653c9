"""Fixtures for the gateway tests: a real database (SQLite, and PostgreSQL when reachable),
the app from create_app, and a small fake ContactsService served over real gRPC on a free
port (the collaborator at the unit boundary; tests/e2e uses the real contacts service)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import pytest
from chassis.db import migrate
from chassis.errors import AlreadyExists, DomainError, InvalidArgument, NotFound
from chassis.grpc.status import to_rpc_status
from chassis.identity import Caller
from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import contacts_service_pb2_grpc as pb_grpc
from crm.contacts.v1 import resources_pb2 as resources
from flask import Flask
from flask.testing import FlaskClient
from gateway.app import create_app, shutdown_app
from gateway.cli import MIGRATIONS_DIR
from gateway.settings import GatewaySettings

ADMIN_EMAIL = "admin@example.co.th"
ADMIN_PASSWORD = "admin-Passw0rd!"
JWT_SECRET = "test-secret-0123456789-0123456789-abcdef"


@dataclass
class FakeContacts(pb_grpc.ContactsServiceServicer):
    """Just enough of ContactsService to drive the gateway: it keeps leads and customers in
    memory, records each call's caller, and fails the way the real one does (chassis status
    with BadRequest) for e-mails ending in "@invalid"."""

    leads: dict[str, resources.Lead] = field(default_factory=dict)
    customers: dict[str, resources.Customer] = field(default_factory=dict)
    callers: list[Caller | None] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)
    create_started: threading.Event = field(default_factory=threading.Event)
    release_create: threading.Event | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _seen(self, request: Any, context: grpc.ServicerContext) -> None:
        with self.lock:
            self.callers.append(Caller.from_metadata(context.invocation_metadata()))
            self.requests.append(request)

    def _fail(self, context: grpc.ServicerContext, error: DomainError) -> None:
        context.abort_with_status(to_rpc_status(error))

    def CreateLead(
        self, request: pb.CreateLeadRequest, context: grpc.ServicerContext
    ) -> pb.CreateLeadResponse:
        self._seen(request, context)
        self.create_started.set()
        if self.release_create is not None:
            self.release_create.wait(10)
        if request.lead.email.endswith("@invalid"):
            self._fail(context, InvalidArgument("lead.email", "is not a valid e-mail address"))
        lead = resources.Lead()
        lead.CopyFrom(request.lead)
        lead.id = str(uuid.uuid4())
        lead.status = resources.LEAD_STATUS_NEW
        lead.audit.version = 1
        with self.lock:
            self.leads[lead.id] = lead
        return pb.CreateLeadResponse(lead=lead)

    def GetLead(self, request: pb.GetLeadRequest, context: grpc.ServicerContext) -> pb.GetLeadResponse:
        self._seen(request, context)
        if request.id == "explode":
            raise RuntimeError("internal detail that must not reach clients")
        if request.id not in self.leads:
            self._fail(context, NotFound("lead", request.id))
        return pb.GetLeadResponse(lead=self.leads[request.id])

    def ListLeads(self, request: pb.ListLeadsRequest, context: grpc.ServicerContext) -> pb.ListLeadsResponse:
        self._seen(request, context)
        found = [lead for lead in self.leads.values() if not request.source or lead.source == request.source]
        return pb.ListLeadsResponse(
            leads=found[: request.page_size],
            total_size=len(found),
            next_page_token="next" if len(found) > request.page_size else "",
        )

    def UpdateLead(
        self, request: pb.UpdateLeadRequest, context: grpc.ServicerContext
    ) -> pb.UpdateLeadResponse:
        self._seen(request, context)
        lead = self.leads[request.lead.id]
        for path in request.update_mask.paths:
            setattr(lead, path, getattr(request.lead, path))
        lead.audit.version += 1
        return pb.UpdateLeadResponse(lead=lead)

    def QualifyLead(
        self, request: pb.QualifyLeadRequest, context: grpc.ServicerContext
    ) -> pb.QualifyLeadResponse:
        self._seen(request, context)
        lead = self.leads[request.lead_id]
        lead.status = resources.LEAD_STATUS_QUALIFIED
        customer = resources.Customer(
            id=str(uuid.uuid4()), kind=request.customer.kind, name=lead.company_name
        )
        return pb.QualifyLeadResponse(lead=lead, customer=customer, customer_created=True)

    def CreateCustomer(
        self, request: pb.CreateCustomerRequest, context: grpc.ServicerContext
    ) -> pb.CreateCustomerResponse:
        self._seen(request, context)
        if request.customer.name == "Duplicate Co" and not request.allow_duplicates:
            refused = AlreadyExists("a customer with this tax id exists")
            refused.details = [
                pb.FindDuplicateCustomersResponse(  # type: ignore[attr-defined]
                    candidates=[
                        resources.DuplicateCandidate(customer=resources.Customer(id="cus_1"), score=95)
                    ]
                )
            ]
            self._fail(context, refused)
        customer = resources.Customer()
        customer.CopyFrom(request.customer)
        customer.id = str(uuid.uuid4())
        customer.audit.version = 1
        self.customers[customer.id] = customer
        return pb.CreateCustomerResponse(customer=customer)

    def ImportCsv(
        self, request: pb.ImportCsvRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.ImportCsvResponse]:
        self._seen(request, context)
        rows = request.content.decode("utf-8-sig").strip().splitlines()[1:]
        for index in range(1, len(rows) + 1):
            yield pb.ImportCsvResponse(total_rows=len(rows), processed_rows=index, imported_rows=index)
        yield pb.ImportCsvResponse(
            total_rows=len(rows), processed_rows=len(rows), imported_rows=len(rows), done=True
        )


@dataclass
class FakeContactsServer:
    servicer: FakeContacts
    port: int
    server: grpc.Server

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"


@pytest.fixture
def fake_contacts() -> Iterator[FakeContactsServer]:
    servicer = FakeContacts()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    pb_grpc.add_ContactsServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield FakeContactsServer(servicer, port, server)
    finally:
        server.stop(0)


@pytest.fixture
def make_settings(
    database_url: str, tmp_path: Path, fake_contacts: FakeContactsServer
) -> Callable[..., GatewaySettings]:
    """Settings for a test app; argon2 at the OWASP minimum keeps the tests quick."""

    def build(**overrides: Any) -> GatewaySettings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "var_dir": tmp_path / "var",
            "events_enabled": False,
            "jwt_secret": JWT_SECRET,
            "argon2_time_cost": 2,
            "argon2_memory_kib": 19 * 1024,
            "argon2_parallelism": 1,
            "contacts_target": fake_contacts.target,
            "admin_email": ADMIN_EMAIL,
            "admin_password": ADMIN_PASSWORD,
            "log_json": False,
            # Windows are aligned to the clock: a long one never rolls over inside a test.
            "login_rate_window_seconds": 1_000_000,
        }
        values.update(overrides)
        return GatewaySettings(**values)

    return build


@pytest.fixture
def make_app(
    make_settings: Callable[..., GatewaySettings], database_url: str
) -> Iterator[Callable[..., Flask]]:
    """Builds apps on the migrated test database (several = several gunicorn workers)."""
    migrate(database_url, MIGRATIONS_DIR)
    apps: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        app = create_app(make_settings(**overrides))
        app.testing = True
        apps.append(app)
        return app

    yield build
    for app in apps:
        shutdown_app(app)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _login(client: FlaskClient, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> dict[str, Any]:
    response = client.post(
        "/api/v1/auth/token", json={"grant_type": "password", "username": email, "password": password}
    )
    assert response.status_code == 200, response.json
    body: dict[str, Any] = response.json  # type: ignore[assignment]
    return body


@pytest.fixture
def login() -> Callable[..., dict[str, Any]]:
    """login(client, email=admin, password=admin) -> the token response body."""
    return _login


@pytest.fixture
def admin_headers(client: FlaskClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {_login(client)['access_token']}"}


@pytest.fixture
def as_user(client: FlaskClient, admin_headers: dict[str, str]) -> Callable[..., dict[str, str]]:
    """Creates a user with the given roles and returns their Authorization header."""

    def build(*roles: str, email: str | None = None) -> dict[str, str]:
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.co.th"
        created = client.post(
            "/api/v1/users",
            headers=admin_headers,
            json={
                "email": email,
                "password": "Sales-Passw0rd!",
                "roles": list(roles),
                "display_name": "Test User",
            },
        )
        assert created.status_code == 201, created.json
        return {"Authorization": f"Bearer {_login(client, email, 'Sales-Passw0rd!')['access_token']}"}

    return build
