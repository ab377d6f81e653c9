"""Leads: validation of a new lead, the status machine, qualification and disqualification."""

from __future__ import annotations

import datetime as dt

import pytest
from chassis.errors import FailedPrecondition, InvalidArgument
from contacts.domain.leads import (
    check_transition,
    disqualified,
    lead_to_form,
    parse_new_lead,
    qualified,
    split_contact_name,
    updated_lead,
)
from contacts.domain.model import AuditStamp, Lead, LeadForm, LeadProfile, LeadSource, LeadStatus
from contacts.domain.validation import Fields

NOW = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
S = LeadStatus


def a_lead(status: LeadStatus = S.NEW, reason: str = "") -> Lead:
    return Lead(
        id="lead_1",
        source=LeadSource.WEB_FORM,
        status=status,
        profile=LeadProfile(company_name="บริษัท บางนาโลจิสติกส์ จำกัด", contact_name="คุณวิไล"),
        owner_id="rep1",
        team_id="t1",
        audit=AuditStamp.new("rep1", NOW),
        disqualify_reason=reason,
    )


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (S.NEW, S.CONTACTED, True),
        (S.NEW, S.QUALIFIED, True),
        (S.NEW, S.DISQUALIFIED, True),
        (S.CONTACTED, S.QUALIFIED, True),
        (S.CONTACTED, S.DISQUALIFIED, True),
        (S.CONTACTED, S.NEW, False),
        (S.DISQUALIFIED, S.NEW, True),
        (S.DISQUALIFIED, S.CONTACTED, True),
        (S.DISQUALIFIED, S.QUALIFIED, False),
        (S.QUALIFIED, S.NEW, False),
        (S.QUALIFIED, S.CONTACTED, False),
        (S.QUALIFIED, S.DISQUALIFIED, False),
    ],
)
def test_status_machine(current: LeadStatus, target: LeadStatus, allowed: bool) -> None:
    if allowed:
        check_transition(current, target)
    else:
        with pytest.raises(FailedPrecondition):
            check_transition(current, target)


def test_a_new_lead_is_validated_field_by_field() -> None:
    fields = Fields("lead")
    source, status, profile = parse_new_lead(
        LeadForm(source="web_form", contact_name="คุณวิไล", phone="081-234-5678", email="Wilai@Example.co.th"),
        fields,
    )
    assert fields.violations == []
    assert (source, status) == (LeadSource.WEB_FORM, LeadStatus.NEW)
    assert profile.phone == "+66812345678"
    assert profile.email == "wilai@example.co.th"


def test_all_violations_of_a_new_lead_come_at_once() -> None:
    fields = Fields("lead")
    parse_new_lead(LeadForm(source="", status="qualified", email="nope", phone="123", tax_id="42"), fields)
    assert sorted(v.field for v in fields.violations) == [
        "lead.contact_name",
        "lead.email",
        "lead.phone",
        "lead.source",
        "lead.status",
        "lead.tax_id",
    ]


def test_disqualifying_keeps_the_reason_and_bumps_the_version() -> None:
    lead = disqualified(a_lead(), "no budget this year", "rep1", NOW)
    assert lead.status == S.DISQUALIFIED
    assert lead.disqualify_reason == "no budget this year"
    assert lead.audit.version == 2


def test_a_disqualified_lead_cannot_be_disqualified_again() -> None:
    with pytest.raises(FailedPrecondition):
        disqualified(a_lead(S.DISQUALIFIED, "x"), "again", "rep1", NOW)


def test_qualifying_links_the_customer_once() -> None:
    lead = qualified(a_lead(S.CONTACTED), "cus_1", "cp_1", "rep1", NOW)
    assert (lead.status, lead.customer_id, lead.contact_person_id) == (S.QUALIFIED, "cus_1", "cp_1")
    with pytest.raises(FailedPrecondition, match="already qualified"):
        qualified(lead, "cus_2", "", "rep1", NOW)


def test_an_update_to_disqualified_needs_a_reason() -> None:
    form = lead_to_form(a_lead())
    form.status = "disqualified"
    with pytest.raises(InvalidArgument) as error:
        updated_lead(a_lead(), form, Fields("lead"), "rep1", NOW)
    assert [v.field for v in error.value.violations] == ["lead.disqualify_reason"]


def test_reopening_a_disqualified_lead_clears_the_reason() -> None:
    lead = a_lead(S.DISQUALIFIED, "no budget")
    form = lead_to_form(lead)
    form.status = "new"
    reopened = updated_lead(lead, form, Fields("lead"), "rep1", NOW)
    assert (reopened.status, reopened.disqualify_reason) == (S.NEW, "")


def test_an_update_cannot_qualify_or_change_a_qualified_lead() -> None:
    form = lead_to_form(a_lead())
    form.status = "qualified"
    with pytest.raises(InvalidArgument):
        updated_lead(a_lead(), form, Fields("lead"), "rep1", NOW)
    with pytest.raises(FailedPrecondition):
        updated_lead(a_lead(S.QUALIFIED), lead_to_form(a_lead()), Fields("lead"), "rep1", NOW)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("สมชาย ใจดี", ("สมชาย", "ใจดี")),
        ("คุณวิไล", ("วิไล", "")),
        ("นางสาวสมศรี รักไทย", ("สมศรี", "รักไทย")),
        ("Mr. John Smith", ("John", "Smith")),
        ("Anna", ("Anna", "")),
    ],
)
def test_contact_names_split_into_first_and_last(name: str, expected: tuple[str, str]) -> None:
    assert split_contact_name(name) == expected
