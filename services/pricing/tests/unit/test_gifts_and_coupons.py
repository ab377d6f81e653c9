"""Free gifts (recursive and once, order-amount rules, choices) and coupon outcomes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import InvalidArgument
from pricing.domain.model import (
    Coupon,
    CustomerRef,
    GiftRule,
    Period,
    Promotion,
    Reason,
    RewardKind,
    Usage,
)

D = Decimal


def gift(rule_id: str = "G", **fields: object) -> GiftRule:
    fields.setdefault("gift_product_ids", ("P3",))
    fields.setdefault("gift_unit", "EA")
    return GiftRule(rule_id, f"Gift {rule_id}", 1, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("recursive", "quantity", "gifts"),
    [
        (True, "5", D(2)),  # floor(5 / 2) × 1
        (True, "1", None),
        (False, "5", D(1)),  # once
        (False, "2", D(1)),
    ],
)
def test_buy_n_get_m_gifts_recursive_or_once(shop, recursive, quantity, gifts):
    shop.add(gift(product_ids=frozenset({"P2"}), buy_quantity=D(2), recursive=recursive))
    result = shop.evaluate(("P2", quantity))
    assert [g.quantity for g in result.gifts] == ([gifts] if gifts else [])
    assert len(result.lines) == 1  # gifts are not priced lines


def test_a_gift_short_of_its_trigger_says_how_many_to_add(shop):
    shop.add(gift(product_ids=frozenset({"P2"}), buy_quantity=D(3)))
    found = shop.evaluate(("P2", "1")).explanations[0]
    assert (found.rule_kind, found.reason, found.message) == (
        "gift_rule",
        Reason.MIN_QUANTITY_NOT_MET,
        "add 2 more to get 1 EA of P3 free",
    )


def test_category_gift_counts_base_units(shop):
    shop.add(gift(category_ids=frozenset({"DRINKS"}), buy_quantity=D(12), gift_quantity=D(2), recursive=True))
    result = shop.evaluate(("P1", "1", "BOX"), ("P4", "13"))  # 12 + 13 = 25 units → 2 × 2
    assert result.gifts[0].quantity == D(4)


def test_an_order_amount_gift_needs_the_sum_of_line_nets(shop):
    shop.add(gift(min_order_amount=D(2500)))
    found = shop.evaluate(("P1", "2")).explanations[0]
    assert (found.reason, found.message, found.line_index) == (
        Reason.MIN_AMOUNT_NOT_MET,
        "spend 500.00 more to get 1 EA of P3 free",
        None,
    )
    assert shop.evaluate(("P1", "3")).gifts[0].quantity == D(1)


def test_an_order_amount_gift_counts_nets_after_discounts(shop):
    shop.add(
        gift(min_order_amount=D(2800)), Promotion("P", "10% off", 1, RewardKind.PERCENT_OFF, percent=D(10))
    )
    result = shop.evaluate(("P1", "3"))  # gross 3,000 but net 3,000 − 10% = 2,700 < 2,800
    assert result.gifts == ()
    assert [e.message for e in result.explanations if e.rule_id == "G"] == [
        "spend 100.00 more to get 1 EA of P3 free"
    ]


def test_the_customer_chooses_among_the_gifts_default_first(shop):
    shop.add(gift(gift_product_ids=("P3", "P4"), product_ids=frozenset({"P1"})))
    default = shop.evaluate(("P1", "1")).gifts[0]
    assert (default.product_id, default.choices) == ("P3", ("P3", "P4"))
    chosen = shop.evaluate(("P1", "1"), gift_choices=[("G", "P4")]).gifts[0]
    assert chosen.product_id == "P4"


@pytest.mark.parametrize(
    ("choice", "reason"),
    [
        (("G", "P1"), "'P1' is not a gift of G (choose from P3, P4)"),
        (("NOPE", "P3"), "unknown gift rule 'NOPE'"),
    ],
)
def test_an_invalid_gift_choice_is_refused_naming_it(shop, choice, reason):
    shop.add(gift(gift_product_ids=("P3", "P4"), product_ids=frozenset({"P1"})))
    with pytest.raises(InvalidArgument) as raised:
        shop.evaluate(("P1", "1"), gift_choices=[choice])
    assert [(v.field, v.reason) for v in raised.value.violations] == [("gift_choices[0]", reason)]


def test_gift_rules_out_of_scope_or_period_are_explained(shop):
    shop.add(
        gift("G1", product_ids=frozenset({"P1"}), group_ids=frozenset({"VIP"})),
        gift("G2", product_ids=frozenset({"P1"}), period=Period(dt.date(2026, 7, 1))),
    )
    found = {e.rule_id: (e.reason, e.message) for e in shop.evaluate(("P1", "1")).explanations}
    assert found == {
        "G1": (Reason.NOT_CUSTOMER, "not for this customer's groups"),
        "G2": (Reason.OUTSIDE_DATES, "valid from 2026-07-01"),
    }


# --- coupons ------------------------------------------------------------------------------------

PROMO = Promotion("CP", "Coupon 15%", 1, RewardKind.PERCENT_OFF, percent=D(15), coupon_required=True)


@pytest.mark.parametrize(
    ("coupon", "usage", "reason"),
    [
        (Coupon("SAVE", "CP"), Usage(), ""),
        (Coupon("SAVE", "CP", active=False), Usage(), "inactive"),
        (Coupon("SAVE", "CP", period=Period(None, dt.date(2026, 4, 30))), Usage(), "expired"),
        (Coupon("SAVE", "CP", period=Period(dt.date(2026, 5, 2))), Usage(), "not_yet_valid"),
        (Coupon("SAVE", "CP", customer_id="C2"), Usage(), "not_customer"),
        (Coupon("SAVE", "CP", single_use=True), Usage(coupon_total={"SAVE": 1}), "used_up"),
        (Coupon("SAVE", "CP", limit_total=10), Usage(coupon_total={"SAVE": 10}), "used_up"),
        (Coupon("SAVE", "CP", limit_per_customer=1), Usage(coupon_customer={"SAVE": 1}), "used_up"),
        (Coupon("SAVE", "CP", limit_per_customer=2), Usage(coupon_customer={"SAVE": 1}), ""),
    ],
)
def test_each_presented_coupon_gets_an_outcome_and_only_accepted_ones_unlock(shop, coupon, usage, reason):
    shop.add(PROMO, coupon)
    result = shop.evaluate(("P1", "1"), coupons=["SAVE"], usage=usage)
    outcome = result.coupons[0]
    assert (outcome.code, outcome.accepted, outcome.reason, outcome.promotion_id) == (
        "SAVE",
        reason == "",
        reason,
        "CP",
    )
    assert result.lines[0].line_net == (D("850.00") if reason == "" else D("1000.00"))


def test_unknown_and_duplicate_codes_are_rejected_without_failing_the_evaluation(shop):
    shop.add(PROMO, Coupon("SAVE", "CP"))
    result = shop.evaluate(("P1", "1"), coupons=["NOPE", "SAVE", "SAVE"])
    assert [(o.code, o.accepted, o.reason) for o in result.coupons] == [
        ("NOPE", False, "unknown"),
        ("SAVE", True, ""),
        ("SAVE", False, "duplicate"),
    ]
    assert result.applied_promotion_ids == ("CP",)


def test_a_coupon_of_an_inactive_promotion_is_inactive(shop):
    shop.add(
        Promotion("CP", "off", 1, RewardKind.PERCENT_OFF, percent=D(5), active=False), Coupon("SAVE", "CP")
    )
    assert shop.evaluate(("P1", "1"), coupons=["SAVE"]).coupons[0].reason == "inactive"


def test_a_coupon_does_not_widen_the_promotions_customer_scope(shop):
    shop.add(
        Promotion(
            "CP",
            "VIP",
            1,
            RewardKind.PERCENT_OFF,
            percent=D(5),
            coupon_required=True,
            group_ids=frozenset({"VIP"}),
        ),
        Coupon("SAVE", "CP"),
    )
    result = shop.evaluate(("P1", "1"), coupons=["SAVE"], customer=CustomerRef("C1"))
    assert result.coupons[0].accepted
    assert result.applied_promotion_ids == ()


def test_an_earned_gift_is_explained_with_its_quantity(shop):
    shop.add(gift(product_ids=frozenset({"P2"}), buy_quantity=D(2), recursive=True))
    found = shop.evaluate(("P2", "6")).explanations[0]
    assert (found.applied, found.message) == (True, "applied: 3 EA of P3 free")
