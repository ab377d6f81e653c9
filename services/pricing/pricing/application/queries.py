"""Reading rules page by page (any sales role, marketing, admin or system)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chassis.identity import Caller
from sqlalchemy import ColumnElement, or_

from pricing.adapters import tables as t
from pricing.adapters.paging import Page, PageRequest
from pricing.adapters.rule_store import Stored
from pricing.application.authoring import get_rule
from pricing.application.context import PricingContext, require_reader


@dataclass(frozen=True)
class RuleFilter:
    """What a list may be narrowed by; empty values do not filter."""

    query: str = ""
    category_id: str = ""
    product_id: str = ""
    price_list_id: str = ""
    promotion_id: str = ""
    include_inactive: bool = True


def _conditions(kind: str, where: RuleFilter) -> list[ColumnElement[bool]]:
    table = {
        "category": t.categories,
        "product": t.products,
        "standard_price": t.standard_prices,
        "price_list": t.price_lists,
        "price_list_item": t.price_list_items,
        "promotion": t.promotions,
        "coupon": t.coupons,
        "gift_rule": t.gift_rules,
    }[kind]
    c = table.c
    found: list[ColumnElement[bool]] = []
    if where.query and kind == "product":
        like = f"%{where.query.strip()}%"
        found.append(or_(c.sku.ilike(like), c.name_th.ilike(like), c.name_en.ilike(like)))
    for name in ("category_id", "product_id", "price_list_id", "promotion_id"):
        value = getattr(where, name).strip()
        if value and name in c:
            found.append(c[name] == value)
    if not where.include_inactive and "active" in c:
        found.append(c.active.is_(True))
    return found


def list_rules(
    ctx: PricingContext, caller: Caller, kind: str, page: PageRequest, where: RuleFilter | None = None
) -> tuple[list[Stored[Any]], Page]:
    require_reader(caller)
    with ctx.reading() as uow:
        return uow.rules.page(kind, page, *_conditions(kind, where or RuleFilter()))


def read_rule(ctx: PricingContext, caller: Caller, kind: str, rule_id: str) -> Stored[Any]:
    require_reader(caller)
    return get_rule(ctx, kind, rule_id)
