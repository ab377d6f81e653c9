"""Document numbers: patterns per type, year (B.E. or C.E.) and branch, and reading them back."""

import datetime as dt

import pytest
from chassis.errors import InvalidArgument
from hypothesis import given
from hypothesis import strategies as st
from sales_docs.domain.numbering import (
    CounterKey,
    DocumentType,
    Era,
    NumberingScheme,
    default_scheme,
)

DAY = dt.date(2026, 11, 23)


def test_the_default_invoice_number_carries_the_buddhist_year() -> None:
    scheme = default_scheme(DocumentType.TAX_INVOICE)
    key = scheme.counter_key(DAY)
    assert key == CounterKey(DocumentType.TAX_INVOICE, 2569, "00000")
    assert scheme.format(key, 1, DAY) == "INV2569-00001"
    assert scheme.format(key, 123456, DAY) == "INV2569-123456"


def test_a_christian_era_scheme_counts_and_prints_the_christian_year() -> None:
    scheme = default_scheme(DocumentType.RECEIPT, Era.CHRISTIAN)
    key = scheme.counter_key(DAY)
    assert key.year == 2026
    assert scheme.format(key, 7, DAY) == "RC2026-00007"


def test_counters_are_kept_per_branch_and_per_year() -> None:
    scheme = NumberingScheme(DocumentType.TAX_INVOICE, "{branch}/IV{yy}{month:02}-{seq:04}")
    head = scheme.counter_key(DAY)
    branch = scheme.counter_key(DAY, "00002")
    next_year = scheme.counter_key(dt.date(2027, 1, 1))
    assert len({head, branch, next_year}) == 3
    assert scheme.format(branch, 42, DAY) == "00002/IV6911-0042"


@pytest.mark.parametrize(
    ("pattern", "era", "number", "year", "branch", "sequence"),
    [
        ("INV{year_be}-{seq:05}", Era.BUDDHIST, "INV2569-00001", 2569, "00000", 1),
        ("INV{year_ce}-{seq:05}", Era.CHRISTIAN, "INV2026-00420", 2026, "00000", 420),
        ("INV{year_be}-{seq:05}", Era.CHRISTIAN, "INV2569-00003", 2026, "00000", 3),
        ("{branch}-QT{year}-{seq:03}", Era.BUDDHIST, "00002-QT2569-1000", 2569, "00002", 1000),
    ],
)
def test_numbers_read_back_into_their_counter(
    pattern: str, era: Era, number: str, year: int, branch: str, sequence: int
) -> None:
    parsed = NumberingScheme(DocumentType.TAX_INVOICE, pattern, era).parse(number)
    assert (parsed.key.year, parsed.key.branch, parsed.sequence) == (year, branch, sequence)


def test_a_number_of_another_pattern_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidArgument) as raised:
        default_scheme(DocumentType.TAX_INVOICE).parse("RC2569-00001")
    assert raised.value.violations[0].field == "number"


@pytest.mark.parametrize("pattern", ["INV{year_be}", "INV{seq}{seq}", "INV{year_be}-{sequence:05}"])
def test_patterns_need_one_sequence_and_known_fields(pattern: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        NumberingScheme(DocumentType.TAX_INVOICE, pattern)
    assert raised.value.violations[0].field == "pattern"


@given(
    st.sampled_from(list(DocumentType)),
    st.sampled_from(list(Era)),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.integers(min_value=1, max_value=10**7),
)
def test_format_then_parse_gives_the_same_counter_and_sequence(
    document_type: DocumentType, era: Era, day: dt.date, sequence: int
) -> None:
    scheme = default_scheme(document_type, era)
    key = scheme.counter_key(day)
    parsed = scheme.parse(scheme.format(key, sequence, day))
    assert (parsed.key, parsed.sequence) == (key, sequence)
