"""Rules ↔ table rows, one `RuleKind` per kind of rule ("product", "price_list_item", ...), so
loading, saving and reloading changed rules is written once for all of them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Table

from pricing.adapters import tables as t
from pricing.domain.model import (
    ALWAYS,
    Category,
    Coupon,
    GiftRule,
    ItemBase,
    ItemKind,
    Period,
    PriceList,
    PriceListItem,
    Product,
    Promotion,
    RewardKind,
    StandardPrice,
    Tier,
    TierMode,
    UnitConversion,
    VatClass,
)

Rule = Category | Product | StandardPrice | PriceList | PriceListItem | Promotion | Coupon | GiftRule


def ids_text(ids: Iterable[str]) -> str:
    return json.dumps(sorted(ids), separators=(",", ":"))


def ids_of(text: str) -> frozenset[str]:
    return frozenset(json.loads(text))


def _period(row: Any) -> Period:
    return Period(row.valid_from, row.valid_to)


def _period_row(period: Period) -> dict[str, Any]:
    return {"valid_from": period.valid_from, "valid_to": period.valid_to}


def _pairs(pairs: Iterable[tuple[Any, Decimal]]) -> str:
    return json.dumps([[str(a), str(b)] for a, b in pairs], separators=(",", ":"))


# --- per kind -----------------------------------------------------------------------------------


def _category_row(c: Category) -> dict[str, Any]:
    return {"code": c.code, "name_th": c.name_th, "name_en": c.name_en, "parent_id": c.parent_id}


def _category(row: Any) -> Category:
    return Category(row.id, row.code, row.name_th, row.name_en, row.parent_id)


def _product_row(p: Product) -> dict[str, Any]:
    return {
        "sku": p.sku,
        "name_th": p.name_th,
        "name_en": p.name_en,
        "base_unit": p.base_unit,
        "category_id": p.category_id,
        "units": _pairs((u.unit, u.factor) for u in p.units),
        "vat_class": p.vat_class.value,
        "cost": p.cost,
        "active": p.active,
    }


def _product(row: Any) -> Product:
    return Product(
        id=row.id,
        sku=row.sku,
        name_th=row.name_th,
        name_en=row.name_en,
        base_unit=row.base_unit,
        category_id=row.category_id,
        units=tuple(UnitConversion(u, Decimal(f)) for u, f in json.loads(row.units)),
        vat_class=VatClass(row.vat_class),
        cost=row.cost,
        active=row.active,
    )


def _standard_price_row(p: StandardPrice) -> dict[str, Any]:
    return {
        "product_id": p.product_id,
        "unit": p.unit,
        "amount": p.amount,
        "currency": p.currency,
        **_period_row(p.period),
    }


def _standard_price(row: Any) -> StandardPrice:
    return StandardPrice(row.id, row.product_id, row.unit, row.amount, row.currency, _period(row))


def _price_list_row(p: PriceList) -> dict[str, Any]:
    return {
        "name": p.name,
        "currency": p.currency,
        "priority": p.priority,
        "vat_inclusive": p.vat_inclusive,
        "customer_ids": ids_text(p.customer_ids),
        "group_ids": ids_text(p.group_ids),
        "active": p.active,
    }


def _price_list(row: Any) -> PriceList:
    return PriceList(
        id=row.id,
        name=row.name,
        seq=row.seq,
        currency=row.currency,
        priority=row.priority,
        vat_inclusive=row.vat_inclusive,
        customer_ids=ids_of(row.customer_ids),
        group_ids=ids_of(row.group_ids),
        active=row.active,
    )


ITEM_DECIMALS = (
    "fixed_price",
    "percent",
    "rounding_multiple",
    "rounding_offset",
    "surcharge",
    "min_margin",
    "max_margin",
    "min_quantity",
)


def _item_row(i: PriceListItem) -> dict[str, Any]:
    return {
        "price_list_id": i.price_list_id,
        "kind": i.kind.value,
        "product_id": i.product_id,
        "unit": i.unit,
        "category_id": i.category_id,
        **_period_row(i.period),
        **{name: getattr(i, name) for name in ITEM_DECIMALS},
        "base": i.base.value,
        "base_price_list_id": i.base_price_list_id,
        "tiers": _pairs((x.min_quantity, x.value) for x in i.tiers),
        "tier_mode": i.tier_mode.value,
    }


_ITEM_KINDS = {k.value: k for k in ItemKind}
_ITEM_BASES = {b.value: b for b in ItemBase}
_TIER_MODES = {m.value: m for m in TierMode}


def _item(row: Any) -> PriceListItem:
    # The hot loop of a start (100,000 items): plain attribute reads, enum lookups by dict.
    return PriceListItem(
        id=row.id,
        price_list_id=row.price_list_id,
        seq=row.seq,
        kind=_ITEM_KINDS[row.kind],
        product_id=row.product_id,
        unit=row.unit,
        category_id=row.category_id,
        min_quantity=row.min_quantity,
        period=ALWAYS
        if row.valid_from is None and row.valid_to is None
        else Period(row.valid_from, row.valid_to),
        fixed_price=row.fixed_price,
        percent=row.percent,
        base=_ITEM_BASES[row.base],
        base_price_list_id=row.base_price_list_id,
        rounding_multiple=row.rounding_multiple,
        rounding_offset=row.rounding_offset,
        surcharge=row.surcharge,
        min_margin=row.min_margin,
        max_margin=row.max_margin,
        tiers=()
        if row.tiers == "[]"
        else tuple(Tier(Decimal(q), Decimal(v)) for q, v in json.loads(row.tiers)),
        tier_mode=_TIER_MODES[row.tier_mode],
    )


PROMOTION_PLAIN = (
    "name",
    "priority",
    "exclusive",
    "min_quantity",
    "min_amount",
    "percent",
    "amount",
    "buy_quantity",
    "get_quantity",
    "min_spend",
    "cap",
    "coupon_required",
    "usage_limit_total",
    "usage_limit_per_customer",
    "active",
)
ID_SETS = ("customer_ids", "group_ids", "product_ids", "category_ids")


def _promotion_row(p: Promotion) -> dict[str, Any]:
    return {
        **{name: getattr(p, name) for name in PROMOTION_PLAIN},
        **{name: ids_text(getattr(p, name)) for name in ID_SETS},
        "reward": p.reward.value,
        "promotion_group": p.group,
        **_period_row(p.period),
    }


def _promotion(row: Any) -> Promotion:
    values: dict[str, Any] = {name: getattr(row, name) for name in PROMOTION_PLAIN}
    values.update({name: ids_of(getattr(row, name)) for name in ID_SETS})
    return Promotion(
        id=row.id,
        seq=row.seq,
        reward=RewardKind(row.reward),
        group=row.promotion_group,
        period=_period(row),
        **values,
    )


def _coupon_row(c: Coupon) -> dict[str, Any]:
    return {
        "promotion_id": c.promotion_id,
        "single_use": c.single_use,
        "limit_total": c.limit_total,
        "limit_per_customer": c.limit_per_customer,
        "customer_id": c.customer_id,
        "active": c.active,
        **_period_row(c.period),
    }


def _coupon(row: Any) -> Coupon:
    return Coupon(
        code=row.code,
        promotion_id=row.promotion_id,
        period=_period(row),
        single_use=row.single_use,
        limit_total=row.limit_total,
        limit_per_customer=row.limit_per_customer,
        customer_id=row.customer_id,
        active=row.active,
    )


GIFT_SETS = ("product_ids", "category_ids", "customer_ids", "group_ids")


def _gift_rule_row(g: GiftRule) -> dict[str, Any]:
    return {
        "name": g.name,
        "gift_product_ids": json.dumps(list(g.gift_product_ids)),
        "gift_unit": g.gift_unit,
        "gift_quantity": g.gift_quantity,
        "buy_quantity": g.buy_quantity,
        "recursive": g.recursive,
        "min_order_amount": g.min_order_amount,
        "active": g.active,
        **{name: ids_text(getattr(g, name)) for name in GIFT_SETS},
        **_period_row(g.period),
    }


def _gift_rule(row: Any) -> GiftRule:
    return GiftRule(
        id=row.id,
        name=row.name,
        seq=row.seq,
        gift_product_ids=tuple(json.loads(row.gift_product_ids)),
        gift_unit=row.gift_unit,
        gift_quantity=row.gift_quantity,
        buy_quantity=row.buy_quantity,
        recursive=row.recursive,
        min_order_amount=row.min_order_amount,
        active=row.active,
        period=_period(row),
        **{name: ids_of(getattr(row, name)) for name in GIFT_SETS},
    )


@dataclass(frozen=True)
class RuleKind:
    """How one kind of rule is stored: its table and key column, and the two mappings."""

    name: str
    table: Table
    key: str
    to_row: Callable[[Any], dict[str, Any]]
    from_row: Callable[[Any], Any]
    # Deleted rules leave the table (standard prices, items); others are deactivated.
    deletable: bool = False

    def key_of(self, rule: Any) -> str:
        return str(getattr(rule, self.key))


KINDS: dict[str, RuleKind] = {
    k.name: k
    for k in (
        RuleKind("category", t.categories, "id", _category_row, _category),
        RuleKind("product", t.products, "id", _product_row, _product),
        RuleKind("standard_price", t.standard_prices, "id", _standard_price_row, _standard_price, True),
        RuleKind("price_list", t.price_lists, "id", _price_list_row, _price_list),
        RuleKind("price_list_item", t.price_list_items, "id", _item_row, _item, True),
        RuleKind("promotion", t.promotions, "id", _promotion_row, _promotion),
        RuleKind("coupon", t.coupons, "code", _coupon_row, _coupon),
        RuleKind("gift_rule", t.gift_rules, "id", _gift_rule_row, _gift_rule),
    )
}
KIND_OF_TYPE: dict[type, str] = {
    Category: "category",
    Product: "product",
    StandardPrice: "standard_price",
    PriceList: "price_list",
    PriceListItem: "price_list_item",
    Promotion: "promotion",
    Coupon: "coupon",
    GiftRule: "gift_rule",
}


def kind_of(rule: Any) -> RuleKind:
    return KINDS[KIND_OF_TYPE[type(rule)]]
