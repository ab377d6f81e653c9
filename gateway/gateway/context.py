"""What a request can reach: the adapters and use cases create_app built for this app, and
the caller the bearer token named. Views get them here instead of from globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chassis.db import Database
from chassis.identity import Caller
from flask import current_app, g

from gateway.auth.service import TokenService
from gateway.idempotency import IdempotencyStore
from gateway.identity.service import IdentityService
from gateway.ratelimit import RateLimiter
from gateway.settings import GatewaySettings

EXTENSION = "crm_gateway"


@dataclass
class Services:
    settings: GatewaySettings
    database: Database
    tokens: TokenService
    identity: IdentityService
    limiter: RateLimiter
    idempotency: IdempotencyStore
    # crm.contacts.v1.ContactsServiceStub (or a test double with the same methods).
    contacts: Any
    # crm.pricing.v1.PricingServiceStub (or a test double with the same methods).
    pricing: Any = None
    # crm.approvals.v1.ApprovalsServiceStub (or a test double with the same methods).
    approvals: Any = None
    # crm.activities.v1.ActivitiesServiceStub (or a test double with the same methods).
    activities: Any = None
    # crm.sales.v1.SalesServiceStub (or a test double with the same methods).
    sales_docs: Any = None
    # crm.servicedesk.v1.ServiceDeskServiceStub (or a test double with the same methods).
    service_desk: Any = None
    # Extra readiness checks: (ok, name) each.
    readiness: list[Callable[[], tuple[bool, str]]] = field(default_factory=list)
    # Called when the app shuts down (close channels, stop the relay).
    closers: list[Callable[[], None]] = field(default_factory=list)


def services() -> Services:
    found: Services = current_app.extensions[EXTENSION]
    return found


def current_user() -> Caller:
    """The authenticated caller; the auth guard has refused the request if there is none."""
    caller: Caller = g.caller
    return caller


def client_ip() -> str:
    """The client's address (ProxyFix has applied X-Forwarded-For when proxies are trusted)."""
    from flask import request

    return request.remote_addr or "unknown"
