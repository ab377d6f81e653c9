"""Translation between the rules of the domain and the protobuf contract (crm.pricing.v1), used
by the gRPC servicer and the event publisher. Proto → domain parses decimals, dates and enums
and reports every bad one as InvalidArgument naming the request field ("product.cost");
domain → proto writes decimals as strings and dates as YYYY-MM-DD. Enums map by name:
VAT_CLASS_ZERO_RATED ↔ "zero_rated"; UNSPECIFIED ↔ the domain default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from chassis.errors import ViolationCollector
from crm.common.v1 import money_pb2
from crm.pricing.v1 import resources_pb2 as res
from google.protobuf import field_mask_pb2
from google.protobuf.message import Message

from pricing.domain.model import (
    ALWAYS,
    ONE,
    ZERO,
    Category,
    Coupon,
    CustomerRef,
    EvaluationRequest,
    GiftRule,
    ItemBase,
    ItemKind,
    LineRequest,
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

E = TypeVar("E", bound=StrEnum)
M = TypeVar("M", bound=Message)


def enum_text(enum_type: Any, value: int, prefix: str) -> str:
    if value == 0:
        return ""
    try:
        name: str = enum_type.Name(value)
    except ValueError:
        return str(value)
    return name.removeprefix(prefix).lower()


def enum_number(enum_type: Any, value: StrEnum, prefix: str) -> Any:
    """The proto enum number of a domain value (typed Any: each proto enum has its own type)."""
    return enum_type.Value(prefix + value.value.upper())


def text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def day_text(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def money(amount: Decimal, currency: str) -> money_pb2.Money:
    return money_pb2.Money(amount=str(amount), currency_code=currency)


class Parse:
    """Collects the violations of one message; `done()` raises them all at once."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.found = ViolationCollector()

    def path(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def bad(self, name: str, reason: str) -> None:
        self.found.add(self.path(name), reason)

    def decimal(self, raw: str, name: str) -> Decimal | None:
        raw = raw.strip()
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.bad(name, f"{raw!r} is not a decimal number")
            return None
        if not value.is_finite():
            self.bad(name, "must be a finite number")
            return None
        return value

    def required_decimal(self, raw: str, name: str, default: Decimal | None = None) -> Decimal:
        value = self.decimal(raw, name)
        if value is None:
            if default is not None and not raw.strip():
                return default
            if not raw.strip():
                self.bad(name, "is required")
            return ZERO
        return value

    def date(self, raw: str, name: str) -> dt.date | None:
        raw = raw.strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.bad(name, f"{raw!r} is not a date (YYYY-MM-DD)")
            return None

    def period(self, msg: Any) -> Period:
        start, end = self.date(msg.valid_from, "valid_from"), self.date(msg.valid_to, "valid_to")
        return ALWAYS if start is None and end is None else Period(start, end)

    def enum(self, enum_type: Any, value: int, prefix: str, domain: type[E], name: str, default: E) -> E:
        raw = enum_text(enum_type, value, prefix)
        if not raw:
            return default
        try:
            return domain(raw)
        except ValueError:
            self.bad(name, f"{value} is not a known value")
            return default

    def ids(self, values: Iterable[str]) -> frozenset[str]:
        return frozenset(v.strip() for v in values if v.strip())

    def done(self) -> None:
        self.found.raise_if_any()


def merge(current: M, sent: M, mask: field_mask_pb2.FieldMask) -> M:
    """PATCH semantics: the masked fields of `sent` over `current` (empty mask = all of `sent`)."""
    if not mask.paths:
        return sent
    merged = type(current)()
    merged.CopyFrom(current)
    mask.MergeMessage(sent, merged, replace_message_field=True, replace_repeated_field=True)
    return merged


def optional_int(msg: Any, name: str) -> int | None:
    return int(getattr(msg, name)) if msg.HasField(name) else None


# --- proto → domain ----------------------------------------------------------------------------


def category_from(msg: res.Category, prefix: str = "category") -> Category:
    return Category(
        msg.id, msg.code.strip(), msg.name_th.strip(), msg.name_en.strip(), msg.parent_id.strip() or None
    )


def product_from(msg: res.Product, prefix: str = "product") -> Product:
    p = Parse(prefix)
    units = tuple(
        UnitConversion(u.unit.strip(), p.required_decimal(u.factor, f"units[{i}].factor"))
        for i, u in enumerate(msg.units)
    )
    product = Product(
        id=msg.id,
        sku=msg.sku.strip(),
        name_th=msg.name_th.strip(),
        name_en=msg.name_en.strip(),
        base_unit=msg.base_unit.strip(),
        category_id=msg.category_id.strip() or None,
        units=units,
        vat_class=p.enum(res.VatClass, msg.vat_class, "VAT_CLASS_", VatClass, "vat_class", VatClass.STANDARD),
        cost=p.decimal(msg.cost, "cost"),
        active=msg.active or not msg.id,
    )
    p.done()
    return product


def standard_price_from(msg: res.StandardPrice, prefix: str = "standard_price") -> StandardPrice:
    p = Parse(prefix)
    price = StandardPrice(
        id=msg.id,
        product_id=msg.product_id.strip(),
        unit=msg.unit.strip(),
        amount=p.required_decimal(msg.amount.amount, "amount.amount"),
        currency=msg.amount.currency_code.strip() or "THB",
        period=p.period(msg),
    )
    p.done()
    return price


def price_list_from(msg: res.PriceList, prefix: str = "price_list") -> PriceList:
    p = Parse(prefix)
    found = PriceList(
        id=msg.id,
        name=msg.name.strip(),
        seq=0,
        currency=msg.currency_code.strip() or "THB",
        priority=msg.priority,
        vat_inclusive=msg.vat_inclusive,
        customer_ids=p.ids(msg.customer_ids),
        group_ids=p.ids(msg.customer_group_ids),
        active=msg.active or not msg.id,
    )
    p.done()
    return found


def item_from(msg: res.PriceListItem, prefix: str = "item") -> PriceListItem:
    p = Parse(prefix)
    item = PriceListItem(
        id=msg.id,
        price_list_id=msg.price_list_id.strip(),
        seq=0,
        kind=p.enum(res.ItemKind, msg.kind, "ITEM_KIND_", ItemKind, "kind", ItemKind.FIXED),
        product_id=msg.product_id.strip() or None,
        unit=msg.unit.strip() or None,
        category_id=msg.category_id.strip() or None,
        min_quantity=p.required_decimal(msg.min_quantity, "min_quantity", ONE),
        period=p.period(msg),
        fixed_price=p.decimal(msg.fixed_price, "fixed_price"),
        percent=p.decimal(msg.percent, "percent"),
        base=p.enum(res.ItemBase, msg.base, "ITEM_BASE_", ItemBase, "base", ItemBase.STANDARD_PRICE),
        base_price_list_id=msg.base_price_list_id.strip() or None,
        rounding_multiple=p.decimal(msg.rounding_multiple, "rounding_multiple"),
        rounding_offset=p.required_decimal(msg.rounding_offset, "rounding_offset", ZERO),
        surcharge=p.required_decimal(msg.surcharge, "surcharge", ZERO),
        min_margin=p.decimal(msg.min_margin, "min_margin"),
        max_margin=p.decimal(msg.max_margin, "max_margin"),
        tiers=tuple(
            Tier(
                p.required_decimal(tier.min_quantity, f"tiers[{i}].min_quantity"),
                p.required_decimal(tier.value, f"tiers[{i}].value"),
            )
            for i, tier in enumerate(msg.tiers)
        ),
        tier_mode=p.enum(res.TierMode, msg.tier_mode, "TIER_MODE_", TierMode, "tier_mode", TierMode.VOLUME),
    )
    p.done()
    return item


def promotion_from(msg: res.Promotion, prefix: str = "promotion") -> Promotion:
    p = Parse(prefix)
    reward = p.enum(res.RewardKind, msg.reward, "REWARD_KIND_", RewardKind, "reward", RewardKind.PERCENT_OFF)
    if msg.reward == 0:
        p.bad("reward", "is required")
    promotion = Promotion(
        id=msg.id,
        name=msg.name.strip(),
        seq=0,
        reward=reward,
        priority=msg.priority or 100,
        group=msg.group.strip() or None,
        exclusive=msg.exclusive,
        period=p.period(msg),
        customer_ids=p.ids(msg.customer_ids),
        group_ids=p.ids(msg.customer_group_ids),
        product_ids=p.ids(msg.product_ids),
        category_ids=p.ids(msg.category_ids),
        min_quantity=p.decimal(msg.min_quantity, "min_quantity"),
        min_amount=p.decimal(msg.min_amount, "min_amount"),
        percent=p.decimal(msg.percent, "percent"),
        amount=p.decimal(msg.amount, "amount"),
        buy_quantity=p.decimal(msg.buy_quantity, "buy_quantity"),
        get_quantity=p.decimal(msg.get_quantity, "get_quantity"),
        min_spend=p.decimal(msg.min_spend, "min_spend"),
        cap=p.decimal(msg.cap, "cap"),
        coupon_required=msg.coupon_required,
        usage_limit_total=optional_int(msg, "usage_limit_total"),
        usage_limit_per_customer=optional_int(msg, "usage_limit_per_customer"),
        active=msg.active or not msg.id,
    )
    p.done()
    return promotion


def coupon_from(msg: res.Coupon, prefix: str = "coupon") -> Coupon:
    p = Parse(prefix)
    if not msg.code.strip():
        p.bad("code", "is required")
    coupon = Coupon(
        code=msg.code.strip(),
        promotion_id=msg.promotion_id.strip(),
        period=p.period(msg),
        single_use=msg.single_use,
        limit_total=optional_int(msg, "limit_total"),
        limit_per_customer=optional_int(msg, "limit_per_customer"),
        customer_id=msg.customer_id.strip() or None,
        active=msg.active or not msg.version,
    )
    p.done()
    return coupon


def gift_rule_from(msg: res.GiftRule, prefix: str = "gift_rule") -> GiftRule:
    p = Parse(prefix)
    rule = GiftRule(
        id=msg.id,
        name=msg.name.strip(),
        seq=0,
        gift_product_ids=tuple(g.strip() for g in msg.gift_product_ids if g.strip()),
        gift_unit=msg.gift_unit.strip(),
        gift_quantity=p.required_decimal(msg.gift_quantity, "gift_quantity", ONE),
        buy_quantity=p.required_decimal(msg.buy_quantity, "buy_quantity", ONE),
        recursive=msg.recursive,
        product_ids=p.ids(msg.product_ids),
        category_ids=p.ids(msg.category_ids),
        min_order_amount=p.decimal(msg.min_order_amount, "min_order_amount"),
        customer_ids=p.ids(msg.customer_ids),
        group_ids=p.ids(msg.customer_group_ids),
        period=p.period(msg),
        active=msg.active or not msg.id,
    )
    p.done()
    return rule


FROM_MESSAGE: dict[str, Callable[..., Any]] = {
    "category": category_from,
    "product": product_from,
    "standard_price": standard_price_from,
    "price_list": price_list_from,
    "price_list_item": item_from,
    "promotion": promotion_from,
    "coupon": coupon_from,
    "gift_rule": gift_rule_from,
}


def evaluation_request_from(msg: Any, prefix: str = "") -> EvaluationRequest:
    """An EvaluateRequest as the domain's request (the customer's groups are added later)."""
    p = Parse(prefix)
    day = p.date(msg.document_date, "document_date")
    if not msg.document_date.strip():
        p.bad("document_date", "is required (YYYY-MM-DD)")
    if not msg.lines:
        p.bad("lines", "at least one line is required")
    lines = []
    for i, line in enumerate(msg.lines):
        quantity = p.required_decimal(line.quantity, f"lines[{i}].quantity")
        lines.append(LineRequest(line.product_id.strip(), quantity, line.unit.strip() or None))
    p.done()
    assert day is not None
    return EvaluationRequest(
        customer=CustomerRef(msg.customer_id.strip()),
        document_date=day,
        lines=tuple(lines),
        currency=msg.currency_code.strip() or "THB",
        coupon_codes=tuple(c.strip() for c in msg.coupon_codes if c.strip()),
        gift_choices=tuple((g.gift_rule_id.strip(), g.product_id.strip()) for g in msg.gift_choices),
    )
