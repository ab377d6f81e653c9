"""Thai text: amounts in words, Buddhist-era dates and dictionary order of names."""

import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import InvalidArgument
from chassis.thai import (
    bahttext,
    be_year,
    ce_year,
    format_amount,
    format_thai_date,
    number_words,
    thai_sort_key,
    thai_sorted,
)
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "ศูนย์บาทถ้วน"),
        ("0.00", "ศูนย์บาทถ้วน"),
        ("1", "หนึ่งบาทถ้วน"),
        ("10", "สิบบาทถ้วน"),
        ("11", "สิบเอ็ดบาทถ้วน"),
        ("20", "ยี่สิบบาทถ้วน"),
        ("21", "ยี่สิบเอ็ดบาทถ้วน"),
        ("101", "หนึ่งร้อยเอ็ดบาทถ้วน"),
        ("111", "หนึ่งร้อยสิบเอ็ดบาทถ้วน"),
        ("1000", "หนึ่งพันบาทถ้วน"),
        ("1234.50", "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์"),
        ("1070.00", "หนึ่งพันเจ็ดสิบบาทถ้วน"),
        ("1000001", "หนึ่งล้านเอ็ดบาทถ้วน"),
        ("1000011", "หนึ่งล้านสิบเอ็ดบาทถ้วน"),
        ("1234567.89", "หนึ่งล้านสองแสนสามหมื่นสี่พันห้าร้อยหกสิบเจ็ดบาทแปดสิบเก้าสตางค์"),
        ("10000000.00", "สิบล้านบาทถ้วน"),
        ("11000000", "สิบเอ็ดล้านบาทถ้วน"),
        ("21000001", "ยี่สิบเอ็ดล้านเอ็ดบาทถ้วน"),
        ("101000000", "หนึ่งร้อยเอ็ดล้านบาทถ้วน"),
        ("1000000000000", "หนึ่งล้านล้านบาทถ้วน"),
        ("0.25", "ยี่สิบห้าสตางค์"),
        ("0.01", "หนึ่งสตางค์"),
        ("0.11", "สิบเอ็ดสตางค์"),
        ("0.21", "ยี่สิบเอ็ดสตางค์"),
        ("1.01", "หนึ่งบาทหนึ่งสตางค์"),
        ("100.10", "หนึ่งร้อยบาทสิบสตางค์"),
        ("2.675", "สองบาทหกสิบแปดสตางค์"),  # ROUND_HALF_UP first, as the figures show
        ("0.005", "หนึ่งสตางค์"),
    ],
)
def test_bahttext_reads_amounts_as_thai_documents_do(amount: str, words: str) -> None:
    assert bahttext(Decimal(amount)) == words


def test_bahttext_takes_ints_and_strings_but_not_floats() -> None:
    assert bahttext(21) == "ยี่สิบเอ็ดบาทถ้วน"
    assert bahttext("1,234.50") == "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์"
    with pytest.raises(TypeError):
        bahttext(1.5)  # type: ignore[arg-type]


def test_bahttext_refuses_negative_amounts_naming_the_field() -> None:
    with pytest.raises(InvalidArgument) as raised:
        bahttext(Decimal("-1.00"), field="grand_total")
    assert raised.value.violations[0].field == "grand_total"


@given(st.integers(min_value=0, max_value=10**15))
def test_every_whole_amount_has_words_and_ends_in_whole_baht(number: int) -> None:
    words = bahttext(number)
    assert words.endswith("บาทถ้วน")
    assert "หนึ่งสิบ" not in words
    assert "สองสิบ" not in words
    assert number_words(number) + "บาทถ้วน" == words


@given(st.integers(min_value=1, max_value=99))
def test_satang_only_amounts_have_no_baht(satang: int) -> None:
    words = bahttext(Decimal(satang) / 100)
    assert "บาท" not in words
    assert words.endswith("สตางค์")


def test_number_words_units_one_is_et_only_after_a_higher_digit() -> None:
    assert number_words(1) == "หนึ่ง"
    assert number_words(1_000_000) == "หนึ่งล้าน"
    assert number_words(2_000_001) == "สองล้านเอ็ด"


@pytest.mark.parametrize(
    ("style", "text"),
    [
        ("long", "23 พฤศจิกายน 2569"),
        ("abbreviated", "23 พ.ย. 2569"),
        ("short", "23/11/2569"),
        ("english", "23 November 2026"),
    ],
)
def test_thai_dates_carry_the_buddhist_year(style: str, text: str) -> None:
    assert format_thai_date(dt.date(2026, 11, 23), style) == text  # type: ignore[arg-type]


def test_buddhist_era_years_both_ways() -> None:
    assert be_year(dt.date(2026, 1, 1)) == 2569
    assert ce_year(2569) == 2026
    assert format_thai_date(dt.datetime(2027, 1, 5, 23, 59), "short") == "05/01/2570"


def test_thai_names_sort_in_dictionary_order() -> None:
    names = ["ไก่", "เกิด", "กาล", "เป็ด", "หมู", "วัว", "วันที่"]
    assert thai_sorted(names) == ["กาล", "เกิด", "ไก่", "เป็ด", "วันที่", "วัว", "หมู"]
    # Python's own order puts every leading-vowel name last.
    assert sorted(names) != thai_sorted(names)


def test_thai_company_names_with_leading_vowels_sort_by_their_consonant() -> None:
    companies = ["ไทยพาณิชย์", "เซ็นทรัล", "บางจาก", "โตโยต้า", "กสิกร", "Acme"]
    assert thai_sorted(companies) == ["Acme", "กสิกร", "เซ็นทรัล", "โตโยต้า", "ไทยพาณิชย์", "บางจาก"]
    assert thai_sort_key("ก่า") > thai_sort_key("กา")


def test_amounts_print_with_separators_and_two_places() -> None:
    assert format_amount(Decimal("1234567.8")) == "1,234,567.80"
    assert format_amount(Decimal("0.005")) == "0.01"
