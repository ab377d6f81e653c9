"""Money and VAT: exact Decimal arithmetic, ROUND_HALF_UP to the satang."""

from decimal import Decimal

import pytest
from chassis.errors import InvalidArgument
from chassis.money import Money, allocate, round_satang, to_decimal, vat_exclusive, vat_inclusive
from hypothesis import given
from hypothesis import strategies as st

amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000000"), places=2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.005", "0.01"), ("0.004", "0.00"), ("1.235", "1.24"), ("-1.235", "-1.24"), ("2.675", "2.68")],
)
def test_round_satang_is_half_up(value: str, expected: str) -> None:
    assert round_satang(Decimal(value)) == Decimal(expected)


@pytest.mark.parametrize(
    ("net", "base", "vat", "total"),
    [
        ("1000.00", "1000.00", "70.00", "1070.00"),
        ("0.07", "0.07", "0.00", "0.07"),
        ("0.08", "0.08", "0.01", "0.09"),
        ("12345.67", "12345.67", "864.20", "13209.87"),
    ],
)
def test_vat_exclusive_adds_seven_percent(net: str, base: str, vat: str, total: str) -> None:
    result = vat_exclusive(net)
    assert (result.base, result.vat, result.total) == (Decimal(base), Decimal(vat), Decimal(total))


@pytest.mark.parametrize(
    ("gross", "base", "vat"),
    [("1070.00", "1000.00", "70.00"), ("100.00", "93.46", "6.54"), ("1.00", "0.93", "0.07")],
)
def test_vat_inclusive_extracts_vat_from_the_gross(gross: str, base: str, vat: str) -> None:
    result = vat_inclusive(gross)
    assert (result.base, result.vat, result.total) == (Decimal(base), Decimal(vat), Decimal(gross))


@given(amounts)
def test_vat_inclusive_parts_add_up_to_the_gross(gross: Decimal) -> None:
    result = vat_inclusive(gross)
    assert result.base + result.vat == round_satang(gross)


@given(
    amounts,
    st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2), min_size=1, max_size=20
    ),
)
def test_allocation_never_loses_a_satang(total: Decimal, weights: list[Decimal]) -> None:
    parts = allocate(total, weights)
    assert sum(parts, Decimal(0)) == round_satang(total)
    assert all(part == round_satang(part) for part in parts)


def test_allocation_gives_the_remainder_to_the_largest_line() -> None:
    assert allocate(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)]) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert allocate(Decimal("100.00"), [Decimal(1), Decimal(2), Decimal(1)]) == [
        Decimal("25.00"),
        Decimal("50.00"),
        Decimal("25.00"),
    ]


def test_money_refuses_floats_and_mixed_currencies() -> None:
    with pytest.raises(TypeError):
        Money(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_decimal(0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot combine"):
        Money.of("1") + Money.of("1", "USD")


def test_money_arithmetic_is_exact() -> None:
    total = sum((Money.of("0.10") for _ in range(10)), Money.zero())
    assert total == Money.of("1.00")
    assert (Money.of("100") * "1.07").as_string() == "107.00"
    assert str(Money.of("1234567.891")) == "1,234,567.89 THB"


def test_bad_decimal_names_the_field() -> None:
    with pytest.raises(InvalidArgument) as error:
        to_decimal("12,3x", field="credit_limit.amount")
    assert error.value.violations[0].field == "credit_limit.amount"
