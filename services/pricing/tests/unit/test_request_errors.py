"""Bad requests are refused with one error naming every bad field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from chassis.errors import InvalidArgument
from pricing.domain.model import ItemKind, PriceList, PriceListItem, StandardPrice

D = Decimal


def violations(shop, *lines, **options):
    with pytest.raises(InvalidArgument) as raised:
        shop.evaluate(*lines, **options)
    return [(v.field, v.reason) for v in raised.value.violations]


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        (("P1", "0"), "lines[0].quantity", "must be greater than zero"),
        (("P1", "-1"), "lines[0].quantity", "must be greater than zero"),
        (("P1", "1.0000001"), "lines[0].quantity", "has more than 6 decimal places"),
        (("NOPE", "1"), "lines[0].product_id", "unknown product 'NOPE'"),
        (("PX", "1"), "lines[0].product_id", "product PX is not active"),
        (("P2", "1", "BOX"), "lines[0].unit", "P2 is not sold in 'BOX' (sold in EA)"),
    ],
)
def test_a_bad_line_is_named_by_its_field(shop, line, field, reason):
    assert violations(shop, line) == [(field, reason)]


def test_six_decimal_places_are_fine(shop):
    assert shop.evaluate(("P2", "1.000001")).lines[0].gross == D("100.00")


def test_every_bad_line_is_reported_at_once(shop):
    found = violations(shop, ("P1", "1"), ("P1", "0"), ("NOPE", "1"), ("P2", "1", "CASE"))
    assert [field for field, _ in found] == ["lines[1].quantity", "lines[2].product_id", "lines[3].unit"]


def test_an_empty_request_and_too_many_lines_are_refused(shop):
    assert violations(shop) == [("lines", "at least one line is required")]
    assert violations(shop, *[("P1", "1")] * 1001) == [("lines", "at most 1000 lines, got 1001")]


def test_a_line_nothing_prices_names_the_product_and_the_date(shop):
    shop.base_prices = False
    shop.add(StandardPrice("SP-P1", "P1", "EA", D(1000)))
    assert violations(shop, ("P1", "1"), ("P2", "1")) == [("lines[1].product_id", "no price on 2026-05-01")]


def test_the_currency_must_be_the_price_lists(shop):
    shop.add(PriceList("PL-USD", "export", 1, currency="USD", group_ids=frozenset({"G1"})))
    assert violations(shop, ("P1", "1")) == [("currency", "the customer's price list PL-USD is in USD")]


def test_the_currency_must_be_the_standard_prices(shop):
    assert violations(shop, ("P1", "1"), currency="USD") == [("currency", "standard price SP-P1 is in THB")]


def test_a_list_in_the_requested_currency_prices_lines_whatever_the_standard_prices_currency(shop):
    shop.add(
        PriceList("PL-USD", "export", 1, currency="USD", group_ids=frozenset({"G1"})),
        PriceListItem("I", "PL-USD", 1, ItemKind.FIXED, product_id="P1", fixed_price=D(30)),
    )
    assert shop.evaluate(("P1", "1"), currency="USD").lines[0].list_unit_price == D("30.00")
    # P2 has no USD item: its THB standard price cannot price a USD document
    assert violations(shop, ("P2", "1"), currency="USD") == [("currency", "standard price SP-P2 is in THB")]
