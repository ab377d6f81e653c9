"""Totals and VAT: computed once on the document, allocated to the lines exactly; zero-rated and
exempt lines apart; VAT-inclusive documents."""

from __future__ import annotations

from decimal import Decimal

from pricing.domain.model import ItemKind, PriceList, PriceListItem, VatClass

D = Decimal


def test_vat_is_computed_once_on_the_document_not_per_line(shop):
    # three lines of 10.05: per line 0.7035 → 0.70 (2.10 in all); once: 30.15 × 7% = 2.1105 → 2.11
    result = shop.evaluate(("P4", "1"), ("P4", "1"), ("P4", "1"))
    totals = result.totals
    assert (totals.vat_base, totals.vat, totals.grand_total) == (D("30.15"), D("2.11"), D("32.26"))
    assert [line.vat for line in result.lines] == [D("0.71"), D("0.70"), D("0.70")]


def test_zero_rated_and_exempt_lines_are_totalled_apart_and_carry_no_vat(shop):
    result = shop.evaluate(("P1", "1"), ("ZR", "2"), ("EX", "1"))
    totals = result.totals
    assert (totals.subtotal, totals.net, totals.vat_base) == (D("2300.00"), D("2300.00"), D("1000.00"))
    assert (totals.zero_rated, totals.exempt, totals.vat) == (D("1000.00"), D("300.00"), D("70.00"))
    assert totals.grand_total == D("2370.00")
    assert [(line.vat_class, line.vat_rate, line.vat) for line in result.lines] == [
        (VatClass.STANDARD, D("0.07"), D("70.00")),
        (VatClass.ZERO_RATED, D(0), D(0)),
        (VatClass.EXEMPT, D(0), D(0)),
    ]


def test_an_inclusive_document_extracts_vat_from_the_standard_rated_total(shop):
    shop.add(
        PriceList("PL", "retail", 1, group_ids=frozenset({"G1"}), vat_inclusive=True),
        PriceListItem("I1", "PL", 1, ItemKind.FIXED, product_id="P1", fixed_price=D("1070.00")),
    )
    result = shop.evaluate(("P1", "1"), ("EX", "1"))
    totals = result.totals
    assert result.vat_inclusive
    # 1,070.00 × 7/107 = 70.00; the exempt 300.00 carries none
    assert (totals.net, totals.vat, totals.vat_base, totals.exempt) == (
        D("1370.00"),
        D("70.00"),
        D("1000.00"),
        D("300.00"),
    )
    assert totals.grand_total == D("1370.00")
    assert [line.vat for line in result.lines] == [D("70.00"), D(0)]


def test_totals_are_the_sums_of_the_lines(shop):
    result = shop.evaluate(("P1", "3"), ("P2", "7"), ("P4", "3"), ("ZR", "1"))
    totals = result.totals
    assert totals.subtotal == sum(line.gross for line in result.lines)
    assert totals.net == sum(line.line_net for line in result.lines)
    assert totals.vat == sum(line.vat for line in result.lines)
    assert totals.net == totals.subtotal - totals.line_discounts - totals.order_discounts


def test_net_unit_price_is_shown_to_four_places(shop):
    line = shop.evaluate(("P4", "3")).lines[0]
    assert (line.gross, line.net_unit_price) == (D("30.15"), D("10.0500"))
