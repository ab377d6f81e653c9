"""A NAIVE evaluator for the pricing benchmark: the way ERPNext's `get_item_details` /
`apply_pricing_rule` work, it asks the database for every line and every kind of rule instead of
holding a compiled rule book. Per line: the product, its category chain (one query per level),
the items of the chosen price list for the product, its categories and all products, the
standard price, the candidate promotions (a LIKE over the id sets, as ERPNext matches
`item_code`/`item_group` rows) and the candidate gift rules; per document the customer's groups
and the price lists.

It computes a simplified price (list item or standard price, then percentage promotions) so
its work is comparable; it is a cost model of per-rule queries, not a second implementation of
the pricing rules, and its results are not checked against the real evaluator.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pricing.domain.model import EvaluationRequest
from sqlalchemy import text
from sqlalchemy.orm import Session

_PRODUCT = text("SELECT id, category_id, base_unit, units FROM products WHERE id = :id AND active")
_CATEGORY = text("SELECT id, parent_id FROM categories WHERE id = :id")
_GROUPS = text("SELECT group_ids FROM pricing_customers WHERE id = :id")
_LISTS = text("SELECT id, priority, seq, customer_ids, group_ids FROM price_lists WHERE active")
_ITEMS_PRODUCT = text(
    "SELECT kind, fixed_price, percent, min_quantity, valid_from, valid_to FROM price_list_items "
    "WHERE price_list_id = :list AND product_id = :product ORDER BY seq"
)
_ITEMS_CATEGORY = text(
    "SELECT kind, fixed_price, percent, min_quantity, valid_from, valid_to FROM price_list_items "
    "WHERE price_list_id = :list AND product_id IS NULL AND category_id = :category ORDER BY seq"
)
_ITEMS_ALL = text(
    "SELECT kind, fixed_price, percent, min_quantity, valid_from, valid_to FROM price_list_items "
    "WHERE price_list_id = :list AND product_id IS NULL AND category_id IS NULL ORDER BY seq"
)
_STANDARD = text(
    "SELECT amount, valid_from, valid_to FROM standard_prices WHERE product_id = :product AND unit = :unit"
)
_PROMOTIONS = text(
    "SELECT id, reward, percent, priority, customer_ids, group_ids, valid_from, valid_to FROM promotions "
    "WHERE active AND (product_ids LIKE :product OR category_ids LIKE :category "
    "OR (product_ids = '[]' AND category_ids = '[]')) ORDER BY priority, seq"
)
_GIFTS = text(
    "SELECT id, gift_product_ids, buy_quantity FROM gift_rules "
    "WHERE active AND (product_ids LIKE :product OR category_ids LIKE :category)"
)


def _valid(row: Any, day: Any) -> bool:
    start, end = row.valid_from, row.valid_to
    return (start is None or str(start) <= str(day)) and (end is None or str(day) <= str(end))


def evaluate_naively(session: Session, request: EvaluationRequest) -> Decimal:
    """The document's net total, found query by query."""
    customer = request.customer.id
    day = request.document_date
    stored = session.execute(_GROUPS, {"id": customer}).scalar_one_or_none()
    groups = set(json.loads(stored)) if stored else set(request.customer.group_ids)
    lists = [
        row
        for row in session.execute(_LISTS)
        if customer in json.loads(row.customer_ids) or groups & set(json.loads(row.group_ids))
    ]
    lists.sort(key=lambda row: (customer not in json.loads(row.customer_ids), -row.priority, row.seq))
    chosen = lists[0].id if lists else None
    total = Decimal(0)
    for line in request.lines:
        product = session.execute(_PRODUCT, {"id": line.product_id}).first()
        if product is None:
            continue
        chain: list[str] = []
        category = product.category_id
        while category:
            row = session.execute(_CATEGORY, {"id": category}).first()
            if row is None:
                break
            chain.append(row.id)
            category = row.parent_id
        unit = line.unit or product.base_unit
        standard = next(
            (
                Decimal(r.amount)
                for r in session.execute(_STANDARD, {"product": product.id, "unit": unit})
                if _valid(r, day)
            ),
            None,
        )
        if standard is None:
            base = next(
                (
                    Decimal(r.amount)
                    for r in session.execute(_STANDARD, {"product": product.id, "unit": product.base_unit})
                    if _valid(r, day)
                ),
                Decimal(0),
            )
            factor = dict(json.loads(product.units)).get(unit, "1")
            standard = base * Decimal(factor)
        price = standard
        if chosen is not None:
            candidates = list(session.execute(_ITEMS_PRODUCT, {"list": chosen, "product": product.id}))
            for category_id in chain:
                candidates += list(
                    session.execute(_ITEMS_CATEGORY, {"list": chosen, "category": category_id})
                )
            candidates += list(session.execute(_ITEMS_ALL, {"list": chosen}))
            for item in candidates:
                if _valid(item, day) and Decimal(item.min_quantity) <= line.quantity:
                    if item.kind == "fixed" and item.fixed_price is not None:
                        price = Decimal(item.fixed_price)
                    elif item.percent is not None:
                        price = standard * (1 - Decimal(item.percent) / 100)
                    break
        like_product = f'%"{product.id}"%'
        like_category = f'%"{product.category_id}"%'
        for promotion in session.execute(_PROMOTIONS, {"product": like_product, "category": like_category}):
            scoped = json.loads(promotion.customer_ids) or json.loads(promotion.group_ids)
            if scoped and customer not in scoped and not groups & set(scoped):
                continue
            if _valid(promotion, day) and promotion.reward == "percent_off" and promotion.percent:
                price = price * (1 - Decimal(promotion.percent) / 100)
        list(session.execute(_GIFTS, {"product": like_product, "category": like_category}))
        total += (price * line.quantity).quantize(Decimal("0.01"))
    return total
