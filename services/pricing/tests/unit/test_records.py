"""The fast record builders make exactly the records the model's constructors make."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from pricing.domain import records
from pricing.domain.model import (
    Discount,
    Explanation,
    LineResult,
    PriceSource,
    PriceSourceKind,
    Reason,
    VatClass,
)

D = Decimal
SOURCE = PriceSource(PriceSourceKind.PRICE_LIST, "PL", "I1", None)
DISCOUNT = Discount("PROMO", "percent_off", "10% off", D("1.50"))
CASES = [
    (records.explanation, Explanation("R", "promotion", False, Reason.NOT_CUSTOMER, "why", 3)),
    (records.explanation, Explanation("R", "gift_rule", True, None, "applied", None)),
    (records.discount, DISCOUNT),
    (records.price_source, SOURCE),
    (
        records.line_result,
        LineResult(
            0,
            "P1",
            "EA",
            D(2),
            D("10.00"),
            D("9.00"),
            SOURCE,
            D("18.00"),
            (DISCOUNT,),
            D("1.50"),
            D("0.50"),
            D("16.00"),
            D("8.0000"),
            VatClass.STANDARD,
            D("0.07"),
            D("1.12"),
        ),
    ),
]


@pytest.mark.parametrize(("build", "expected"), CASES)
def test_a_built_record_is_the_same_value_as_a_constructed_one(build, expected):
    values = [getattr(expected, f.name) for f in dataclasses.fields(expected)]
    built = build(*values)
    assert type(built) is type(expected)
    assert built == expected
    assert repr(built) == repr(expected)
    assert hash(built) == hash(expected)
    assert vars(built) == vars(expected)


@pytest.mark.parametrize("kind", [Explanation, Discount, PriceSource, LineResult])
def test_the_records_have_no_slots_and_no_post_init(kind):
    assert "__slots__" not in vars(kind)
    assert not hasattr(kind, "__post_init__")
