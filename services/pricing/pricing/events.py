"""Events of the pricing service: the subjects it publishes, the recorder that turns rule
changes into protobuf messages in the outbox, and the handlers of the contacts and sales
events it consumes, applied once each through the chassis inbox.

Published (crm.pricing.<aggregate>.<event>, payloads from crm/pricing/v1/events.proto):
category.changed, product.created/updated, standard_price.changed, price_list.created/updated,
price_list_item.changed, promotion.created/updated/deactivated, coupon.created,
gift_rule.changed. Each carries the rule (with its record version) and the pricing version.
Consumed (durable "pricing"): crm.contacts.customer.created/updated/merged (customer → groups),
crm.sales.sale_order.confirmed/cancelled (redemption counts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chassis.events import Envelope, EventTables, Handler, record_event
from crm.contacts.v1 import events_pb2 as contacts
from crm.pricing.v1 import events_pb2 as ev
from crm.sales.v1 import events_pb2 as sales
from google.protobuf.message import Message
from sqlalchemy import delete
from sqlalchemy.orm import Session

from pricing.adapters import tables as t
from pricing.application.context import EventRecorder, PricingContext, RuleChanged
from pricing.application.customers import (
    SaleOrderRedemptions,
    count_redemptions,
    forget_merged_customer,
    keep_customer_groups,
    release_redemptions,
)
from pricing.messages import TO_MESSAGE

DURABLE = "pricing"

CUSTOMER_CREATED = "crm.contacts.customer.created"
CUSTOMER_UPDATED = "crm.contacts.customer.updated"
CUSTOMER_MERGED = "crm.contacts.customer.merged"
SALE_ORDER_CONFIRMED = "crm.sales.sale_order.confirmed"
SALE_ORDER_CANCELLED = "crm.sales.sale_order.cancelled"


def subject_of(event: RuleChanged) -> str:
    kind, change = event.kind, event.change
    if kind in ("product", "price_list"):
        return f"crm.pricing.{kind}.{'created' if change == 'created' else 'updated'}"
    if kind == "promotion":
        return f"crm.pricing.promotion.{change}"
    if kind == "coupon":
        return "crm.pricing.coupon.created"
    return f"crm.pricing.{kind}.changed"


def to_message(event: RuleChanged) -> Message:
    rule = TO_MESSAGE[event.kind](event.stored)
    version = event.pricing_version
    deleted = event.change == "deleted"
    match subject_of(event).removeprefix("crm.pricing."):
        case "category.changed":
            return ev.CategoryChanged(category=rule, pricing_version=version)
        case "product.created":
            return ev.ProductCreated(product=rule, pricing_version=version)
        case "product.updated":
            return ev.ProductUpdated(product=rule, pricing_version=version)
        case "standard_price.changed":
            return ev.StandardPriceChanged(standard_price=rule, deleted=deleted, pricing_version=version)
        case "price_list.created":
            return ev.PriceListCreated(price_list=rule, pricing_version=version)
        case "price_list.updated":
            return ev.PriceListUpdated(price_list=rule, pricing_version=version)
        case "price_list_item.changed":
            return ev.PriceListItemChanged(item=rule, deleted=deleted, pricing_version=version)
        case "promotion.created":
            return ev.PromotionCreated(promotion=rule, pricing_version=version)
        case "promotion.updated":
            return ev.PromotionUpdated(promotion=rule, pricing_version=version)
        case "promotion.deactivated":
            return ev.PromotionDeactivated(promotion=rule, pricing_version=version)
        case "coupon.created":
            return ev.CouponCreated(coupon=rule, pricing_version=version)
        case "gift_rule.changed":
            return ev.GiftRuleChanged(gift_rule=rule, pricing_version=version)
    raise TypeError(f"no event for a {event.change} {event.kind}")


def outbox_recorder(tables: EventTables) -> EventRecorder:
    """The recorder use cases emit through: one outbox row in the use case's transaction."""

    def record(session: Session, event: RuleChanged) -> None:
        record_event(
            session,
            tables,
            subject=subject_of(event),
            message=to_message(event),
            aggregate_type=event.kind,
            aggregate_id=str(getattr(event.stored.rule, "code" if event.kind == "coupon" else "id")),
        )

    return record


# --- consumed ----------------------------------------------------------------------------------


def _redemptions(message: Any) -> tuple[tuple[str, str], ...]:
    return tuple((r.promotion_id, r.coupon_code) for r in message.redemptions)


def consumer_handlers(ctx: PricingContext) -> list[Handler]:
    """The consumer's handlers; each runs inside the inbox transaction it is given."""

    def on_customer(session: Session, envelope: Envelope[Any]) -> None:
        customer = envelope.message.customer
        keep_customer_groups(
            ctx.within(session), customer.id, customer.customer_group_ids, customer.audit.version
        )

    def on_merged(session: Session, envelope: Envelope[Any]) -> None:
        survivor = envelope.message.survivor
        uow = ctx.within(session)
        keep_customer_groups(uow, survivor.id, survivor.customer_group_ids, survivor.audit.version)
        forget_merged_customer(uow, envelope.message.merged_customer_id)

    def on_confirmed(session: Session, envelope: Envelope[Any]) -> None:
        m = envelope.message
        order = SaleOrderRedemptions(m.sale_order_id, m.customer_id, _redemptions(m))
        count_redemptions(ctx.within(session), order)

    def on_cancelled(session: Session, envelope: Envelope[Any]) -> None:
        m = envelope.message
        release_redemptions(ctx.within(session), m.sale_order_id, m.customer_id)

    return [
        Handler(CUSTOMER_CREATED, contacts.CustomerCreated, on_customer),
        Handler(CUSTOMER_UPDATED, contacts.CustomerUpdated, on_customer),
        Handler(CUSTOMER_MERGED, contacts.CustomerMerged, on_merged),
        Handler(SALE_ORDER_CONFIRMED, sales.SaleOrderConfirmed, on_confirmed),
        Handler(SALE_ORDER_CANCELLED, sales.SaleOrderCancelled, on_cancelled),
    ]


def reset_read_model(tables: EventTables, durable: str = DURABLE) -> Callable[[Session], None]:
    """For `crm-replay`: clears customers' groups, sale orders, redemptions and counts, and the
    inbox rows of `durable` (the rules are pricing's own and stay)."""

    def reset(session: Session) -> None:
        for table in (t.pricing_customers, t.redemptions, t.sale_orders, t.usage_counts):
            session.execute(delete(table))
        session.execute(delete(tables.inbox).where(tables.inbox.c.consumer == durable))

    return reset
