"""The gRPC clients the gateway calls services with: one table of backends, so adding a
service is one entry here (plus its `<SERVICE>_TARGET` setting).

The chassis client channel adds to every call a deadline (the default 5 s, GRPC_TIMEOUT_SECONDS),
the caller set for the request (chassis.identity.set_caller: x-user-id, x-roles, x-team-ids),
`traceparent`, retries on UNAVAILABLE and the grpc_client_* metrics. Failures surface as
grpc.RpcError and become problems in gateway.problems, in one table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from chassis.grpc import ServiceClient
from crm.activities.v1 import activities_service_pb2_grpc
from crm.approvals.v1 import approvals_service_pb2_grpc
from crm.contacts.v1 import contacts_service_pb2_grpc
from crm.pricing.v1 import pricing_service_pb2_grpc
from crm.sales.v1 import sales_service_pb2_grpc
from crm.servicedesk.v1 import servicedesk_service_pb2_grpc

from gateway.settings import GatewaySettings


class Closable(Protocol):
    def close(self) -> None: ...


@dataclass(frozen=True)
class Backend:
    """A service the gateway calls: its stub, its full gRPC service name and where it listens."""

    name: str
    stub_class: type[Any]
    service_name: str
    target: Callable[[GatewaySettings], str]


BACKENDS: tuple[Backend, ...] = (
    Backend(
        "contacts",
        contacts_service_pb2_grpc.ContactsServiceStub,
        "crm.contacts.v1.ContactsService",
        lambda s: s.contacts_target,
    ),
    Backend(
        "pricing",
        pricing_service_pb2_grpc.PricingServiceStub,
        "crm.pricing.v1.PricingService",
        lambda s: s.pricing_target,
    ),
    Backend(
        "approvals",
        approvals_service_pb2_grpc.ApprovalsServiceStub,
        "crm.approvals.v1.ApprovalsService",
        lambda s: s.approvals_target,
    ),
    Backend(
        "activities",
        activities_service_pb2_grpc.ActivitiesServiceStub,
        "crm.activities.v1.ActivitiesService",
        lambda s: s.activities_target,
    ),
    Backend(
        "sales_docs",
        sales_service_pb2_grpc.SalesServiceStub,
        "crm.sales.v1.SalesService",
        lambda s: s.sales_docs_target,
    ),
    Backend(
        "service_desk",
        servicedesk_service_pb2_grpc.ServiceDeskServiceStub,
        "crm.servicedesk.v1.ServiceDeskService",
        lambda s: s.service_desk_target,
    ),
)


def service_client(backend: Backend, target: str, timeout_seconds: float) -> ServiceClient[Any]:
    """A client of `backend` at `target` ("host:port")."""
    return ServiceClient(
        target,
        backend.stub_class,
        default_timeout=timeout_seconds,
        service_names=[backend.service_name],
    )


def connect_backends(
    settings: GatewaySettings, given: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Callable[[], None]]]:
    """A stub per backend: the one `given` by name (a ServiceClient or a stub, e.g. a test's),
    else a new client of the backend's target. Returns the stubs and the closers of the clients
    opened here (the app closes only what it opened itself)."""
    stubs: dict[str, Any] = {}
    closers: list[Callable[[], None]] = []
    for backend in BACKENDS:
        client = given.get(backend.name)
        if client is None:
            opened = service_client(backend, backend.target(settings), settings.grpc_timeout_seconds)
            closers.append(opened.close)
            stubs[backend.name] = opened.stub
        else:
            stubs[backend.name] = getattr(client, "stub", client)
    return stubs, closers
