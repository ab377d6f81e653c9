"""Prices before promotions: standard prices, price-list selection, item specificity, tiers,
formulas, margin clamps, chained lists and VAT-inclusive lists (worked amounts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pricing.domain.model import (
    CustomerRef,
    ItemBase,
    ItemKind,
    Period,
    PriceList,
    PriceListItem,
    PriceSourceKind,
    Product,
    StandardPrice,
    Tier,
    TierMode,
)

D = Decimal
GROUP_LIST = PriceList("PL-G1", "Group 1", seq=1, group_ids=frozenset({"G1"}))


def item(item_id: str, list_id: str = "PL-G1", seq: int = 1, **fields: object) -> PriceListItem:
    fields.setdefault("kind", ItemKind.FIXED)
    return PriceListItem(item_id, list_id, seq, **fields)  # type: ignore[arg-type]


def test_without_a_price_list_the_standard_price_prices_the_line(shop):
    line = shop.evaluate(("P1", "2")).lines[0]
    assert (line.list_unit_price, line.gross) == (D("1000.00"), D("2000.00"))
    assert line.source.kind is PriceSourceKind.STANDARD_PRICE
    assert line.source.standard_price_id == "SP-P1"


def test_a_box_without_its_own_price_is_the_base_price_times_the_factor(shop):
    line = shop.evaluate(("P1", "1", "BOX")).lines[0]
    assert (line.base_unit_price, line.gross) == (D("12000.00"), D("12000.00"))


def test_a_box_with_its_own_price_uses_it(shop):
    shop.add(StandardPrice("SP-P1-BOX", "P1", "BOX", D("11000.00")))
    line = shop.evaluate(("P1", "1", "BOX")).lines[0]
    assert line.list_unit_price == D("11000.00")
    assert line.source.standard_price_id == "SP-P1-BOX"


def test_the_standard_price_valid_on_the_document_date_applies(shop):
    shop.base_prices = False
    shop.add(
        StandardPrice("SP-OLD", "P2", "EA", D("90.00"), period=Period(None, dt.date(2026, 4, 30))),
        StandardPrice("SP-NEW", "P2", "EA", D("110.00"), period=Period(dt.date(2026, 5, 1))),
    )
    assert shop.evaluate(("P2", "1")).lines[0].list_unit_price == D("110.00")
    assert shop.evaluate(("P2", "1"), day=dt.date(2026, 4, 30)).lines[0].list_unit_price == D("90.00")


def test_the_customers_own_list_wins_over_its_groups_lists(shop):
    own = PriceList("PL-C1", "C1 only", seq=2, customer_ids=frozenset({"C1"}))
    shop.add(GROUP_LIST, own, item("I-G", fixed_price=D("900")), item("I-C", "PL-C1", fixed_price=D("800")))
    result = shop.evaluate(("P1", "1"))
    assert result.price_list_id == "PL-C1"
    assert result.lines[0].list_unit_price == D("800.00")


@pytest.mark.parametrize(
    ("first", "second", "winner"),
    [
        ((5, 1), (9, 2), "PL-B"),  # higher priority wins
        ((5, 1), (5, 2), "PL-A"),  # same priority: earlier seq
        ((5, 2), (5, 1), "PL-B"),
    ],
)
def test_among_group_lists_the_highest_priority_then_earlier_seq_wins(shop, first, second, winner):
    shop.add(
        PriceList("PL-A", "A", seq=first[1], priority=first[0], group_ids=frozenset({"G1"})),
        PriceList("PL-B", "B", seq=second[1], priority=second[0], group_ids=frozenset({"G2"})),
    )
    customer = CustomerRef("C9", frozenset({"G1", "G2"}))
    assert shop.evaluate(("P1", "1"), customer=customer).price_list_id == winner


def test_an_inactive_list_is_not_selected(shop):
    shop.add(PriceList("PL-OFF", "off", seq=1, group_ids=frozenset({"G1"}), active=False))
    assert shop.evaluate(("P1", "1")).price_list_id is None


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        # product + unit beats product, product beats category, deeper category beats ancestor
        ({"unit": "700", "product": "800", "soda": "850", "drinks": "870", "all": "900"}, "700"),
        ({"product": "800", "soda": "850", "drinks": "870", "all": "900"}, "800"),
        ({"soda": "850", "drinks": "870", "all": "900"}, "850"),
        ({"drinks": "870", "all": "900"}, "870"),
        ({"all": "900"}, "900"),
    ],
)
def test_the_most_specific_item_prices_the_line(shop, items, expected):
    scopes = {
        "unit": {"product_id": "P1", "unit": "EA"},
        "product": {"product_id": "P1"},
        "soda": {"category_id": "SODA"},
        "drinks": {"category_id": "DRINKS"},
        "all": {},
    }
    shop.add(GROUP_LIST)
    for n, (scope, price) in enumerate(items.items()):
        shop.add(item(f"I-{scope}", seq=10 - n, fixed_price=D(price), **scopes[scope]))
    assert shop.evaluate(("P1", "1")).lines[0].list_unit_price == D(expected)


def test_within_a_level_the_highest_satisfied_min_quantity_then_the_later_seq_wins(shop):
    shop.add(
        GROUP_LIST,
        item("I-1", seq=1, product_id="P1", fixed_price=D("950")),
        item("I-10", seq=2, product_id="P1", fixed_price=D("900"), min_quantity=D(10)),
        item("I-10b", seq=3, product_id="P1", fixed_price=D("890"), min_quantity=D(10)),
        item("I-50", seq=4, product_id="P1", fixed_price=D("800"), min_quantity=D(50)),
    )
    assert shop.evaluate(("P1", "9")).lines[0].list_unit_price == D("950.00")
    line = shop.evaluate(("P1", "12")).lines[0]
    assert (line.list_unit_price, line.source.item_id) == (D("890.00"), "I-10b")


def test_a_product_item_without_unit_prices_the_base_unit_and_counts_base_units(shop):
    # 900.00 per EA → a box of 12 is 10,800.00; min_quantity 12 is met by one box (12 EA)
    shop.add(GROUP_LIST, item("I-P1", product_id="P1", fixed_price=D("900"), min_quantity=D(12)))
    line = shop.evaluate(("P1", "1", "BOX")).lines[0]
    assert (line.list_unit_price, line.gross) == (D("10800.00"), D("10800.00"))
    assert shop.evaluate(("P1", "11")).lines[0].list_unit_price == D("1000.00")  # no item: standard


def test_no_item_in_the_list_falls_back_to_the_standard_price(shop):
    shop.add(GROUP_LIST, item("I-P3", product_id="P3", fixed_price=D("150")))
    result = shop.evaluate(("P1", "1"))
    assert result.price_list_id == "PL-G1"
    assert result.lines[0].source.kind is PriceSourceKind.STANDARD_PRICE
    assert result.lines[0].list_unit_price == D("1000.00")


def test_percent_item_takes_the_percent_off_the_standard_price(shop):
    shop.add(GROUP_LIST, item("I", kind=ItemKind.PERCENT, product_id="P1", percent=D("12.5")))
    assert shop.evaluate(("P1", "1")).lines[0].list_unit_price == D("875.00")


def test_volume_tiers_price_every_unit_at_the_tier_reached_12_units_cost_1080(shop):
    tiers = (Tier(D(1), D(100)), Tier(D(10), D(90)))
    shop.add(GROUP_LIST, item("I", product_id="P2", tiers=tiers, tier_mode=TierMode.VOLUME))
    line = shop.evaluate(("P2", "12")).lines[0]
    assert (line.list_unit_price, line.gross) == (D("90.00"), D("1080.00"))


def test_graduated_tiers_price_each_band_9_at_100_and_3_at_90_cost_1170(shop):
    tiers = (Tier(D(1), D(100)), Tier(D(10), D(90)))
    shop.add(GROUP_LIST, item("I", product_id="P2", tiers=tiers, tier_mode=TierMode.GRADUATED))
    line = shop.evaluate(("P2", "12")).lines[0]
    assert line.gross == D("1170.00")
    assert line.list_unit_price == D("97.5000")  # gross / quantity, four places


def test_graduated_percent_tiers_discount_each_band_of_the_base(shop):
    tiers = (Tier(D(1), D(0)), Tier(D(3), D(50)))  # units 1-2 at 100.00, from the 3rd at 50.00
    shop.add(
        GROUP_LIST,
        item("I", kind=ItemKind.PERCENT, product_id="P2", tiers=tiers, tier_mode=TierMode.GRADUATED),
    )
    assert shop.evaluate(("P2", "4")).lines[0].gross == D("300.00")


def test_formula_rounds_to_the_multiple_then_adds_the_offset_1234_less_10pct_is_1109_99(shop):
    shop.add(
        Product("P9", "SKU9", "x", "x", "EA"),
        StandardPrice("SP-P9", "P9", "EA", D("1234.00")),
        GROUP_LIST,
        item(
            "I",
            kind=ItemKind.FORMULA,
            product_id="P9",
            percent=D(10),
            rounding_multiple=D("5.00"),
            rounding_offset=D("-0.01"),
        ),
    )
    # 1,234.00 × 0.9 = 1,110.60 → nearest 5.00 = 1,110.00 → − 0.01 = 1,109.99
    assert shop.evaluate(("P9", "1")).lines[0].list_unit_price == D("1109.99")


@pytest.mark.parametrize(
    ("percent", "min_margin", "max_margin", "expected"),
    [
        (D(50), D(100), None, D("700.00")),  # 500.00 is below cost 600 + 100 → 700.00
        (D(10), None, D(200), D("800.00")),  # 900.00 is above cost 600 + 200 → 800.00
        (D(20), D(100), D(300), D("800.00")),  # 800.00 within [700, 900]
    ],
)
def test_formula_prices_are_clamped_to_the_margins_over_cost(shop, percent, min_margin, max_margin, expected):
    shop.add(
        GROUP_LIST,
        item(
            "I",
            kind=ItemKind.FORMULA,
            product_id="P1",
            percent=percent,
            surcharge=D(0),
            min_margin=min_margin,
            max_margin=max_margin,
        ),
    )
    assert shop.evaluate(("P1", "1")).lines[0].list_unit_price == expected


def test_margins_count_the_cost_of_the_lines_unit(shop):
    # a box: cost 12 × 600 = 7,200 + 100 = 7,300.00 floor
    shop.add(GROUP_LIST, item("I", kind=ItemKind.FORMULA, product_id="P1", percent=D(50), min_margin=D(100)))
    assert shop.evaluate(("P1", "1", "BOX")).lines[0].list_unit_price == D("7300.00")


def test_formula_on_cost_with_surcharge(shop):
    # cost 50.00 × (1 + 30%) + 5.00 surcharge = 70.00
    shop.add(
        GROUP_LIST,
        item("I", kind=ItemKind.FORMULA, product_id="P2", base=ItemBase.COST, percent=D(-30), surcharge=D(5)),
    )
    assert shop.evaluate(("P2", "1")).lines[0].list_unit_price == D("70.00")


def test_a_chained_list_takes_its_base_from_another_lists_price(shop):
    base_list = PriceList("PL-BASE", "dealer", seq=1)
    shop.add(
        base_list,
        item("I-BASE", "PL-BASE", product_id="P1", fixed_price=D("800")),
        GROUP_LIST,
        item(
            "I",
            kind=ItemKind.PERCENT,
            category_id="SODA",
            percent=D(10),
            base=ItemBase.PRICE_LIST,
            base_price_list_id="PL-BASE",
        ),
    )
    result = shop.evaluate(("P1", "1"), ("P2", "1"))
    assert result.lines[0].list_unit_price == D("720.00")  # 800.00 − 10%
    assert result.lines[1].list_unit_price == D("90.00")  # the base list has no item: standard 100.00


def test_a_cost_based_item_cannot_price_a_product_without_cost_and_is_passed_over(shop):
    shop.add(
        GROUP_LIST,
        item("I-ALL", kind=ItemKind.PERCENT, percent=D(5)),
        item("I-COST", seq=2, kind=ItemKind.FORMULA, category_id="SNACK", base=ItemBase.COST, percent=D(-20)),
    )
    assert shop.evaluate(("P3", "1")).lines[0].source.item_id == "I-ALL"


def test_an_item_outside_its_period_does_not_apply(shop):
    later = Period(dt.date(2026, 6, 1))
    shop.add(GROUP_LIST, item("I", product_id="P1", fixed_price=D(1), period=later))
    assert shop.evaluate(("P1", "1")).lines[0].list_unit_price == D("1000.00")


def test_a_vat_inclusive_list_quotes_inclusive_prices_and_converts_standard_bases(shop):
    inclusive = PriceList("PL-INC", "retail", seq=1, group_ids=frozenset({"G1"}), vat_inclusive=True)
    shop.add(
        inclusive,
        item("I-P1", "PL-INC", product_id="P1", fixed_price=D("1070.00")),
        item("I-P2", "PL-INC", kind=ItemKind.PERCENT, product_id="P2", percent=D(10)),
    )
    result = shop.evaluate(("P1", "1"), ("P2", "1"), ("ZR", "1"), ("P3", "1"))
    assert result.vat_inclusive
    assert [line.list_unit_price for line in result.lines] == [
        D("1070.00"),
        D("96.30"),  # 100.00 × 1.07 = 107.00, − 10%
        D("500.00"),  # zero-rated: no VAT to include
        D("214.00"),  # no item: standard 200.00 × 1.07
    ]
