"""The gRPC clients the gateway calls services with.

The chassis client channel adds to every call a deadline (the default 5 s, GRPC_TIMEOUT_SECONDS),
the caller set for the request (chassis.identity.set_caller: x-user-id, x-roles, x-team-ids),
`traceparent`, retries on UNAVAILABLE and the grpc_client_* metrics. Failures surface as
grpc.RpcError and become problems in gateway.problems, in one table.
"""

from __future__ import annotations

from typing import Protocol

from chassis.grpc import ServiceClient
from crm.activities.v1 import activities_service_pb2_grpc
from crm.approvals.v1 import approvals_service_pb2_grpc
from crm.contacts.v1 import contacts_service_pb2_grpc
from crm.pricing.v1 import pricing_service_pb2_grpc
from crm.sales.v1 import sales_service_pb2_grpc


class Closable(Protocol):
    def close(self) -> None: ...


def contacts_client(
    target: str, timeout_seconds: float
) -> ServiceClient[contacts_service_pb2_grpc.ContactsServiceStub]:
    """A client of crm.contacts.v1.ContactsService at `target` ("host:port")."""
    return ServiceClient(
        target,
        contacts_service_pb2_grpc.ContactsServiceStub,
        default_timeout=timeout_seconds,
        service_names=["crm.contacts.v1.ContactsService"],
    )


def pricing_client(
    target: str, timeout_seconds: float
) -> ServiceClient[pricing_service_pb2_grpc.PricingServiceStub]:
    """A client of crm.pricing.v1.PricingService at `target` ("host:port")."""
    return ServiceClient(
        target,
        pricing_service_pb2_grpc.PricingServiceStub,
        default_timeout=timeout_seconds,
        service_names=["crm.pricing.v1.PricingService"],
    )


def approvals_client(
    target: str, timeout_seconds: float
) -> ServiceClient[approvals_service_pb2_grpc.ApprovalsServiceStub]:
    """A client of crm.approvals.v1.ApprovalsService at `target` ("host:port")."""
    return ServiceClient(
        target,
        approvals_service_pb2_grpc.ApprovalsServiceStub,
        default_timeout=timeout_seconds,
        service_names=["crm.approvals.v1.ApprovalsService"],
    )


def activities_client(
    target: str, timeout_seconds: float
) -> ServiceClient[activities_service_pb2_grpc.ActivitiesServiceStub]:
    """A client of crm.activities.v1.ActivitiesService at `target` ("host:port")."""
    return ServiceClient(
        target,
        activities_service_pb2_grpc.ActivitiesServiceStub,
        default_timeout=timeout_seconds,
        service_names=["crm.activities.v1.ActivitiesService"],
    )


def sales_docs_client(
    target: str, timeout_seconds: float
) -> ServiceClient[sales_service_pb2_grpc.SalesServiceStub]:
    """A client of crm.sales.v1.SalesService at `target` ("host:port")."""
    return ServiceClient(
        target,
        sales_service_pb2_grpc.SalesServiceStub,
        default_timeout=timeout_seconds,
        service_names=["crm.sales.v1.SalesService"],
    )
