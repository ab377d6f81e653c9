"""What the survivor of a merge keeps and gains."""

from __future__ import annotations

import datetime as dt

import pytest
from chassis.errors import FailedPrecondition
from contacts.domain.merge import merged_customers, moved_contact
from contacts.domain.model import (
    Address,
    AddressKind,
    AuditStamp,
    ContactPerson,
    ContactProfile,
    Customer,
    CustomerKind,
    CustomerProfile,
    SalesConditions,
)

NOW = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def address(address_id: str, default: bool) -> Address:
    return Address(
        address_id, AddressKind.BILLING, "1", "ทุ่งมหาเมฆ", "สาทร", "กรุงเทพมหานคร", "10120", is_default=default
    )


def customer(customer_id: str, profile: CustomerProfile, merged_into: str = "") -> Customer:
    return Customer(customer_id, profile, "rep1", "t1", AuditStamp.new("rep1", NOW), merged_into)


def test_the_survivor_keeps_its_values_and_fills_gaps_from_the_duplicate() -> None:
    survivor = customer(
        "s",
        CustomerProfile(
            CustomerKind.JURISTIC,
            "สยามเทค",
            phone="+6621234567",
            customer_group_ids=("g1",),
            addresses=(address("a1", True),),
        ),
    )
    duplicate = customer(
        "d",
        CustomerProfile(
            CustomerKind.JURISTIC,
            "Siam Tech",
            name_en="Siam Tech",
            phone="+6620000000",
            email="info@siam.co.th",
            tax_id="0105555000129",
            branch_code="00000",
            customer_group_ids=("g1", "g2"),
            addresses=(address("a2", True),),
            sales_conditions=SalesConditions(credit_term_days=30),
        ),
    )
    new_survivor, new_duplicate = merged_customers(survivor, duplicate, "mgr1", NOW)
    p = new_survivor.profile
    assert (p.name, p.phone, p.email, p.name_en) == ("สยามเทค", "+6621234567", "info@siam.co.th", "Siam Tech")
    assert (p.tax_id, p.branch_code) == ("0105555000129", "00000")
    assert p.customer_group_ids == ("g1", "g2")
    assert [(a.id, a.is_default) for a in p.addresses] == [("a1", True), ("a2", False)]
    assert p.sales_conditions.credit_term_days == 30
    assert new_survivor.audit.version == 2
    assert new_duplicate.merged_into_id == "s"
    assert new_duplicate.profile.addresses == ()
    assert new_duplicate.audit.version == 2


def test_a_merged_customer_cannot_be_merged_again() -> None:
    profile = CustomerProfile(CustomerKind.JURISTIC, "x")
    with pytest.raises(FailedPrecondition):
        merged_customers(customer("s", profile), customer("d", profile, merged_into="other"), "mgr1", NOW)


def test_a_moved_primary_contact_stays_primary_only_without_one_at_the_survivor() -> None:
    contact = ContactPerson("cp1", "d", ContactProfile("วิไล", is_primary=True), AuditStamp.new("rep1", NOW))
    assert (
        moved_contact(contact, "s", survivor_has_primary=True, actor="m", now=NOW).profile.is_primary is False
    )
    kept = moved_contact(contact, "s", survivor_has_primary=False, actor="m", now=NOW)
    assert (kept.customer_id, kept.profile.is_primary, kept.audit.version) == ("s", True, 2)
