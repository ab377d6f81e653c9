"""Quotations: the state machine, revisions, approval by override threshold, expiry."""

import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import FailedPrecondition, InvalidArgument
from sales_docs.domain.amounts import LineItem
from sales_docs.domain.parties import Party
from sales_docs.domain.quotations import (
    ALLOWED_TRANSITIONS,
    ApprovalPolicy,
    Quotation,
    QuotationStatus,
    accepted,
    approved,
    declined,
    edited,
    expired,
    is_due_to_expire,
    new_quotation,
    override_percent,
    rejected,
    revised,
    sent,
    submitted,
)

D = Decimal
ISSUED = dt.date(2026, 11, 23)
VALID_UNTIL = dt.date(2026, 12, 23)
POLICY = ApprovalPolicy(max_override_percent=D(10))


def _quotation(buyer: Party, *items: LineItem) -> Quotation:
    lines = items or (LineItem("Server rack", D(2), D("45000.00"), priced_net=D("90000.00")),)
    return new_quotation("q-1", buyer, "cus-1", "rep-1", ISSUED, VALID_UNTIL, lines)


def test_a_quotation_without_overrides_is_approved_on_submit(buyer: Party) -> None:
    quotation = submitted(_quotation(buyer), "QT2569-00001", POLICY)
    assert (quotation.status, quotation.number, quotation.approval_reasons) == (
        QuotationStatus.APPROVED,
        "QT2569-00001",
        (),
    )
    assert quotation.priced.totals.grand_total == D("96300.00")


def test_an_override_beyond_the_threshold_needs_approval(buyer: Party) -> None:
    overridden = LineItem("Server rack", D(2), D("45000.00"), discount=D("9000.01"), priced_net=D("90000.00"))
    assert override_percent(overridden) == D("10.00001111111111111111111111")
    quotation = submitted(_quotation(buyer, overridden), "QT2569-00002", POLICY)
    assert quotation.status == QuotationStatus.SUBMITTED
    assert quotation.approval_reasons == ("lines[0]: 10.00% below the priced net (limit 10%)",)
    at_limit = LineItem("Server rack", D(2), D("45000.00"), discount=D("9000.00"), priced_net=D("90000.00"))
    assert submitted(_quotation(buyer, at_limit), "QT2569-00003", POLICY).status == QuotationStatus.APPROVED


def test_approval_then_send_then_accept(buyer: Party) -> None:
    overridden = LineItem("Rack", D(1), D("100.00"), discount=D("50.00"), priced_net=D("100.00"))
    quotation = submitted(_quotation(buyer, overridden), "QT2569-00004", POLICY)
    quotation = approved(quotation, "strategic account")
    quotation = sent(quotation, ISSUED)
    quotation = accepted(quotation, VALID_UNTIL)
    assert (quotation.status, quotation.decision_reason) == (QuotationStatus.ACCEPTED, "strategic account")


def test_rejection_needs_a_reason_and_is_final_for_that_revision(buyer: Party) -> None:
    overridden = LineItem("Rack", D(1), D("100.00"), discount=D("50.00"), priced_net=D("100.00"))
    quotation = submitted(_quotation(buyer, overridden), "QT2569-00005", POLICY)
    with pytest.raises(InvalidArgument) as raised:
        rejected(quotation, "  ")
    assert raised.value.violations[0].field == "reason"
    quotation = rejected(quotation, "margin too low")
    with pytest.raises(FailedPrecondition):
        sent(quotation, ISSUED)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (QuotationStatus.DRAFT, {QuotationStatus.SUBMITTED, QuotationStatus.APPROVED}),
        (QuotationStatus.SUBMITTED, {QuotationStatus.APPROVED, QuotationStatus.REJECTED}),
        (QuotationStatus.APPROVED, {QuotationStatus.SENT, QuotationStatus.EXPIRED}),
        (QuotationStatus.SENT, {QuotationStatus.ACCEPTED, QuotationStatus.DECLINED, QuotationStatus.EXPIRED}),
        (QuotationStatus.ACCEPTED, set()),
        (QuotationStatus.DECLINED, set()),
        (QuotationStatus.REJECTED, set()),
        (QuotationStatus.EXPIRED, set()),
    ],
)
def test_the_allowed_transitions(status: QuotationStatus, allowed: set[QuotationStatus]) -> None:
    assert ALLOWED_TRANSITIONS[status] == allowed


