"""Test support for the pricing service (its integration tests, the gateway's and the
end-to-end tests): the service started as in production (chassis runtime: gRPC on a free port,
outbox relay and event consumer when NATS is given) over a real database, a client that calls
it as a given user, and a helper to publish other services' events on a real nats-server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import grpc
import sqlalchemy as sa
from chassis.identity import Caller
from chassis.runtime import ServiceRuntime
from chassis.testkit import eventually as eventually
from chassis.testkit import publish_event, service_test_settings
from chassis.testkit import rpc_failure as chassis_rpc_failure
from crm.pricing.v1 import pricing_service_pb2_grpc as pb_grpc
from google.protobuf.message import Message

from pricing.bootstrap import PricingService, build_pricing, migrate_database, runtime_of
from pricing.settings import PricingSettings

T = TypeVar("T")

ADMIN = Caller("u-admin", frozenset({"admin"}))
MARKETING = Caller("u-ploy", frozenset({"marketing"}))
REP = Caller("u-malee", frozenset({"sales_rep"}), frozenset({"team-bkk"}))
SALES_DOCS = Caller.system("sales-docs")
SERVICE_AGENT = Caller("u-somchai", frozenset({"service_agent"}))


@dataclass
class PricingUnderTest:
    service: PricingService
    runtime: ServiceRuntime
    channel: grpc.Channel
    stub: pb_grpc.PricingServiceStub
    stopped: bool = False

    def call(self, method: str, request: Any, caller: Caller = MARKETING, timeout: float = 10.0) -> Any:
        """One RPC as `caller` (identity in metadata, as the gateway sends it)."""
        return getattr(self.stub, method)(request, metadata=caller.to_metadata(), timeout=timeout)

    def stream(
        self, method: str, request: Any, caller: Caller = MARKETING, timeout: float = 30.0
    ) -> list[Any]:
        return list(getattr(self.stub, method)(request, metadata=caller.to_metadata(), timeout=timeout))

    def count(self, table: str, where: str = "") -> int:
        query = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
        with self.service.database.read() as session:
            return int(session.execute(sa.text(query)).scalar_one())

    def outbox_subjects(self) -> list[str]:
        with self.service.database.read() as session:
            return [
                row.subject for row in session.execute(sa.text("SELECT subject FROM outbox ORDER BY seq"))
            ]


def start_pricing(
    database_url: str, nats_url: str | None, var_dir: Path, *, migrate: bool = True
) -> PricingUnderTest:
    settings = PricingSettings(
        **service_test_settings(
            database_url,
            nats_url,
            var_dir,
        )
    )
    if migrate:
        migrate_database(settings)
    service = build_pricing(settings)
    runtime = runtime_of(service)
    runtime.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{runtime.grpc_port}")
    return PricingUnderTest(service, runtime, channel, pb_grpc.PricingServiceStub(channel))


def stop_pricing(running: PricingUnderTest) -> None:
    """Stops the service (once; a second call does nothing)."""
    if running.stopped:
        return
    running.stopped = True
    running.channel.close()
    running.runtime.stop()


def publish(url: str, subject: str, message: Message, event_id: str | None = None) -> str:
    """Publishes an event to JetStream as another service's relay would; returns its id."""
    return publish_event(url, subject, message, event_id).event_id


def rpc_failure(call: Callable[[], Any]) -> tuple[grpc.StatusCode, dict[str, str]]:
    """Runs a call that must fail: (code, {field path: reason})."""
    failure = chassis_rpc_failure(call)
    return failure.code, failure.fields


# --- rules for tests (REST-like builders over the gRPC contract) -------------------------------


def create(running: PricingUnderTest, kind: str, caller: Caller = MARKETING, /, **fields: Any) -> Any:
    """Creates one rule of `kind` ("product", "price_list_item", ...) and returns the message."""
    from crm.pricing.v1 import pricing_service_pb2 as pb
    from crm.pricing.v1 import resources_pb2 as res

    method, field, message = {
        "category": ("CreateCategory", "category", res.Category),
        "product": ("CreateProduct", "product", res.Product),
        "standard_price": ("CreateStandardPrice", "standard_price", res.StandardPrice),
        "price_list": ("CreatePriceList", "price_list", res.PriceList),
        "price_list_item": ("CreatePriceListItem", "item", res.PriceListItem),
        "promotion": ("CreatePromotion", "promotion", res.Promotion),
        "coupon": ("CreateCoupon", "coupon", res.Coupon),
        "gift_rule": ("CreateGiftRule", "gift_rule", res.GiftRule),
    }[kind]
    request = getattr(pb, f"{method}Request")(**{field: message(**fields)})
    return getattr(running.call(method, request, caller), field)


def thb(amount: str) -> Any:
    from crm.common.v1 import money_pb2

    return money_pb2.Money(amount=amount, currency_code="THB")


def evaluate_request(customer_id: str, *lines: tuple[str, str], day: str = "2026-03-15", **extra: Any) -> Any:
    """An EvaluateRequest of (product id, quantity) lines in base units."""
    from crm.pricing.v1 import pricing_service_pb2 as pb
    from crm.pricing.v1 import resources_pb2 as res

    return pb.EvaluateRequest(
        customer_id=customer_id,
        document_date=day,
        lines=[res.EvaluationLine(product_id=p, quantity=q) for p, q in lines],
        **extra,
    )
