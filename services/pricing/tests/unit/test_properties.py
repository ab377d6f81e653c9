"""Invariants over generated rules and requests: nets never negative, totals equal the sums of the
lines exactly, the order rules are listed in never matters, volume tiers never raise the price."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from pricing.domain.evaluator import evaluate
from pricing.domain.model import ZERO, ItemKind, PriceList, PriceListItem, Tier, TierMode, Usage
from pricing.domain.rulebook import RuleBook, Rules
from pricing.synthetic import generate_rules, sample_request

RULES = generate_rules(
    products=300,
    price_list_items=3000,
    promotions=400,
    gift_rules=80,
    price_lists=20,
    categories=30,
    groups=4,
    seed=7,
)
BOOK = RuleBook.build(RULES, 1)
USAGE = Usage(promotion_total={"PROMO00001": 5}, coupon_total={})


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 100_000), lines=st.integers(1, 40))
def test_nets_are_never_negative_and_totals_are_the_sums_of_the_lines(seed, lines):
    result = evaluate(BOOK, sample_request(RULES, lines=lines, seed=seed), USAGE)
    totals = result.totals
    for line in result.lines:
        assert line.line_net >= 0
        assert line.line_discount == sum((d.amount for d in line.discounts), ZERO)
        assert all(d.amount > 0 for d in line.discounts)
        assert line.line_net == line.gross - line.line_discount - line.order_discount
        assert line.line_net == line.line_net.quantize(Decimal("0.01"))
    assert totals.subtotal == sum((line.gross for line in result.lines), ZERO)
    assert totals.net == sum((line.line_net for line in result.lines), ZERO)
    assert totals.vat == sum((line.vat for line in result.lines), ZERO)
    assert totals.line_discounts == sum((line.line_discount for line in result.lines), ZERO)
    assert totals.order_discounts == sum((d.amount for d in result.order_discounts), ZERO)
    assert totals.net == totals.subtotal - totals.line_discounts - totals.order_discounts
    if result.vat_inclusive:
        assert totals.grand_total == totals.net
        assert totals.vat_base + totals.vat + totals.zero_rated + totals.exempt == totals.net
    else:
        assert totals.grand_total == totals.net + totals.vat
        assert totals.vat_base + totals.zero_rated + totals.exempt == totals.net
    assert list(result.applied_promotion_ids) == sorted(result.applied_promotion_ids)


def _shuffled(rules: Rules, rng: random.Random) -> Rules:
    def mix(values: tuple) -> tuple:  # type: ignore[type-arg]
        listed = list(values)
        rng.shuffle(listed)
        return tuple(listed)

    return Rules(*(mix(getattr(rules, name)) for name in Rules.__dataclass_fields__))


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_the_order_rules_are_listed_in_never_changes_the_evaluation(seed):
    shuffled = RuleBook.build(_shuffled(RULES, random.Random(seed)), 1)
    for n in range(4):
        request = sample_request(RULES, lines=25, seed=seed + n)
        assert evaluate(shuffled, request, USAGE) == evaluate(BOOK, request, USAGE)


@st.composite
def falling_tiers(draw: st.DrawFn) -> tuple[Tier, ...]:
    starts = sorted(set(draw(st.lists(st.integers(2, 200), max_size=5))))
    prices = sorted(
        draw(st.lists(st.integers(1, 100_000), min_size=len(starts) + 1, max_size=len(starts) + 1))
    )
    prices.reverse()
    quantities = [1, *starts]
    return tuple(Tier(Decimal(q), Decimal(p) / 100) for q, p in zip(quantities, prices, strict=True))


@settings(max_examples=60, deadline=None)
@given(tiers=falling_tiers(), kind=st.sampled_from([ItemKind.FIXED, ItemKind.PERCENT]))
def test_a_volume_tier_never_raises_the_unit_price_as_quantity_grows(new_shop, make_request, tiers, kind):
    if kind is ItemKind.PERCENT:  # percentages rise as prices fall
        tiers = tuple(replace(t, value=min(Decimal(100), Decimal(100) - t.value / 1000)) for t in tiers)
    shop = new_shop()
    shop.add(
        PriceList("PL", "tiers", 1, group_ids=frozenset({"G1"})),
        PriceListItem("I", "PL", 1, kind, product_id="P1", tiers=tiers, tier_mode=TierMode.VOLUME),
    )
    book = shop.book()
    previous = None
    for quantity in range(1, 220, 7):
        price = evaluate(book, make_request(("P1", str(quantity))), Usage()).lines[0].list_unit_price
        assert previous is None or price <= previous
        previous = price
