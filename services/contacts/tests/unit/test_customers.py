"""Customers: identifiers by kind, Thai addresses, sales conditions, update masks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from chassis.money import Money
from contacts.domain.customers import UPDATABLE_FIELDS, customer_to_form, parse_customer_profile
from contacts.domain.field_masks import overlay
from contacts.domain.model import (
    AddressForm,
    AddressKind,
    AuditStamp,
    Customer,
    CustomerForm,
    CustomerKind,
    MoneyForm,
    PaymentMethod,
    SalesConditionsForm,
)
from contacts.domain.validation import Fields
from stdnum.th import pin

COMPANY = "010555500012" + pin.calc_check_digit("010555500012")
PERSON = "310060044563" + pin.calc_check_digit("310060044563")
NOW = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def bangkok(**changes: object) -> AddressForm:
    address = AddressForm(
        kind="billing",
        house_no="99/9 ถนนสาทรใต้",
        sub_district="ทุ่งมหาเมฆ",
        district="สาทร",
        province="กรุงเทพมหานคร",
        postcode="10120",
    )
    for key, value in changes.items():
        setattr(address, key, value)
    return address


def violations(form: CustomerForm) -> dict[str, str]:
    fields = Fields("customer")
    parse_customer_profile(form, fields)
    return {v.field: v.reason for v in fields.violations}


def test_a_juristic_customer_is_normalised() -> None:
    fields = Fields("customer")
    profile = parse_customer_profile(
        CustomerForm(
            kind="juristic",
            name=" บริษัท  สยามเทคโนโลยี จำกัด ",
            tax_id=COMPANY,
            phone="02-123-4567",
            addresses=[bangkok()],
            sales_conditions=SalesConditionsForm(
                credit_term_days="30",
                credit_limit=MoneyForm("500,000.00", ""),
                default_discount_percent="5.5",
                payment_method="transfer",
            ),
        ),
        fields,
    )
    assert fields.violations == []
    assert profile.kind == CustomerKind.JURISTIC
    assert profile.name == "บริษัท สยามเทคโนโลยี จำกัด"
    assert profile.branch_code == "00000"
    assert profile.phone == "+6621234567"
    assert profile.addresses[0].is_default
    conditions = profile.sales_conditions
    assert conditions.credit_limit == Money(Decimal("500000.00"), "THB")
    assert conditions.default_discount_percent == Decimal("5.5")
    assert conditions.payment_method == PaymentMethod.TRANSFER


def test_every_bad_field_is_named_with_its_path() -> None:
    found = violations(
        CustomerForm(
            kind="juristic",
            name="",
            tax_id="0105555000120",
            branch_code="1-2",
            email="a@",
            phone="12",
            addresses=[bangkok(postcode="1012"), bangkok(kind="", house_no="")],
            sales_conditions=SalesConditionsForm(
                credit_term_days="-1",
                credit_limit=MoneyForm("1.234", "baht"),
                default_discount_percent="120",
                payment_method="bitcoin",
            ),
            anniversary_date="2024-02-30",
        )
    )
    assert set(found) == {
        "customer.name",
        "customer.tax_id",
        "customer.branch_code",
        "customer.email",
        "customer.phone",
        "customer.addresses[0].postcode",
        "customer.addresses[1].kind",
        "customer.addresses[1].house_no",
        "customer.sales_conditions.credit_term_days",
        "customer.sales_conditions.credit_limit.amount",
        "customer.sales_conditions.credit_limit.currency_code",
        "customer.sales_conditions.default_discount_percent",
        "customer.sales_conditions.payment_method",
        "customer.anniversary_date",
    }


@pytest.mark.parametrize(
    ("kind", "tax_id", "branch", "bad_field"),
    [
        ("individual", PERSON, "", None),
        ("individual", COMPANY, "", "customer.tax_id"),  # a company's number is not a national id
        ("individual", PERSON, "00000", "customer.branch_code"),
        ("juristic", COMPANY, "00012", None),
        ("juristic", PERSON, "", None),  # a sole trader's tax id is the owner's national id
        ("", COMPANY, "", "customer.kind"),
    ],
)
def test_identifiers_depend_on_the_kind(kind: str, tax_id: str, branch: str, bad_field: str | None) -> None:
    found = violations(CustomerForm(kind=kind, name="ลูกค้า", tax_id=tax_id, branch_code=branch))
    assert set(found) == ({bad_field} if bad_field else set())


def test_one_default_address_per_kind() -> None:
    fields = Fields("customer")
    profile = parse_customer_profile(
        CustomerForm(
            kind="juristic",
            name="x",
            addresses=[bangkok(), bangkok(is_default=True), bangkok(kind="shipping")],
        ),
        fields,
    )
    assert [(a.kind, a.is_default) for a in profile.addresses] == [
        (AddressKind.BILLING, False),
        (AddressKind.BILLING, True),
        (AddressKind.SHIPPING, True),
    ]
    assert violations(
        CustomerForm(
            kind="juristic", name="x", addresses=[bangkok(is_default=True), bangkok(is_default=True)]
        )
    ) == {"customer.addresses[1].is_default": "only one default billing address"}


def test_foreign_addresses_need_no_thai_parts() -> None:
    assert (
        violations(
            CustomerForm(
                kind="juristic",
                name="x",
                addresses=[
                    AddressForm(
                        kind="shipping", house_no="1 Raffles Place", country_code="sg", postcode="048616"
                    )
                ],
            )
        )
        == {}
    )


def test_an_update_mask_overlays_only_the_named_fields() -> None:
    fields = Fields("customer")
    current = Customer(
        id="cus_1",
        owner_id="rep1",
        team_id="t1",
        audit=AuditStamp.new("rep1", NOW),
        profile=parse_customer_profile(CustomerForm(kind="juristic", name="เดิม", phone="0812345678"), fields),
    )
    given = CustomerForm(name="ใหม่", phone="", email="new@example.co.th")
    merged = overlay(
        customer_to_form(current),
        given,
        ["name", "sales_conditions.credit_term_days"],
        UPDATABLE_FIELDS,
        fields.root(),
    )
    assert (merged.name, merged.phone, merged.email) == ("ใหม่", "+66812345678", "")
    overlay(customer_to_form(current), given, ["owner_id", "nonsense"], UPDATABLE_FIELDS, fields.root())
    assert [v.field for v in fields.violations] == ["update_mask.paths[0]", "update_mask.paths[1]"]


def test_without_a_mask_the_populated_fields_are_taken() -> None:
    current = CustomerForm(kind="juristic", name="เดิม", phone="0812345678")
    merged = overlay(current, CustomerForm(email="new@example.co.th"), [], UPDATABLE_FIELDS, Fields())
    assert (merged.name, merged.phone, merged.email) == ("เดิม", "0812345678", "new@example.co.th")
