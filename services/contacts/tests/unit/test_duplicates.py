"""Duplicate scoring: tax id + branch, phone, e-mail and similar names, 0-100 with reasons."""

from __future__ import annotations

import pytest
from contacts.domain.duplicates import DuplicateProbe, normalise_name, rank_duplicates, score_pair
from hypothesis import given
from hypothesis import strategies as st

TAX = "0105555000129"
OTHER_TAX = "0105555000137"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("บริษัท สยามเทคโนโลยี จำกัด", "สยามเทคโนโลยี"),
        ("บริษัทสยามเทคโนโลยีจำกัด", "สยามเทคโนโลยี"),
        ("บริษัท ไทยพาณิชย์อุตสาหกรรม จำกัด (มหาชน)", "ไทยพาณิชย์อุตสาหกรรม"),
        ("บจก. สยามเทคโนโลยี", "สยามเทคโนโลยี"),
        ("ห้างหุ้นส่วนจำกัด ภูเก็ตมารีน", "ภูเก็ตมารีน"),
        ("Siam Technology Co., Ltd.", "siamtechnology"),
        ("SIAM TECHNOLOGY COMPANY LIMITED", "siamtechnology"),
        ("Thai Commercial Industries Public Company Limited", "thaicommercialindustries"),
        ("Phuket Marine Ltd., Part.", "phuketmarine"),
        ("Costco", "costco"),
        ("คุณสมศรี ใจดี", "สมศรีใจดี"),
    ],
)
def test_names_lose_legal_form_affixes(name: str, expected: str) -> None:
    assert normalise_name(name) == expected


def probe(customer_id: str, name: str = "", **kwargs: str) -> DuplicateProbe:
    return DuplicateProbe(customer_id=customer_id, name=name, **kwargs)


@pytest.mark.parametrize(
    ("new", "existing", "low", "high", "reason_fields"),
    [
        # The same tax id and branch: certainly the same customer.
        (
            probe("", "ABC", tax_id=TAX, branch_code="00000"),
            probe("c1", "Something else", tax_id=TAX, branch_code="00000"),
            100,
            100,
            {"tax_id"},
        ),
        # Another branch of the same company: related, not a duplicate.
        (
            probe("", "บริษัท สยามเทค จำกัด", tax_id=TAX, branch_code="00001"),
            probe("c1", "บริษัท สยามเทค จำกัด", tax_id=TAX, branch_code="00000"),
            50,
            70,
            {"tax_id", "name"},
        ),
        # Two valid, different tax ids: two legal persons, whatever else matches.
        (
            probe("", "บริษัท สยามเทค จำกัด", tax_id=OTHER_TAX, phone="+6621234567"),
            probe("c1", "บริษัท สยามเทค จำกัด", tax_id=TAX, phone="+6621234567"),
            60,
            60,
            {"phone", "name"},
        ),
        (
            probe("", "X Co., Ltd.", phone="+66812345678"),
            probe("c1", "Y", phone="+66812345678"),
            85,
            85,
            {"phone"},
        ),
        (probe("", "X", email="a@x.co.th"), probe("c1", "Y", email="a@x.co.th"), 85, 85, {"email"}),
        (
            probe("", "X", phone="+66812345678", email="a@x.co.th"),
            probe("c1", "Y", phone="+66812345678", email="a@x.co.th"),
            97,
            99,
            {"phone", "email"},
        ),
        # The same name written two ways.
        (probe("", "บริษัท สยามเทคโนโลยี จำกัด"), probe("c1", "บริษัทสยามเทคโนโลยีจำกัด (มหาชน)"), 90, 90, {"name"}),
        (
            probe("", "", name_en="Siam Technology Co., Ltd."),
            probe("c1", "x", name_en="SIAM TECHNOLOGY LIMITED"),
            90,
            90,
            {"name"},
        ),
        # A similar but different name stays below the blocking score.
        (probe("", "บริษัท สยามเทค จำกัด"), probe("c1", "บริษัท สยามเทคโนโลยี จำกัด"), 60, 79, {"name"}),
        (probe("", "บริษัท เชียงใหม่ฟู้ดส์ จำกัด"), probe("c1", "บริษัท ขอนแก่นก่อสร้าง จำกัด"), 0, 0, set()),
    ],
)
def test_scores_and_reasons(
    new: DuplicateProbe, existing: DuplicateProbe, low: int, high: int, reason_fields: set[str]
) -> None:
    match = score_pair(new, existing)
    assert low <= match.score <= high
    assert {r.field for r in match.reasons} == reason_fields


def test_rank_keeps_matches_from_the_minimum_best_first() -> None:
    new = probe("", "บริษัท สยามเทคโนโลยี จำกัด", phone="+6621234567")
    others = [
        probe("weak", "บริษัท สยามเทค จำกัด"),
        probe("strong", "Other", phone="+6621234567"),
        probe("none", "บริษัท ขอนแก่นก่อสร้าง จำกัด"),
        probe("", "the probe itself is left out"),
    ]
    ranked = rank_duplicates(new, others, min_score=50)
    assert [m.customer_id for m in ranked] == ["strong", "weak"]


names = st.text(alphabet="กขคงสยามเทคโนabcdef ", max_size=20)
contact = st.sampled_from(["", "+6621234567", "+66812345678"])


@given(names, names, contact, contact)
def test_score_is_between_0_and_100(a: str, b: str, phone_a: str, phone_b: str) -> None:
    match = score_pair(probe("", a, phone=phone_a), probe("c1", b, phone=phone_b))
    assert 0 <= match.score <= 100


@given(names, names)
def test_same_tax_id_and_branch_is_always_certain(a: str, b: str) -> None:
    match = score_pair(
        probe("", a, tax_id=TAX, branch_code="00000"), probe("c1", b, tax_id=TAX, branch_code="00000")
    )
    assert match.score == 100