def test_a_draft_cannot_be_sent_and_a_sent_one_cannot_be_edited(buyer: Party) -> None:
    draft = _quotation(buyer)
    with pytest.raises(FailedPrecondition):
        sent(draft, ISSUED)
    offer = sent(submitted(draft, "QT2569-00006", POLICY), ISSUED)
    with pytest.raises(FailedPrecondition):
        edited(offer, notes="changed")
    assert declined(offer, "too expensive").status == QuotationStatus.DECLINED


def test_a_revision_keeps_the_number_and_makes_the_old_one_read_only(buyer: Party) -> None:
    offer = sent(submitted(_quotation(buyer), "QT2569-00007", POLICY), ISSUED)
    old, new = revised(offer, "q-2", dt.date(2026, 11, 25), dt.date(2026, 12, 25))
    assert (new.number, new.revision, new.status, new.display_number) == (
        "QT2569-00007",
        2,
        QuotationStatus.DRAFT,
        "QT2569-00007 Rev.2",
    )
    assert old.superseded
    with pytest.raises(FailedPrecondition):
        accepted(old, ISSUED)
    new = edited(new, items=[LineItem("Server rack", D(2), D("44000.00"), priced_net=D("90000.00"))])
    assert submitted(new, "ignored: the number stays", POLICY).number == "QT2569-00007"


def test_a_renewal_quotation_keeps_its_source_key_through_revisions_and_acceptance(buyer: Party) -> None:
    lines = (LineItem("MA 2027", D(1), D("48500.50")),)
    draft = new_quotation(
        "q-9", buyer, "cus-1", "rep-1", ISSUED, VALID_UNTIL, lines, source_key="ma_1:2027-01-01"
    )
    offer = sent(submitted(draft, "QT2569-00009", POLICY), ISSUED)
    _, new = revised(offer, "q-10", ISSUED, VALID_UNTIL)
    assert new.source_key == "ma_1:2027-01-01"
    assert accepted(sent(submitted(new, "", POLICY), ISSUED), ISSUED).source_key == "ma_1:2027-01-01"
    assert _quotation(buyer).source_key == ""


def test_expiry_after_the_validity_date(buyer: Party) -> None:
    offer = sent(submitted(_quotation(buyer), "QT2569-00008", POLICY), ISSUED)
    assert not is_due_to_expire(offer, VALID_UNTIL)
    assert is_due_to_expire(offer, VALID_UNTIL + dt.timedelta(days=1))
    with pytest.raises(FailedPrecondition):
        expired(offer, VALID_UNTIL)
    with pytest.raises(FailedPrecondition):
        accepted(offer, VALID_UNTIL + dt.timedelta(days=1))
    assert expired(offer, VALID_UNTIL + dt.timedelta(days=1)).status == QuotationStatus.EXPIRED


def test_bad_quotation_input_names_the_fields(buyer: Party) -> None:
    with pytest.raises(InvalidArgument) as raised:
        new_quotation("q", buyer, "cus-1", "rep", ISSUED, ISSUED - dt.timedelta(days=1), [])
    assert {v.field for v in raised.value.violations} == {"valid_until"}
    with pytest.raises(InvalidArgument) as zero:
        new_quotation("q", buyer, "cus-1", "rep", ISSUED, VALID_UNTIL, [LineItem("A", D(0), D(1))])
    assert zero.value.violations[0].field == "lines[0].quantity"
