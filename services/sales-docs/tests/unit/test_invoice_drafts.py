"""Invoice drafts of MA fees: one VAT-exclusive service line at the fee, no number while a
draft, issued or discarded once; the renewal quotation's line and validity."""

import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import FailedPrecondition, InvalidArgument
from sales_docs.domain.amounts import TaxCategory, VatMode
from sales_docs.domain.invoice_drafts import (
    SERVICE_CONTRACT,
    Billing,
    DraftStatus,
    check_issuable,
    discarded,
    issued,
    new_invoice_draft,
    renewal_line,
    renewal_validity,
)
from sales_docs.domain.parties import Party
from sales_docs.domain.sale_orders import confirmed, new_sale_order
from sales_docs.domain.tax_invoices import issue_tax_invoice, lines_from_order

D = Decimal
BILLING = Billing(
    key="ctr_1:2027-01-01",
    contract_id="ctr_1",
    customer_id="cus_1",
    period_start=dt.date(2027, 1, 1),
    period_end=dt.date(2027, 12, 31),
    amount=D("36000.00"),
    description="ค่าบริการบำรุงรักษา 2027-01-01 – 2027-12-31 (ctr_1)",
    owner_id="u-malee",
    team_id="team-bkk",
)


def test_a_draft_has_one_service_line_at_the_fee_with_vat_on_top() -> None:
    draft = new_invoice_draft("ind_1", BILLING)
    assert (draft.status, draft.source, draft.source_key) == (
        DraftStatus.DRAFT,
        SERVICE_CONTRACT,
        BILLING.key,
    )
    assert draft.vat_mode == VatMode.EXCLUSIVE
    (line,) = draft.items
    assert (line.description, line.quantity, line.unit_price) == (BILLING.description, D(1), D("36000.00"))
    assert (line.tax_category, line.product_id) == (TaxCategory.STANDARD, "")
    totals = draft.priced.totals
    assert (totals.pre_vat_total, totals.vat, totals.grand_total) == (
        D("36000.00"),
        D("2520.00"),
        D("38520.00"),
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": D("0")}, "billing.amount"),
        ({"amount": D("-1.00")}, "billing.amount"),
        ({"amount": D("100.005")}, "billing.amount"),
        ({"key": " "}, "billing.key"),
        ({"customer_id": ""}, "contract.customer_id"),
        ({"period_end": dt.date(2026, 12, 31)}, "billing.period_end"),
    ],
)
def test_a_bad_billing_is_refused_naming_the_field(change: dict[str, object], field: str) -> None:
    bad = Billing(**{**BILLING.__dict__, **change})  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument) as refused:
        new_invoice_draft("ind_1", bad)
    assert field in [v.field for v in refused.value.violations]


def test_a_missing_description_gets_the_period() -> None:
    line = renewal_line(Billing(**{**BILLING.__dict__, "description": ""}))
    assert "2027-01-01 – 2027-12-31" in line.description


def test_an_issued_draft_records_its_order_and_invoice_and_cannot_be_issued_again() -> None:
    draft = new_invoice_draft("ind_1", BILLING)
    done = issued(draft, "so_1", "SO2570-00001", "inv_1", "INV2570-00001")
    assert (done.status, done.invoice_number, done.sale_order_id, done.version) == (
        DraftStatus.ISSUED,
        "INV2570-00001",
        "so_1",
        2,
    )
    with pytest.raises(FailedPrecondition):
        check_issuable(done)
    with pytest.raises(FailedPrecondition):
        issued(done, "so_2", "SO2570-00002", "inv_2", "INV2570-00002")
    with pytest.raises(FailedPrecondition):
        discarded(done, "billed twice")


def test_a_discard_needs_a_reason_and_ends_the_draft() -> None:
    draft = new_invoice_draft("ind_1", BILLING)
    with pytest.raises(InvalidArgument) as refused:
        discarded(draft, "  ")
    assert refused.value.violations[0].field == "reason"
    done = discarded(draft, " contract cancelled ")
    assert (done.status, done.discard_reason) == (DraftStatus.DISCARDED, "contract cancelled")
    with pytest.raises(FailedPrecondition):
        check_issuable(done)


def test_the_drafts_lines_make_an_order_whose_full_invoice_charges_vat_on_the_fee(
    seller: Party, buyer: Party
) -> None:
    draft = new_invoice_draft("ind_1", BILLING)
    day = dt.date(2026, 12, 2)
    order = new_sale_order("so_1", buyer, draft.customer_id, draft.owner_id, day, draft.items)
    order = confirmed(order, "SO2569-00001")
    invoice = issue_tax_invoice(
        "inv_1", "INV2569-00001", seller, buyer, draft.customer_id, day, lines_from_order(order), order=order
    )
    assert (invoice.totals.pre_vat_total, invoice.totals.vat, invoice.totals.grand_total) == (
        D("36000.00"),
        D("2520.00"),
        D("38520.00"),
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 11, 2), dt.date(2026, 12, 31)),  # 60 days ahead: until the term starts
        (dt.date(2026, 12, 25), dt.date(2027, 1, 24)),  # the term is near: the usual 30 days
    ],
)
def test_a_renewal_quotation_is_valid_until_the_term_starts_or_the_usual_days(
    today: dt.date, expected: dt.date
) -> None:
    assert renewal_validity(today, dt.date(2027, 1, 1), 30) == expected
