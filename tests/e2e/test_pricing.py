"""Pricing through the gateway on the real platform: rules authored over REST, a customer's
group arriving from contacts by event, evaluation with the group's price list, and a
redemption counted from a sales event using up a limited promotion."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from crm.sales.v1 import events_pb2 as sales

from crm_platform.processes import Platform

from .conftest import Org, customer_body, eventually
from .stream import publish, read_stream

DAY = "2026-03-15"


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


def _evaluate(org: Org, customer_id: str, product_id: str, quantity: str = "10") -> dict[str, Any]:
    response = org.rep.post(
        "/pricing/evaluate",
        {
            "customer_id": customer_id,
            "document_date": DAY,
            "lines": [{"product_id": product_id, "quantity": quantity}],
        },
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_customers_group_list_and_a_limited_promotion_used_up_by_a_sale_order(
    platform: Platform, org: Org
) -> None:
    tag = uuid.uuid4().hex[:6]
    product = _created(
        org.admin.post(
            "/products", {"sku": f"PVC-{tag}", "name_th": "ท่อ PVC 4 นิ้ว", "base_unit": "EA", "cost": "60"}
        )
    )
    _created(
        org.admin.post(
            "/standard-prices",
            {"product_id": product["id"], "amount": {"amount": "100.00", "currency": "THB"}},
        )
    )
    group = _created(org.admin.post("/customer-groups", {"code": f"DEALER-{tag}", "name": "ตัวแทนจำหน่าย"}))
    dealers = _created(
        org.admin.post("/price-lists", {"name": f"Dealers {tag}", "customer_group_ids": [group["id"]]})
    )
    _created(
        org.admin.post(
            f"/price-lists/{dealers['id']}/items",
            {"kind": "fixed", "product_id": product["id"], "fixed_price": "90.00"},
        )
    )
    assert (
        org.rep.post("/products", {"sku": f"X-{tag}", "name_th": "x", "base_unit": "EA"}).status_code == 403
    )

    customer = _created(org.rep.post("/customers", customer_body(org.rep, customer_group_ids=[group["id"]])))

    def uses_the_group_list() -> dict[str, Any]:
        evaluation = _evaluate(org, customer["id"], product["id"])
        assert evaluation["price_list_id"] == dealers["id"]
        return evaluation

    priced = eventually(uses_the_group_list)
    assert Decimal(priced["totals"]["net"]["amount"]) == Decimal("900.00")
    assert Decimal(priced["totals"]["vat"]["amount"]) == Decimal("63.00")

    promotion = _created(
        org.admin.post(
            "/promotions",
            {
                "name": f"Launch 5% {tag}",
                "reward": "percent_off",
                "percent": "5",
                "product_ids": [product["id"]],
                "usage_limit_total": 1,
            },
        )
    )
    assert _evaluate(org, customer["id"], product["id"])["applied_promotion_ids"] == [promotion["id"]]
    assert promotion["id"] in [
        p["id"]
        for p in org.rep.get(f"/customers/{customer['id']}/applicable-promotions", date=DAY).json()[
            "promotions"
        ]
    ]
    assert read_stream(platform.nats_url, "crm.pricing.promotion.created")

    publish(
        platform.nats_url,
        "crm.sales.sale_order.confirmed",
        sales.SaleOrderConfirmed(
            sale_order_id=f"so_{tag}",
            customer_id=customer["id"],
            order_date=DAY,
            redemptions=[sales.Redemption(promotion_id=promotion["id"])],
            version=1,
        ),
    )

    def limit_reached() -> dict[str, Any]:
        evaluation = _evaluate(org, customer["id"], product["id"])
        reasons = {e["reason"] for e in evaluation["explanations"] if e["rule_id"] == promotion["id"]}
        assert "usage_limit_reached" in reasons, evaluation["explanations"]
        return evaluation

    limited = eventually(limit_reached)
    assert limited["applied_promotion_ids"] == []
