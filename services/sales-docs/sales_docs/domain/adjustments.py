"""Credit notes (Revenue Code §86/10) and debit notes (§86/9) correcting an issued tax invoice.

A note names the original invoice (number and date), the value on it, the correct value, the
difference, VAT on the difference and the reason. A credit note lowers the value (goods
returned, a price reduced, a defect allowance); a debit note raises it (goods short-charged, a
price raised). Amounts on notes are pre-VAT, as the sections state them; VAT is computed once
on the standard-rated difference. The "value on the original" counts earlier notes, so several
credits never take an invoice below zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from chassis.errors import FailedPrecondition, ViolationCollector
from chassis.money import round_satang

from sales_docs.domain.amounts import ZERO, TaxCategory, VatMode, vat_of
from sales_docs.domain.parties import Party
from sales_docs.domain.tax_invoices import TaxInvoice


class AdjustmentKind(StrEnum):
    CREDIT_NOTE = "credit_note"
    DEBIT_NOTE = "debit_note"


@dataclass(frozen=True)
class AdjustmentLine:
    """A credited or debited line: `amount` (pre-VAT) is quantity × unit price to the satang."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    unit: str = ""
    tax_category: TaxCategory = TaxCategory.STANDARD

    @property
    def amount(self) -> Decimal:
        return round_satang(self.quantity * self.unit_price)


@dataclass(frozen=True)
class AdjustmentNote:
    """A credit or debit note: `original_value` → `corrected_value`, `difference` (positive),
    `vat` on it and `total` = difference + VAT."""

    id: str
    number: str
    kind: AdjustmentKind
    issue_date: dt.date
    invoice_id: str
    invoice_number: str
    invoice_date: dt.date
    customer_id: str
    seller: Party
    buyer: Party
    reason: str
    lines: tuple[AdjustmentLine, ...]
    original_value: Decimal
    corrected_value: Decimal
    difference: Decimal
    vat_rate: Decimal
    vat: Decimal
    total: Decimal

    @property
    def signed_total(self) -> Decimal:
        """What the note does to the amount due: negative for a credit note."""
        return -self.total if self.kind == AdjustmentKind.CREDIT_NOTE else self.total

    @property
    def signed_base(self) -> Decimal:
        return -self.difference if self.kind == AdjustmentKind.CREDIT_NOTE else self.difference


def _note(
    kind: AdjustmentKind,
    id: str,
    number: str,
    invoice: TaxInvoice,
    lines: Sequence[AdjustmentLine],
    reason: str,
    issue_date: dt.date,
    earlier_notes: Sequence[AdjustmentNote],
) -> AdjustmentNote:
    if invoice.is_void:
        raise FailedPrecondition(f"tax invoice {invoice.number} is void; it cannot be corrected by a note")
    violations = ViolationCollector()
    if not number.strip():
        violations.add("number", "is required")
    if not reason.strip():
        violations.add(
            "reason", f"§86/{'10' if kind == AdjustmentKind.CREDIT_NOTE else '9'} requires the reason"
        )
    if issue_date < invoice.issue_date:
        violations.add("issue_date", f"must not be before the invoice's date {invoice.issue_date}")
    if not lines:
        violations.add("lines", "a note needs at least one line")
    for index, line in enumerate(lines):
        if line.quantity <= 0:
            violations.add(f"lines[{index}].quantity", "must be greater than zero")
        if line.unit_price <= 0:
            violations.add(f"lines[{index}].unit_price", "must be greater than zero")
        if not line.description.strip():
            violations.add(f"lines[{index}].description", "is required")
    violations.raise_if_any()
    original = invoice.totals.pre_vat_total + sum(
        (n.signed_base for n in earlier_notes if n.invoice_id == invoice.id), ZERO
    )
    difference = sum((line.amount for line in lines), ZERO)
    standard = sum((line.amount for line in lines if line.tax_category == TaxCategory.STANDARD), ZERO)
    if kind == AdjustmentKind.CREDIT_NOTE and difference > original:
        violations.add("lines", f"a credit of {difference} is more than the invoice's value {original}")
        violations.raise_if_any()
    corrected = original - difference if kind == AdjustmentKind.CREDIT_NOTE else original + difference
    vat_rate = invoice.totals.vat_rate
    vat = vat_of(standard, VatMode.EXCLUSIVE, vat_rate)
    return AdjustmentNote(
        id=id,
        number=number.strip(),
        kind=kind,
        issue_date=issue_date,
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        invoice_date=invoice.issue_date,
        customer_id=invoice.customer_id,
        seller=invoice.seller,
        buyer=invoice.buyer,
        reason=reason.strip(),
        lines=tuple(lines),
        original_value=original,
        corrected_value=corrected,
        difference=difference,
        vat_rate=vat_rate,
        vat=vat,
        total=difference + vat,
    )


def credit_note(
    id: str,
    number: str,
    invoice: TaxInvoice,
    lines: Sequence[AdjustmentLine],
    reason: str,
    issue_date: dt.date,
    earlier_notes: Sequence[AdjustmentNote] = (),
) -> AdjustmentNote:
    """A §86/10 credit note lowering `invoice` by the lines' value plus VAT."""
    return _note(AdjustmentKind.CREDIT_NOTE, id, number, invoice, lines, reason, issue_date, earlier_notes)


def debit_note(
    id: str,
    number: str,
    invoice: TaxInvoice,
    lines: Sequence[AdjustmentLine],
    reason: str,
    issue_date: dt.date,
    earlier_notes: Sequence[AdjustmentNote] = (),
) -> AdjustmentNote:
    """A §86/9 debit note raising `invoice` by the lines' value plus VAT."""
    return _note(AdjustmentKind.DEBIT_NOTE, id, number, invoice, lines, reason, issue_date, earlier_notes)
