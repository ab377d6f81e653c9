"""Authoring checks: each refusal names the field; promotion reviews report overlaps as findings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import InvalidArgument
from pricing.domain.authoring import (
    applicable_promotions,
    check_category,
    check_coupon,
    check_gift_rule,
    check_price_list,
    check_price_list_item,
    check_product,
    check_promotion,
    check_standard_price,
    validate_promotion,
)
from pricing.domain.model import (
    Category,
    Coupon,
    CustomerRef,
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
)

D = Decimal
H1 = Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def refused(check, *args):
    with pytest.raises(InvalidArgument) as raised:
        check(*args)
    return [(v.field, v.reason) for v in raised.value.violations]


def test_product_units_are_unique_with_positive_factors():
    product = Product(
        "P", "S", "x", "x", "EA", units=(UnitConversion("EA", D(1)), UnitConversion("BOX", D(0)))
    )
    assert refused(check_product, product) == [
        ("units[0].unit", "'EA' is listed twice (or is the base unit)"),
        ("units[1].factor", "must be greater than zero"),
    ]
    check_product(Product("P", "S", "x", "x", "EA", units=(UnitConversion("BOX", D(12)),)))


def test_a_category_needs_a_known_parent_and_no_cycle(shop):
    book = shop.book()
    assert refused(check_category, Category("N", "N", "n", "n", "NOPE"), book) == [
        ("parent_id", "unknown category 'NOPE'")
    ]
    assert refused(check_category, Category("FOOD", "FOOD", "f", "f", "SODA"), book) == [
        ("parent_id", "would make a cycle: FOOD → SODA → DRINKS → FOOD")
    ]
    check_category(Category("JUICE", "JUICE", "j", "j", "DRINKS"), book)


def test_standard_price_periods_of_a_product_and_unit_never_overlap(shop):
    book = (
        shop.add(StandardPrice("SP-H1", "P2", "BOX", D(1), period=H1))
        .add(Product("P2", "SKU2", "x", "x", "EA", units=(UnitConversion("BOX", D(6)),)))
        .book()
    )
    clash = StandardPrice("SP-NEW", "P2", "BOX", D(2), period=Period(dt.date(2026, 6, 1)))
    assert refused(check_standard_price, clash, book) == [
        ("valid_from", "overlaps the price SP-H1 valid 2026-01-01 to 2026-06-30")
    ]
    check_standard_price(StandardPrice("SP-NEW", "P2", "BOX", D(2), period=Period(dt.date(2026, 7, 1))), book)
    check_standard_price(StandardPrice("SP-H1", "P2", "BOX", D(3), period=H1), book)  # itself


@pytest.mark.parametrize(
    ("price", "field", "reason"),
    [
        (StandardPrice("S", "NOPE", "EA", D(1)), "product_id", "unknown product 'NOPE'"),
        (StandardPrice("S", "P3", "BOX", D(1)), "unit", "P3 is not sold in 'BOX'"),
        (StandardPrice("S", "P3", "EA", D(-1)), "amount", "must be at least 0"),
        (
            StandardPrice("S", "P3", "EA", D(1), period=Period(dt.date(2026, 2, 1), dt.date(2026, 1, 1))),
            "valid_to",
            "is before valid_from (2026-02-01)",
        ),
    ],
)
def test_standard_price_fields_are_checked(shop, price, field, reason):
    assert (field, reason) in refused(check_standard_price, price, shop.book())


def test_a_price_list_needs_a_currency_code():
    assert refused(check_price_list, PriceList("PL", "x", 1, currency="baht")) == [
        ("currency", "must be an ISO 4217 code, got 'baht'")
    ]


def lists(shop):
    return shop.add(
        PriceList("A", "A", 1),
        PriceList("B", "B", 2),
        PriceListItem(
            "B1", "B", 1, ItemKind.PERCENT, percent=D(5), base=ItemBase.PRICE_LIST, base_price_list_id="A"
        ),
    )


def test_a_chained_item_that_closes_a_cycle_is_refused_naming_the_path(shop):
    book = lists(shop).book()
    looping = PriceListItem(
        "A1", "A", 1, ItemKind.PERCENT, percent=D(5), base=ItemBase.PRICE_LIST, base_price_list_id="B"
    )
    assert refused(check_price_list_item, looping, book) == [
        ("base_price_list_id", "basing A on B would make a cycle: A → B → A")
    ]
    self_loop = PriceListItem(
        "A2", "A", 1, ItemKind.FORMULA, base=ItemBase.PRICE_LIST, base_price_list_id="A"
    )
    assert refused(check_price_list_item, self_loop, book) == [
        ("base_price_list_id", "basing A on A would make a cycle: A → A")
    ]


def test_re_saving_a_chained_item_does_not_collide_with_its_own_old_version(shop):
    book = lists(shop).book()
    same = book.price_list_item("B1")
    assert same is not None
    check_price_list_item(same, book)
    # moving A's base off B leaves no chain, so A1 may then base on B
    check_price_list_item(PriceListItem("A1", "A", 1, ItemKind.PERCENT, percent=D(5)), book)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"kind": ItemKind.FIXED}, [("fixed_price", "is required for a fixed item without tiers")]),
        ({"kind": ItemKind.PERCENT, "percent": D(101)}, [("percent", "must be between 0 and 100")]),
        ({"kind": ItemKind.PERCENT, "percent": D(-1)}, [("percent", "must be between 0 and 100")]),
        ({"kind": ItemKind.FORMULA, "percent": D(-30)}, []),  # a mark-up
        (
            {"kind": ItemKind.FIXED, "tiers": (Tier(D(10), D(90)), Tier(D(10), D(80)))},
            [("tiers[1].min_quantity", "must be greater than the previous tier's")],
        ),
        (
            {"kind": ItemKind.FIXED, "tiers": (Tier(D(1), D(90)), Tier(D(10), D(95)))},
            [("tiers[1].value", "a volume tier must not raise the price of more units")],
        ),
        (
            {
                "kind": ItemKind.FIXED,
                "tiers": (Tier(D(1), D(90)), Tier(D(10), D(95))),
                "tier_mode": TierMode.GRADUATED,
            },
            [],
        ),
        (
            {"kind": ItemKind.PERCENT, "tiers": (Tier(D(1), D(10)), Tier(D(10), D(5)))},
            [("tiers[1].value", "a volume tier must not raise the price of more units")],
        ),
        (
            {"kind": ItemKind.FIXED, "fixed_price": D(1), "unit": "EA"},
            [("unit", "a unit needs a product_id")],
        ),
        (
            {"kind": ItemKind.FIXED, "fixed_price": D(1), "product_id": "P1", "category_id": "SODA"},
            [("category_id", "give a product or a category, not both")],
        ),
        (
            {"kind": ItemKind.PERCENT, "percent": D(1), "base": ItemBase.PRICE_LIST},
            [("base_price_list_id", "is required when the base is another price list")],
        ),
        (
            {"kind": ItemKind.FORMULA, "min_margin": D(10), "max_margin": D(5)},
            [("max_margin", "must not be below min_margin")],
        ),
    ],
)
def test_price_list_item_fields_per_kind(shop, fields, expected):
    book = shop.add(PriceList("PL", "x", 1)).book()
    item = PriceListItem("I", "PL", 1, **fields)
    if expected:
        assert refused(check_price_list_item, item, book) == expected
    else:
        check_price_list_item(item, book)


@pytest.mark.parametrize(
    ("promotion", "expected"),
    [
        (Promotion("P", "x", 1, RewardKind.PERCENT_OFF), [("percent", "is required for percent_off")]),
        (
            Promotion("P", "x", 1, RewardKind.PERCENT_OFF, percent=D(120)),
            [("percent", "must be between 0 and 100")],
        ),
        (Promotion("P", "x", 1, RewardKind.AMOUNT_OFF), [("amount", "is required for amount_off")]),
        (
            Promotion("P", "x", 1, RewardKind.BUY_X_GET_Y, buy_quantity=D(0)),
            [("buy_quantity", "must be greater than zero"), ("get_quantity", "is required for buy_x_get_y")],
        ),
        (
            Promotion("P", "x", 1, RewardKind.PERCENT_OFF, percent=D(5), cap=D(10)),
            [("cap", "applies to order rewards only")],
        ),
        (
            Promotion("P", "x", 1, RewardKind.PERCENT_OFF, percent=D(5), product_ids=frozenset({"NOPE"})),
            [("product_ids", "unknown product 'NOPE'")],
        ),
        (
            Promotion("P", "x", 1, RewardKind.ORDER_AMOUNT, amount=D(5), usage_limit_total=0),
            [("usage_limit_total", "must be at least 1")],
        ),
    ],
)
def test_promotion_reward_fields_per_kind(shop, promotion, expected):
    assert refused(check_promotion, promotion, shop.book()) == expected


def test_coupon_checks(shop):
    book = shop.add(Promotion("CP", "x", 1, RewardKind.PERCENT_OFF, percent=D(5))).book()
    assert refused(check_coupon, Coupon("A B", "NOPE", single_use=True, limit_total=3), book) == [
        ("code", "must not contain spaces"),
        ("promotion_id", "unknown promotion 'NOPE'"),
        ("single_use", "a single-use coupon takes no other limits"),
    ]
    check_coupon(Coupon("SAVE10", "CP", limit_per_customer=1), book)


def test_gift_rule_checks(shop):
    book = shop.book()
    rule = GiftRule("G", "gift", 1, gift_product_ids=("P1", "NOPE"), gift_unit="BOX", gift_quantity=D(0))
    assert refused(check_gift_rule, rule, book) == [
        ("gift_product_ids[1]", "unknown product 'NOPE'"),
        ("gift_quantity", "must be greater than zero"),
        ("min_order_amount", "is required when no product or category triggers the gift"),
    ]
    check_gift_rule(
        GiftRule("G", "gift", 1, gift_product_ids=("P1",), gift_unit="BOX", min_order_amount=D(1)), book
    )


# --- promotion reviews --------------------------------------------------------------------------


def promo(promotion_id: str, seq: int, **fields: object) -> Promotion:
    fields.setdefault("percent", D(10))
    return Promotion(promotion_id, promotion_id, seq, RewardKind.PERCENT_OFF, **fields)  # type: ignore[arg-type]


def codes(findings):
    return [(f.severity, f.code, f.other_rule_id) for f in findings]


def test_same_priority_on_overlapping_scope_is_a_warning_never_an_error(shop):
    book = shop.add(promo("OLD", 1, category_ids=frozenset({"DRINKS"}))).book()
    findings = validate_promotion(promo("NEW", 2, product_ids=frozenset({"P1"})), book)
    assert codes(findings) == [("warning", "same_priority", "OLD")]
    assert "depends only on creation order" in findings[0].message


def test_promotions_that_cannot_meet_are_not_reported(shop):
    book = shop.add(
        promo("SNACK", 1, category_ids=frozenset({"SNACK"})),
        promo("LATER", 2, period=Period(dt.date(2027, 1, 1))),
        promo("OTHERS", 3, customer_ids=frozenset({"C2"})),
        promo("OFF", 4, active=False),
    ).book()
    new = promo(
        "NEW",
        5,
        product_ids=frozenset({"P1"}),
        customer_ids=frozenset({"C1"}),
        period=Period(None, dt.date(2026, 12, 31)),
    )
    assert validate_promotion(new, book) == ()


def test_exclusive_group_and_coupon_findings(shop):
    book = shop.add(
        promo("EXCL", 1, exclusive=True, priority=5),
        promo("TWIN", 2, group="summer", priority=7),
        promo("ALT", 3, group="summer", percent=D(20), priority=8),
    ).book()
    new = promo(
        "NEW", 9, group="summer", priority=9, coupon_required=True, period=Period(dt.date(2026, 1, 1))
    )
    findings = validate_promotion(new, book, day_from=dt.date(2026, 5, 1))
    assert codes(findings) == [
        ("info", "starts_in_past", None),
        ("warning", "coupon_without_coupons", None),
        ("warning", "exclusive_overlap", "EXCL"),
        ("warning", "identical_in_group", "TWIN"),
        ("info", "group_alternative", "ALT"),
    ]


def test_a_promotion_that_already_ended_is_reported(shop):
    ended = promo("NEW", 1, period=Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31)))
    assert codes(validate_promotion(ended, shop.book(), day_from=dt.date(2026, 5, 1))) == [
        ("warning", "ended_in_past", None)
    ]


def test_applicable_promotions_for_a_customer_today_by_priority_then_seq(shop):
    book = shop.add(
        promo("B", 2, priority=10),
        promo("A", 3, priority=10),
        promo("FIRST", 9, priority=1, group_ids=frozenset({"G1"})),
        promo("VIP", 4, group_ids=frozenset({"VIP"})),
        promo("LATER", 5, period=Period(dt.date(2027, 1, 1))),
        promo("OFF", 6, active=False),
    ).book()
    found = applicable_promotions(book, CustomerRef("C1", frozenset({"G1"})), dt.date(2026, 5, 1))
    assert [p.id for p in found] == ["FIRST", "B", "A"]
