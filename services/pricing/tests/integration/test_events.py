"""Events on a real nats-server: rule changes are published; customers' groups from contacts and
redemptions from sales are applied once each (a redelivered or re-sent event changes nothing)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import nats
from chassis.events import ensure_streams
from chassis.testing import NatsServer
from crm.common.v1 import audit_pb2
from crm.contacts.v1 import events_pb2 as contacts
from crm.contacts.v1 import resources_pb2 as contact_resources
from crm.pricing.v1 import events_pb2 as ev
from crm.pricing.v1 import resources_pb2 as res
from crm.sales.v1 import events_pb2 as sales
from pricing.testing import SALES_DOCS, PricingUnderTest, create, evaluate_request, eventually, publish, thb

CUSTOMER = "cus_dealer_1"
GROUP = "grp_dealers"


def _customer_event(version: int, groups: list[str]) -> contacts.CustomerCreated:
    return contacts.CustomerCreated(
        customer=contact_resources.Customer(
            id=CUSTOMER, name="ร้านวัสดุ", customer_group_ids=groups, audit=audit_pb2.AuditInfo(version=version)
        )
    )


def _read(url: str, subject: str, count: int) -> list[bytes]:
    async def read() -> list[bytes]:
        client = await nats.connect(url)
        try:
            js = client.jetstream()
            await ensure_streams(js)
            sub = await js.subscribe(subject, ordered_consumer=True)
            found = [(await sub.next_msg(timeout=20)).data for _ in range(count)]
            await sub.unsubscribe()
            return found
        finally:
            await client.close()

    return asyncio.run(read())


def test_rule_changes_are_published_with_the_pricing_version(
    pricing_with_events: PricingUnderTest, nats_server: NatsServer
) -> None:
    product = create(pricing_with_events, "product", sku="P-1", name_th="สินค้า", base_unit="EA")
    data = _read(nats_server.url, "crm.pricing.product.created", 1)[0]
    event = ev.ProductCreated.FromString(data)
    assert (event.product.id, event.product.version) == (product.id, 1)
    assert event.pricing_version >= 1


def _group_pricing(pricing: PricingUnderTest) -> res.Product:
    product = create(pricing, "product", sku="P-1", name_th="สินค้า", base_unit="EA")
    create(pricing, "standard_price", product_id=product.id, unit="EA", amount=thb("100.00"))
    dealers = create(pricing, "price_list", name="Dealers", customer_group_ids=[GROUP])
    create(
        pricing,
        "price_list_item",
        price_list_id=dealers.id,
        kind=res.ITEM_KIND_PERCENT,
        percent="20",
    )
    return product


def _net(pricing: PricingUnderTest, product: res.Product, quantity: str = "1") -> Decimal:
    reply = pricing.call("Evaluate", evaluate_request(CUSTOMER, (product.id, quantity)), SALES_DOCS)
    return Decimal(reply.evaluation.totals.net.amount)


def test_a_customers_groups_come_from_contacts_and_stale_versions_are_dropped(
    pricing_with_events: PricingUnderTest, nats_server: NatsServer
) -> None:
    pricing = pricing_with_events
    product = _group_pricing(pricing)
    assert _net(pricing, product) == Decimal("100.00")

    publish(nats_server.url, "crm.contacts.customer.created", _customer_event(2, [GROUP]))
    eventually(lambda: _net(pricing, product) == Decimal("80.00"), what="the group's list price")

    publish(nats_server.url, "crm.contacts.customer.updated", _customer_event(1, []))
    publish(nats_server.url, "crm.contacts.customer.updated", _customer_event(3, [GROUP, "grp_vip"]))
    eventually(lambda: pricing.count("inbox") == 3, what="all three customer events")
    assert _net(pricing, product) == Decimal("80.00")
    assert pricing.count("pricing_customers", "version = 3") == 1


def test_a_confirmed_sale_order_counts_once_and_a_cancellation_releases_it(
    pricing_with_events: PricingUnderTest, nats_server: NatsServer
) -> None:
    pricing = pricing_with_events
    product = _group_pricing(pricing)
    promotion = create(
        pricing,
        "promotion",
        name="First buyer 5%",
        reward=res.REWARD_KIND_PERCENT_OFF,
        percent="5",
        usage_limit_total=1,
    )
    assert list(
        pricing.call(
            "Evaluate", evaluate_request(CUSTOMER, (product.id, "1")), SALES_DOCS
        ).evaluation.applied_promotion_ids
    ) == [promotion.id]

    confirmed = sales.SaleOrderConfirmed(
        sale_order_id="so_1", customer_id=CUSTOMER, redemptions=[sales.Redemption(promotion_id=promotion.id)]
    )
    publish(nats_server.url, "crm.sales.sale_order.confirmed", confirmed)
    # The same order again under a new event id (a re-sent or replayed event): counted once.
    publish(nats_server.url, "crm.sales.sale_order.confirmed", confirmed)
    eventually(lambda: pricing.count("inbox") == 2, what="both confirmations")
    assert (
        pricing.count("usage_counts", f"rule_id = '{promotion.id}' AND customer_id = '' AND count = 1") == 1
    )

    limited = pricing.call("Evaluate", evaluate_request(CUSTOMER, (product.id, "1")), SALES_DOCS).evaluation
    assert list(limited.applied_promotion_ids) == []
    assert "usage_limit_reached" in {e.reason for e in limited.explanations if e.rule_id == promotion.id}

    publish(
        nats_server.url,
        "crm.sales.sale_order.cancelled",
        sales.SaleOrderCancelled(sale_order_id="so_1", customer_id=CUSTOMER),
    )
    eventually(
        lambda: (
            list(
                pricing.call(
                    "Evaluate", evaluate_request(CUSTOMER, (product.id, "1")), SALES_DOCS
                ).evaluation.applied_promotion_ids
            )
            == [promotion.id]
        ),
        what="the released redemption",
    )
