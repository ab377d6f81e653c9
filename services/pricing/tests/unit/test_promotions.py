"""Promotions: stacking, per-unit rewards, buy X get Y, groups, exclusives, conditions, scopes,
usage limits and order rewards, with the worked amounts of the pricing issue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pricing.domain.model import (
    CustomerRef,
    Period,
    Promotion,
    Reason,
    RewardKind,
    Usage,
)

D = Decimal


def promo(
    promotion_id: str, reward: RewardKind = RewardKind.PERCENT_OFF, seq: int = 1, **fields: object
) -> Promotion:
    return Promotion(promotion_id, f"Promotion {promotion_id}", seq, reward, **fields)  # type: ignore[arg-type]


def explanation(result, rule_id):
    found = [e for e in result.explanations if e.rule_id == rule_id]
    assert found, f"no explanation for {rule_id}"
    return found[0]


def test_percentages_compound_20_then_10_percent_on_1000_leaves_720(shop):
    shop.add(
        promo("A", percent=D(20), priority=10, seq=2, product_ids=frozenset({"P1"})),
        promo("B", percent=D(10), priority=20, seq=1, product_ids=frozenset({"P1"})),
    )
    line = shop.evaluate(("P1", "1")).lines[0]
    assert [(d.rule_id, d.amount) for d in line.discounts] == [("A", D("200.00")), ("B", D("80.00"))]
    assert (line.line_discount, line.line_net) == (D("280.00"), D("720.00"))


def test_equal_priority_stacks_by_creation_order(shop):
    shop.add(
        promo("LATE", RewardKind.AMOUNT_OFF, seq=2, amount=D(100)),
        promo("EARLY", percent=D(10), seq=1),
    )
    line = shop.evaluate(("P1", "1")).lines[0]
    assert [d.rule_id for d in line.discounts] == ["EARLY", "LATE"]
    assert line.line_net == D("800.00")  # 1,000 − 10% = 900 − 100


def test_amount_off_is_per_unit_and_never_below_zero(shop):
    shop.add(promo("OFF", RewardKind.AMOUNT_OFF, amount=D(30), product_ids=frozenset({"P2", "P4"})))
    result = shop.evaluate(("P2", "3"), ("P4", "2"))
    assert result.lines[0].line_net == D("210.00")  # 300 − 3 × 30
    assert result.lines[1].line_net == D("0.00")  # 20.10 − 60 → 0


def test_fixed_price_applies_only_when_lower(shop):
    shop.add(promo("FIX", RewardKind.FIXED_PRICE, amount=D("150.00"), product_ids=frozenset({"P1", "P2"})))
    result = shop.evaluate(("P1", "2"), ("P2", "1"))
    assert result.lines[0].line_net == D("300.00")
    assert result.lines[1].line_net == D("100.00")
    assert "FIX" in result.applied_promotion_ids


def test_fixed_price_above_every_price_is_explained_as_no_benefit(shop):
    shop.add(promo("FIX", RewardKind.FIXED_PRICE, amount=D("150.00"), product_ids=frozenset({"P2"})))
    result = shop.evaluate(("P2", "1"))
    assert explanation(result, "FIX").reason is Reason.NO_BENEFIT
    assert result.applied_promotion_ids == ()


def test_buy_2_get_1_free_spans_lines_and_frees_the_cheapest_unit(shop):
    shop.add(
        promo(
            "B2G1",
            RewardKind.BUY_X_GET_Y,
            percent=D(100),
            buy_quantity=D(2),
            get_quantity=D(1),
            category_ids=frozenset({"SODA"}),
        )
    )
    result = shop.evaluate(("P1", "2"), ("P2", "1"))
    assert result.lines[0].line_discount == D("0.00")
    assert result.lines[1].line_net == D("0.00")  # the 100.00 unit is free
    assert result.totals.net == D("2000.00")


def test_buy_x_get_y_counts_every_full_set_and_half_price(shop):
    # 7 units, buy 2 get 1 at 50%: two full sets → the 2 cheapest units half price
    shop.add(
        promo(
            "B2G1",
            RewardKind.BUY_X_GET_Y,
            percent=D(50),
            buy_quantity=D(2),
            get_quantity=D(1),
            product_ids=frozenset({"P1", "P2"}),
        )
    )
    result = shop.evaluate(("P1", "6"), ("P2", "1"))
    assert result.lines[1].line_discount == D("50.00")  # the single 100.00 unit
    assert result.lines[0].line_discount == D("500.00")  # then one 1,000.00 unit


def test_buy_x_get_y_short_of_a_set_says_how_many_to_add(shop):
    shop.add(promo("B2G1", RewardKind.BUY_X_GET_Y, percent=D(100), buy_quantity=D(2), get_quantity=D(1)))
    found = explanation(shop.evaluate(("P1", "2")), "B2G1")
    assert (found.reason, found.message) == (
        Reason.MIN_QUANTITY_NOT_MET,
        "add 1 more to get buy 2 get 1 free",
    )


def test_in_a_group_only_the_largest_benefit_applies_and_the_loser_names_the_winner(shop):
    shop.add(
        promo("SMALL", percent=D(5), group="summer", priority=1),
        promo("BIG", RewardKind.AMOUNT_OFF, amount=D(100), group="summer", priority=9, seq=2),
    )
    result = shop.evaluate(("P1", "1"))
    assert result.applied_promotion_ids == ("BIG",)
    lost = explanation(result, "SMALL")
    assert (lost.reason, lost.message) == (Reason.LOST_IN_GROUP, "lost to BIG in group 'summer'")


@pytest.mark.parametrize(
    ("a", "b", "winner"),
    [
        ({"priority": 5, "seq": 2}, {"priority": 7, "seq": 1}, "A"),  # equal benefit: lower priority
        ({"priority": 5, "seq": 2}, {"priority": 5, "seq": 1}, "B"),  # then earlier seq
    ],
)
def test_group_ties_go_to_the_lower_priority_then_the_earlier_seq(shop, a, b, winner):
    shop.add(promo("A", percent=D(10), group="g", **a), promo("B", percent=D(10), group="g", **b))
    assert shop.evaluate(("P1", "1")).applied_promotion_ids == (winner,)


def test_an_exclusive_promotion_stops_the_others_on_its_lines_only(shop):
    shop.add(
        promo("EXCL", percent=D(30), exclusive=True, priority=50, product_ids=frozenset({"P1"})),
        promo("ALL", percent=D(10), priority=10, seq=2),
    )
    result = shop.evaluate(("P1", "1"), ("P2", "1"))
    assert [d.rule_id for d in result.lines[0].discounts] == ["EXCL"]
    assert [d.rule_id for d in result.lines[1].discounts] == ["ALL"]
    excluded = [e for e in result.explanations if e.reason is Reason.EXCLUDED_BY_EXCLUSIVE]
    assert [(e.rule_id, e.line_index, e.message) for e in excluded] == [
        ("ALL", 0, "excluded by the exclusive promotion EXCL on line 1")
    ]


def test_the_first_exclusive_by_priority_wins_a_line(shop):
    shop.add(
        promo("X1", percent=D(10), exclusive=True, priority=20),
        promo("X2", percent=D(50), exclusive=True, priority=10, seq=2),
    )
    result = shop.evaluate(("P1", "1"))
    assert result.applied_promotion_ids == ("X2",)
    assert explanation(result, "X1").reason is Reason.EXCLUDED_BY_EXCLUSIVE


@pytest.mark.parametrize(
    ("fields", "lines", "reason", "message"),
    [
        ({"min_quantity": D(5)}, [("P2", "3")], Reason.MIN_QUANTITY_NOT_MET, "add 2 more to get 10% off"),
        (
            {"min_amount": D(500)},
            [("P2", "2")],
            Reason.MIN_AMOUNT_NOT_MET,
            "spend 300.00 more to get 10% off",
        ),
        (
            {"group_ids": frozenset({"VIP"})},
            [("P2", "1")],
            Reason.NOT_CUSTOMER,
            "not for this customer's groups",
        ),
        ({"customer_ids": frozenset({"C2"})}, [("P2", "1")], Reason.NOT_CUSTOMER, "not for this customer"),
        (
            {"period": Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30))},
            [("P2", "1")],
            Reason.OUTSIDE_DATES,
            "valid from 2026-06-01",
        ),
        (
            {"period": Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))},
            [("P2", "1")],
            Reason.OUTSIDE_DATES,
            "ended on 2026-03-31",
        ),
        ({"coupon_required": True}, [("P2", "1")], Reason.COUPON_REQUIRED, "needs a coupon code"),
    ],
)
def test_a_promotion_that_does_not_apply_is_explained(shop, fields, lines, reason, message):
    shop.add(promo("P", percent=D(10), product_ids=frozenset({"P2"}), **fields))
    result = shop.evaluate(*lines)
    found = explanation(result, "P")
    assert (found.applied, found.reason, found.message, found.line_index) == (False, reason, message, 0)
    assert result.lines[0].line_discount == D("0.00")


def test_promotions_for_other_products_are_not_explained(shop):
    shop.add(promo("SNACKS", percent=D(10), category_ids=frozenset({"SNACK"})))
    assert shop.evaluate(("P1", "1")).explanations == ()


def test_min_quantity_counts_base_units_of_all_eligible_lines(shop):
    shop.add(promo("P", percent=D(10), category_ids=frozenset({"SODA"}), min_quantity=D(13)))
    result = shop.evaluate(("P1", "1", "BOX"), ("P2", "1"))  # 12 + 1 units
    assert result.applied_promotion_ids == ("P",)


@pytest.mark.parametrize(
    ("usage", "limits"),
    [
        (Usage(promotion_total={"P": 100}), {"usage_limit_total": 100}),
        (Usage(promotion_customer={"P": 1}), {"usage_limit_per_customer": 1}),
    ],
)
def test_a_promotion_at_its_usage_limit_is_not_applied(shop, usage, limits):
    shop.add(promo("P", percent=D(10), **limits))
    result = shop.evaluate(("P1", "1"), usage=usage)
    found = explanation(result, "P")
    assert (found.reason, found.message) == (Reason.USAGE_LIMIT_REACHED, "usage limit reached")
    below = shop.evaluate(("P1", "1"), usage=Usage())
    assert below.applied_promotion_ids == ("P",)


def test_applied_promotions_are_explained_and_listed_sorted(shop):
    shop.add(promo("Z", percent=D(10), seq=1), promo("A", percent=D(10), seq=2))
    result = shop.evaluate(("P1", "1"))
    assert result.applied_promotion_ids == ("A", "Z")
    assert [(e.rule_id, e.applied, e.message) for e in result.explanations] == [
        ("Z", True, "applied: 10% off"),
        ("A", True, "applied: 10% off"),
    ]


# --- order rewards ------------------------------------------------------------------------------


def test_order_percent_is_on_the_nets_after_line_rewards_and_capped(shop):
    shop.add(
        promo("LINE", percent=D(10), product_ids=frozenset({"P1"})),
        promo("ORDER", RewardKind.ORDER_PERCENT, percent=D(10), cap=D(50)),
    )
    result = shop.evaluate(("P1", "1"), ("P2", "1"))  # nets 900 + 100 → 10% = 100 → cap 50
    assert result.order_discounts[0].amount == D("50.00")
    assert [line.order_discount for line in result.lines] == [D("45.00"), D("5.00")]
    assert result.totals.net == D("950.00")


def test_order_amount_never_exceeds_the_sum(shop):
    shop.add(promo("ORDER", RewardKind.ORDER_AMOUNT, amount=D(500)))
    result = shop.evaluate(("P4", "2"))
    assert result.order_discounts[0].amount == D("20.10")
    assert result.lines[0].line_net == D("0.00")


def test_order_min_spend_says_how_much_more_to_spend(shop):
    shop.add(promo("ORDER", RewardKind.ORDER_PERCENT, percent=D(5), min_spend=D(1350)))
    found = explanation(shop.evaluate(("P1", "1")), "ORDER")
    assert (found.reason, found.message, found.line_index) == (
        Reason.MIN_AMOUNT_NOT_MET,
        "spend 350.00 more to get 5% off the order",
        None,
    )


@pytest.mark.parametrize(
    ("amount", "lines", "shares"),
    [
        # 1.00 over 3 × 100.00: 0.33 each, the remainder satang to the largest (the first of equals)
        (D("1.00"), [("P2", "1"), ("P2", "1"), ("P2", "1")], ["0.34", "0.33", "0.33"]),
        # 100.00 over 100/100/100/300: 16.67 × 3 + 50.00 = 100.01 → the largest gives one back
        (
            D("100.00"),
            [("P2", "1"), ("P2", "1"), ("P2", "1"), ("P2", "3")],
            ["16.67", "16.67", "16.67", "49.99"],
        ),
    ],
)
def test_order_discounts_are_allocated_pro_rata_with_the_remainder_on_the_largest_line(
    shop, amount, lines, shares
):
    shop.add(promo("ORDER", RewardKind.ORDER_AMOUNT, amount=amount))
    result = shop.evaluate(*lines)
    assert [line.order_discount for line in result.lines] == [D(s) for s in shares]
    assert sum(line.order_discount for line in result.lines) == amount


def test_order_rewards_only_count_their_eligible_lines(shop):
    shop.add(promo("SODA", RewardKind.ORDER_PERCENT, percent=D(10), category_ids=frozenset({"SODA"})))
    result = shop.evaluate(("P1", "1"), ("P3", "1"))
    assert [line.order_discount for line in result.lines] == [D("100.00"), D("0.00")]


def test_an_exclusive_order_reward_stops_the_other_order_rewards(shop):
    shop.add(
        promo("O1", RewardKind.ORDER_PERCENT, percent=D(5), priority=1),
        promo("O2", RewardKind.ORDER_AMOUNT, amount=D(10), exclusive=True, priority=99, seq=2),
    )
    result = shop.evaluate(("P1", "1"))
    assert [d.promotion_id for d in result.order_discounts] == ["O2"]
    assert explanation(result, "O1").reason is Reason.EXCLUDED_BY_EXCLUSIVE


def test_a_group_customer_gets_the_group_promotion(shop):
    shop.add(promo("VIP", percent=D(10), group_ids=frozenset({"VIP"})))
    vip = CustomerRef("C7", frozenset({"VIP"}))
    assert shop.evaluate(("P1", "1"), customer=vip).applied_promotion_ids == ("VIP",)
