"""A small shop for the pricing unit tests: a category tree, a few products with standard prices,
a customer in one group, and a builder that adds rules and evaluates a document on 2026-05-01.

Catalogue (standard prices, VAT-exclusive):
- P1 soda, 1,000.00 per EA, sold also by the BOX of 12 (no own box price), cost 600.00;
- P2 soda, 100.00 per EA, cost 50.00;  P3 snack, 200.00 per EA, no cost;
- P4 water, 10.05 per EA;  ZR export goods (zero-rated), 500.00;  EX fresh fruit (exempt), 300.00;
- PX discontinued (inactive).
Categories: FOOD > DRINKS > SODA (P1, P2), DRINKS > WATER (P4), FOOD > SNACK (P3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pytest
from pricing.domain.evaluator import evaluate
from pricing.domain.model import (
    Category,
    CustomerRef,
    Evaluation,
    EvaluationRequest,
    LineRequest,
    Product,
    StandardPrice,
    UnitConversion,
    Usage,
    VatClass,
)
from pricing.domain.rulebook import Rule, RuleBook, Rules

DAY = dt.date(2026, 5, 1)
CUSTOMER = CustomerRef("C1", frozenset({"G1"}))

CATEGORIES = (
    Category("FOOD", "FOOD", "อาหาร", "Food"),
    Category("DRINKS", "DRINKS", "เครื่องดื่ม", "Drinks", "FOOD"),
    Category("SODA", "SODA", "น้ำอัดลม", "Soda", "DRINKS"),
    Category("WATER", "WATER", "น้ำดื่ม", "Water", "DRINKS"),
    Category("SNACK", "SNACK", "ขนม", "Snacks", "FOOD"),
)
PRODUCTS = (
    Product(
        "P1", "SKU1", "โซดา", "Soda", "EA", "SODA", (UnitConversion("BOX", Decimal(12)),), cost=Decimal(600)
    ),
    Product("P2", "SKU2", "โซดาเล็ก", "Small soda", "EA", "SODA", cost=Decimal(50)),
    Product("P3", "SKU3", "ขนม", "Snack", "EA", "SNACK"),
    Product("P4", "SKU4", "น้ำ", "Water", "EA", "WATER"),
    Product("ZR", "SKU5", "ส่งออก", "Export goods", "EA", vat_class=VatClass.ZERO_RATED),
    Product("EX", "SKU6", "ผลไม้", "Fresh fruit", "EA", vat_class=VatClass.EXEMPT),
    Product("PX", "SKU7", "เลิกขาย", "Discontinued", "EA", active=False),
)
PRICES = (
    StandardPrice("SP-P1", "P1", "EA", Decimal("1000.00")),
    StandardPrice("SP-P2", "P2", "EA", Decimal("100.00")),
    StandardPrice("SP-P3", "P3", "EA", Decimal("200.00")),
    StandardPrice("SP-P4", "P4", "EA", Decimal("10.05")),
    StandardPrice("SP-ZR", "ZR", "EA", Decimal("500.00")),
    StandardPrice("SP-EX", "EX", "EA", Decimal("300.00")),
    StandardPrice("SP-PX", "PX", "EA", Decimal("1.00")),
)

Line = tuple[str, str] | tuple[str, str, str]


def D(value: str | int) -> Decimal:
    return Decimal(value)


class Shop:
    """Collects rules over the base catalogue and evaluates documents against them."""

    def __init__(self) -> None:
        self.extra: list[Rule] = []
        self.base_prices = True

    def add(self, *rules: Rule) -> Shop:
        self.extra.extend(rules)
        return self

    def rules(self) -> Rules:
        by_kind: dict[type, list[Rule]] = {}
        for rule in self.extra:
            by_kind.setdefault(type(rule), []).append(rule)

        def of(kind: type) -> tuple:  # type: ignore[type-arg]
            return tuple(by_kind.get(kind, []))

        from pricing.domain.model import Coupon, GiftRule, PriceList, PriceListItem, Promotion

        return Rules(
            categories=CATEGORIES + of(Category),
            products=PRODUCTS + of(Product),
            standard_prices=(PRICES if self.base_prices else ()) + of(StandardPrice),
            price_lists=of(PriceList),
            price_list_items=of(PriceListItem),
            promotions=of(Promotion),
            coupons=of(Coupon),
            gift_rules=of(GiftRule),
        )

    def book(self, version: int = 1) -> RuleBook:
        return RuleBook.build(self.rules(), version)

    def evaluate(
        self,
        *lines: Line,
        customer: CustomerRef = CUSTOMER,
        coupons: Sequence[str] = (),
        gift_choices: Sequence[tuple[str, str]] = (),
        usage: Usage | None = None,
        day: dt.date = DAY,
        currency: str = "THB",
    ) -> Evaluation:
        return evaluate(
            self.book(),
            request(
                *lines,
                customer=customer,
                coupons=coupons,
                gift_choices=gift_choices,
                day=day,
                currency=currency,
            ),
            usage or Usage(),
        )


def request(
    *lines: Line,
    customer: CustomerRef = CUSTOMER,
    coupons: Sequence[str] = (),
    gift_choices: Sequence[tuple[str, str]] = (),
    day: dt.date = DAY,
    currency: str = "THB",
) -> EvaluationRequest:
    return EvaluationRequest(
        customer=customer,
        document_date=day,
        lines=tuple(
            LineRequest(line[0], Decimal(line[1]), line[2] if len(line) > 2 else None) for line in lines
        ),
        currency=currency,
        coupon_codes=tuple(coupons),
        gift_choices=tuple(gift_choices),
    )


@pytest.fixture
def shop() -> Shop:
    return Shop()


@pytest.fixture(scope="session")
def new_shop() -> type[Shop]:
    """For hypothesis tests, which need a fresh shop per example: `new_shop()`."""
    return Shop


@pytest.fixture(scope="session")
def make_request() -> object:
    """The request builder: make_request(("P1", "2"), ("P1", "1", "BOX"), coupons=[...])."""
    return request
