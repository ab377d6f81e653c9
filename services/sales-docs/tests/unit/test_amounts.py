"""Document lines and totals: VAT once on the total, totals are the sums of the lines."""

from decimal import Decimal

import pytest
from chassis.errors import InvalidArgument
from hypothesis import given
from hypothesis import strategies as st
from sales_docs.domain.amounts import (
    LineItem,
    TaxCategory,
    VatMode,
    discount_for_percent,
    price_document,
)

D = Decimal


def test_vat_exclusive_document_with_discounts_and_a_free_gift() -> None:
    items = [
        LineItem("Printer", D(10), D("1250.00"), discount=D("500.00")),
        LineItem("Toner", D(3), D("999.99"), discount=discount_for_percent(D(3), D("999.99"), D(10))),
        LineItem("Paper (free gift)", D(1), D("350.00"), free_gift=True),
    ]
    doc = price_document(items, VatMode.EXCLUSIVE, document_discount=D("699.97"))
    nets = [line.net for line in doc.lines]
    assert nets == [D("12000.00"), D("2699.97"), D("0.00")]
    # 699.97 pro rata: 571.42 + 128.56 = 699.98, the extra satang comes off the largest line.
    assert [line.document_discount for line in doc.lines] == [D("571.41"), D("128.56"), D("0.00")]
    assert [line.amount for line in doc.lines] == [D("11428.59"), D("2571.41"), D("0.00")]
    assert [line.vat for line in doc.lines] == [D("800.00"), D("180.00"), D("0.00")]
    t = doc.totals
    assert (t.gross, t.line_discounts, t.subtotal) == (D("15849.97"), D("1150.00"), D("14699.97"))
    assert (t.document_discount, t.pre_vat_total, t.vat, t.grand_total) == (
        D("699.97"),
        D("14000.00"),
        D("980.00"),
        D("14980.00"),
    )


def test_vat_inclusive_document_extracts_vat_from_the_total() -> None:
    items = [LineItem("Chair", D(2), D("535.00")), LineItem("Cushion", D(1), D("107.00"))]
    doc = price_document(items, VatMode.INCLUSIVE)
    t = doc.totals
    assert (t.amount_after_discount, t.pre_vat_total, t.vat, t.grand_total) == (
        D("1177.00"),
        D("1100.00"),
        D("77.00"),
        D("1177.00"),
    )
    expected = [(D("1000.00"), D("70.00")), (D("100.00"), D("7.00"))]
    assert [(line.base, line.vat) for line in doc.lines] == expected


def test_vat_is_computed_once_on_the_total_not_summed_from_rounded_lines() -> None:
    items = [LineItem(f"Item {n}", D(1), D("0.33")) for n in range(3)]
    doc = price_document(items, VatMode.EXCLUSIVE)
    # 0.99 × 7% = 0.0693 → 0.07; three line VATs of 0.0231 would round to 0.06.
    assert doc.totals.vat == D("0.07")
    assert [line.vat for line in doc.lines] == [D("0.03"), D("0.02"), D("0.02")]


@pytest.mark.parametrize(
    ("mode", "pre_vat", "vat", "total"),
    [
        (VatMode.EXCLUSIVE, "1700.00", "70.00", "1770.00"),
        (VatMode.INCLUSIVE, "1634.58", "65.42", "1700.00"),
    ],
)
def test_zero_rated_and_exempt_lines_carry_no_vat(mode: VatMode, pre_vat: str, vat: str, total: str) -> None:
    items = [
        LineItem("Goods", D(1), D("1000.00")),
        LineItem("Export goods", D(1), D("500.00"), tax_category=TaxCategory.ZERO_RATED),
        LineItem("Training (exempt)", D(1), D("200.00"), tax_category=TaxCategory.EXEMPT),
    ]
    t = price_document(items, mode).totals
    assert (t.pre_vat_total, t.vat, t.grand_total) == (D(pre_vat), D(vat), D(total))
    assert t.zero_rated_base == D("500.00")
    assert t.exempt_base == D("200.00")
    assert t.standard_base + t.zero_rated_base + t.exempt_base == t.pre_vat_total


def test_bad_lines_are_refused_naming_each_field() -> None:
    items = [
        LineItem("Good", D(1), D("10.00")),
        LineItem("", D(0), D("-1.00")),
        LineItem("Too much discount", D(1), D("10.00"), discount=D("10.01")),
    ]
    with pytest.raises(InvalidArgument) as raised:
        price_document(items, VatMode.EXCLUSIVE)
    fields = {v.field for v in raised.value.violations}
    assert fields == {"lines[1].description", "lines[1].quantity", "lines[1].unit_price", "lines[2].discount"}


def test_a_document_discount_beyond_the_lines_is_refused() -> None:
    with pytest.raises(InvalidArgument) as raised:
        price_document([LineItem("A", D(1), D("100.00"))], document_discount=D("100.01"))
    assert raised.value.violations[0].field == "document_discount"


prices = st.decimals(min_value=D("0"), max_value=D("99999.99"), places=2)
quantities = st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3)
line_items = st.builds(
    LineItem,
    description=st.just("item"),
    quantity=quantities,
    unit_price=prices,
    tax_category=st.sampled_from(list(TaxCategory)),
    free_gift=st.booleans(),
)


@given(st.lists(line_items, min_size=1, max_size=12), st.sampled_from(list(VatMode)), st.integers(0, 100))
def test_totals_are_the_sums_of_the_lines_and_no_satang_is_lost(
    items: list[LineItem], mode: VatMode, discount_percent: int
) -> None:
    subtotal = sum((item.net for item in items), D(0))
    discount = (subtotal * discount_percent / 100).quantize(D("0.01"), rounding="ROUND_DOWN")
    doc = price_document(items, mode, document_discount=discount)
    t = doc.totals
    assert t.document_discount == discount
    assert sum((line.amount for line in doc.lines), D(0)) == subtotal - discount
    assert t.pre_vat_total + t.vat == t.grand_total
    assert sum((line.total for line in doc.lines), D(0)) == t.grand_total
    assert all(line.base + line.vat == line.total for line in doc.lines)
    assert all(line.amount >= 0 and line.vat >= 0 for line in doc.lines)
    standard = sum(
        (
            line.amount
            for line, item in zip(doc.lines, items, strict=True)
            if item.tax_category == TaxCategory.STANDARD
        ),
        D(0),
    )
    expected_vat = standard * D("0.07") if mode == VatMode.EXCLUSIVE else standard * D("0.07") / D("1.07")
    assert t.vat == expected_vat.quantize(D("0.01"), rounding="ROUND_HALF_UP")
    if mode == VatMode.INCLUSIVE:
        assert t.grand_total == subtotal - discount
