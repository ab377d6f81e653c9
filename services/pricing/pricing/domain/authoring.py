"""Checks of rules as marketing authors them (being implemented)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pricing.domain.model import (
    Category,
    Coupon,
    CustomerRef,
    GiftRule,
    PriceList,
    PriceListItem,
    Product,
    Promotion,
    StandardPrice,
)
from pricing.domain.rulebook import RuleBook


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    message: str
    other_rule_id: str | None = None


def check_product(product: Product) -> None:
    """Raises InvalidArgument naming the field."""


def check_category(category: Category, book: RuleBook) -> None:
    """Raises InvalidArgument naming the field."""


def check_standard_price(price: StandardPrice, book: RuleBook) -> None:
    """Raises InvalidArgument naming the field."""


def check_price_list(price_list: PriceList) -> None:
    """Raises InvalidArgument naming the field."""


def check_price_list_item(item: PriceListItem, book: RuleBook) -> None:
    """Raises InvalidArgument naming the field."""


def check_promotion(promotion: Promotion, book: RuleBook) -> None:
    """Raises InvalidArgument naming the field."""


def check_coupon(coupon: Coupon, book: RuleBook) -> None:
    """Raises InvalidArgument naming the field."""


def check_gift_rule(rule: GiftRule, book: RuleBook) -> None:
    """Raises InvalidArgument naming the field."""


def validate_promotion(
    promotion: Promotion, book: RuleBook, day_from: dt.date | None = None
) -> tuple[Finding, ...]:
    """Overlaps and ambiguities against existing promotions."""
    return ()


def applicable_promotions(book: RuleBook, customer: CustomerRef, day: dt.date) -> tuple[Promotion, ...]:
    """What this customer could get today."""
    return ()
