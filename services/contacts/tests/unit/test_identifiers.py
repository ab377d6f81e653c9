"""Thai tax ids, national ids, branch codes and postcodes."""

from __future__ import annotations

import pytest
from contacts.domain.identifiers import (
    normalise_branch_code,
    normalise_national_id,
    normalise_postcode,
    normalise_tax_id,
)
from stdnum.th import pin


def with_check_digit(first_twelve: str) -> str:
    return first_twelve + pin.calc_check_digit(first_twelve)


def wrong_check_digit(first_twelve: str) -> str:
    right = int(pin.calc_check_digit(first_twelve))
    return first_twelve + str((right + 1) % 10)


COMPANY_TAX_ID = with_check_digit("010555500012")
PERSON_ID = with_check_digit("310060044563")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (COMPANY_TAX_ID, COMPANY_TAX_ID),
        (
            f"{COMPANY_TAX_ID[0]}-{COMPANY_TAX_ID[1:3]}-{COMPANY_TAX_ID[3]}-{COMPANY_TAX_ID[4:7]}-"
            f"{COMPANY_TAX_ID[7:12]}-{COMPANY_TAX_ID[12]}",
            COMPANY_TAX_ID,
        ),
        (f" {COMPANY_TAX_ID} ", COMPANY_TAX_ID),
        (with_check_digit("099400061772"), with_check_digit("099400061772")),
        # A natural person's id is a tax id too (stdnum.th.tin accepts both kinds).
        (PERSON_ID, PERSON_ID),
    ],
)
def test_valid_tax_ids_are_compacted(raw: str, expected: str) -> None:
    assert normalise_tax_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (wrong_check_digit("010555500012"), "check digit"),
        ("010555500012", "13 digits"),
        ("01055550001234", "13 digits"),
        ("01055550001x3", "digits only"),
        ("", "13 digits"),
    ],
)
def test_invalid_tax_ids_say_why(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        normalise_tax_id(raw)


@pytest.mark.parametrize("first_twelve", ["110060044563", "310060044563", "812345678901", "534987612345"])
def test_national_ids_with_their_check_digit_are_valid(first_twelve: str) -> None:
    number = with_check_digit(first_twelve)
    assert normalise_national_id(number) == number


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (COMPANY_TAX_ID, "first digit"),  # starts with 0: a company, not a person
        (with_check_digit("910060044563"), "first digit"),
        (wrong_check_digit("310060044563"), "check digit"),
        ("31006004456", "13 digits"),
    ],
)
def test_invalid_national_ids_say_why(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        normalise_national_id(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", "00000"),
        ("00000", "00000"),
        ("head office", "00000"),
        ("สำนักงานใหญ่", "00000"),
        ("00001", "00001"),
        ("1", "00001"),
        ("12345", "12345"),
    ],
)
def test_branch_codes(raw: str, expected: str) -> None:
    assert normalise_branch_code(raw) == expected


@pytest.mark.parametrize("raw", ["123456", "A0001", "0000-1", "branch 2"])
def test_invalid_branch_codes(raw: str) -> None:
    with pytest.raises(ValueError, match="five-digit branch"):
        normalise_branch_code(raw)


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("10120", True),
        ("50200", True),
        ("96000", True),
        ("1012", False),
        ("101200", False),
        ("09000", False),
        ("97000", False),
        ("1O120", False),
    ],
)
def test_postcodes(raw: str, ok: bool) -> None:
    if ok:
        assert normalise_postcode(raw) == raw
    else:
        with pytest.raises(ValueError, match="postcode"):
            normalise_postcode(raw)
