"""Invoice drafts: an invoice another service asked for (a maintenance contract's period fee
from service-desk), waiting for an accountant to issue or discard it.

A draft takes no number (numbers are gapless; a discarded draft must leave no hole). Issuing
it makes a confirmed sale order of its lines and that order's full tax invoice in one
transaction; the draft then records both. The buyer is not kept on the draft: the tax invoice
takes the customer's tax particulars as they are on the day it is issued (§86/4), which may be
weeks after the draft was made.

The renewal quotation (a contract without auto-renew) is the existing quotation with one line
priced by hand (no product id, so pricing does not evaluate it): `renewal_line` and
`renewal_validity` decide its line and how long it is valid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from chassis.errors import FailedPrecondition, InvalidArgument, ViolationCollector
from chassis.money import THAI_VAT_RATE

from sales_docs.domain.amounts import ZERO, LineItem, PricedDocument, TaxCategory, VatMode, price_document

SERVICE_CONTRACT = "service_contract"


class DraftStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    DISCARDED = "discarded"


@dataclass(frozen=True)
class Billing:
    """One period's fee as the contract's service asked for it; `key` is unique per period."""

    key: str
    contract_id: str
    customer_id: str
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    description: str
    owner_id: str = ""
    team_id: str = ""


@dataclass(frozen=True)
class InvoiceDraft:
    id: str
    customer_id: str
    owner_id: str
    team_id: str
    source: str
    source_key: str
    contract_id: str
    period_start: dt.date
    period_end: dt.date
    items: tuple[LineItem, ...]
    vat_mode: VatMode = VatMode.EXCLUSIVE
    vat_rate: Decimal = THAI_VAT_RATE
    status: DraftStatus = DraftStatus.DRAFT
    sale_order_id: str = ""
    sale_order_number: str = ""
    invoice_id: str = ""
    invoice_number: str = ""
    discard_reason: str = ""
    version: int = 1

    @property
    def priced(self) -> PricedDocument:
        return price_document(self.items, self.vat_mode, ZERO, self.vat_rate)


def check_billing(billing: Billing) -> None:
    """InvalidArgument naming each bad field of the billing (`billing.amount`, …)."""
    violations = ViolationCollector()
    if not billing.key.strip():
        violations.add("billing.key", "is required")
    if not billing.customer_id.strip():
        violations.add("contract.customer_id", "is required")
    if billing.amount <= 0:
        violations.add("billing.amount", "must be greater than zero")
    if billing.amount != billing.amount.quantize(Decimal("0.01")):
        violations.add("billing.amount", "must be in whole satang")
    if billing.period_end < billing.period_start:
        violations.add("billing.period_end", "must not be before the period start")
    violations.raise_if_any()


def renewal_line(billing: Billing) -> LineItem:
    """The one MA-fee line: the description, quantity 1 at the fee, standard VAT, priced by
    hand (no product, so `priced_net` stays None: nothing to compare an override with)."""
    description = billing.description.strip() or (
        f"ค่าบริการบำรุงรักษา / MA fee {billing.period_start.isoformat()} – {billing.period_end.isoformat()}"
    )
    return LineItem(
        description=description,
        quantity=Decimal(1),
        unit_price=billing.amount,
        tax_category=TaxCategory.STANDARD,
    )


def new_invoice_draft(id: str, billing: Billing) -> InvoiceDraft:
    """The draft MA-fee invoice of one contract period, VAT exclusive at the standard rate."""
    check_billing(billing)
    draft = InvoiceDraft(
        id=id,
        customer_id=billing.customer_id.strip(),
        owner_id=billing.owner_id,
        team_id=billing.team_id,
        source=SERVICE_CONTRACT,
        source_key=billing.key.strip(),
        contract_id=billing.contract_id,
        period_start=billing.period_start,
        period_end=billing.period_end,
        items=(renewal_line(billing),),
    )
    _ = draft.priced  # validates the line
    return draft


def _require_draft(draft: InvoiceDraft, action: str) -> None:
    if draft.status != DraftStatus.DRAFT:
        raise FailedPrecondition(
            f"invoice draft {draft.id} is {draft.status.value}; only a draft can be {action}"
        )


def issued(
    draft: InvoiceDraft, sale_order_id: str, sale_order_number: str, invoice_id: str, invoice_number: str
) -> InvoiceDraft:
    """The draft once its order and invoice exist; FailedPrecondition unless still a draft."""
    _require_draft(draft, "issued")
    if not (invoice_id and invoice_number):
        raise InvalidArgument("invoice_number", "an issued draft records its invoice")
    return replace(
        draft,
        status=DraftStatus.ISSUED,
        sale_order_id=sale_order_id,
        sale_order_number=sale_order_number,
        invoice_id=invoice_id,
        invoice_number=invoice_number,
        version=draft.version + 1,
    )


def check_issuable(draft: InvoiceDraft) -> None:
    """FailedPrecondition unless the draft can still be issued (checked before any number)."""
    _require_draft(draft, "issued")


def discarded(draft: InvoiceDraft, reason: str) -> InvoiceDraft:
    """A draft not to invoice (the contract was cancelled, billed elsewhere …); reason required."""
    if not reason.strip():
        raise InvalidArgument("reason", "is required when an invoice draft is discarded")
    _require_draft(draft, "discarded")
    return replace(
        draft, status=DraftStatus.DISCARDED, discard_reason=reason.strip(), version=draft.version + 1
    )


def renewal_validity(today: dt.date, period_start: dt.date, validity_days: int) -> dt.date:
    """A renewal quotation is valid until the day before the new term starts (the customer
    accepts before it), and at least the usual validity when the term is near or begun."""
    return max(period_start - dt.timedelta(days=1), today + dt.timedelta(days=validity_days))
