"""Receipts against one or several tax invoices, full or partial, with withholding tax.

A company customer paying for services withholds income tax (Revenue Code §50 and §3 tredecim;
Revenue Department order Por. 4/2528: 1% transport, 2% advertising, 3% services and fees,
5% rent) on the pre-VAT amount and hands over a withholding certificate (50 ทวิ). The invoice
is settled by the cash received plus the tax withheld. Each allocation says how much of an
invoice's amount due it settles; the pre-VAT part of it is pro rata, and the allocation that
settles the last of an invoice takes the rest of its pre-VAT amount, so withholding over all
the receipts of an invoice adds up to the rate of its whole base.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from chassis.errors import FailedPrecondition, InvalidArgument, ViolationCollector
from chassis.money import round_satang

from sales_docs.domain.adjustments import AdjustmentNote
from sales_docs.domain.amounts import ZERO
from sales_docs.domain.parties import Party
from sales_docs.domain.payments import Payment, check_payment
from sales_docs.domain.tax_invoices import InvoiceKind, TaxInvoice

WITHHOLDING_TAX_RATES = (Decimal(1), Decimal(2), Decimal(3), Decimal(5))


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice's account: what it asks (after credit and debit notes) and what receipts
    settled so far (cash plus tax withheld), in total and of its pre-VAT amount."""

    invoice_id: str
    number: str
    customer_id: str
    issue_date: dt.date
    due_date: dt.date
    base: Decimal
    total: Decimal
    settled: Decimal = ZERO
    settled_base: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.settled

    def status(self, today: dt.date) -> PaymentStatus:
        """Paid, or else overdue past the due date, else partially paid or unpaid."""
        if self.outstanding <= 0:
            return PaymentStatus.PAID
        if today > self.due_date:
            return PaymentStatus.OVERDUE
        return PaymentStatus.PARTIALLY_PAID if self.settled > 0 else PaymentStatus.UNPAID


def open_invoice(invoice: TaxInvoice, notes: Sequence[AdjustmentNote] = ()) -> OpenInvoice:
    """The account of an issued invoice, counting its credit and debit notes."""
    if invoice.is_void:
        raise FailedPrecondition(f"tax invoice {invoice.number} is void")
    mine = [n for n in notes if n.invoice_id == invoice.id]
    return OpenInvoice(
        invoice_id=invoice.id,
        number=invoice.number,
        customer_id=invoice.customer_id,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        base=invoice.totals.pre_vat_total + sum((n.signed_base for n in mine), ZERO),
        total=invoice.totals.grand_total + sum((n.signed_total for n in mine), ZERO),
    )


@dataclass(frozen=True)
class AllocationRequest:
    """Settle `amount` (cash plus tax withheld) of invoice `invoice_id`."""

    invoice_id: str
    amount: Decimal


@dataclass(frozen=True)
class ReceiptAllocation:
    """What a receipt settles of one invoice: `amount` = `received` + `withholding_tax`."""

    invoice_id: str
    invoice_number: str
    amount: Decimal
    base: Decimal
    withholding_tax: Decimal
    received: Decimal


@dataclass(frozen=True)
class Receipt:
    id: str
    number: str
    customer_id: str
    seller: Party
    buyer: Party
    received_on: dt.date
    payment: Payment
    allocations: tuple[ReceiptAllocation, ...]
    withholding_tax_rate: Decimal = ZERO
    withholding_tax_certificate: str = ""
    notes: str = ""

    @property
    def amount(self) -> Decimal:
        """What the receipt settles, tax withheld included."""
        return sum((a.amount for a in self.allocations), ZERO)

    @property
    def withholding_tax(self) -> Decimal:
        return sum((a.withholding_tax for a in self.allocations), ZERO)

    @property
    def received(self) -> Decimal:
        """The money actually received."""
        return sum((a.received for a in self.allocations), ZERO)


def issue_receipt(
    id: str,
    number: str,
    customer_id: str,
    seller: Party,
    buyer: Party,
    received_on: dt.date,
    payment: Payment,
    invoices: Sequence[OpenInvoice],
    requests: Sequence[AllocationRequest],
    *,
    withholding_tax_rate: Decimal = ZERO,
    withholding_tax_certificate: str = "",
    notes: str = "",
) -> Receipt:
    """A receipt settling `requests` against `invoices` (the customer's open invoices);
    InvalidArgument names `allocations[i].amount` for a zero amount or one beyond what is due."""
    violations = ViolationCollector()
    if not number.strip():
        violations.add("number", "is required")
    check_payment(payment, "payment", violations)
    if withholding_tax_rate and withholding_tax_rate not in WITHHOLDING_TAX_RATES:
        violations.add("withholding_tax_rate", "must be 1, 2, 3 or 5 percent (or none)")
    if withholding_tax_rate and not withholding_tax_certificate.strip():
        violations.add(
            "withholding_tax_certificate", "the certificate number is required with withholding tax"
        )
    if not requests:
        violations.add("allocations", "a receipt settles at least one invoice")
    by_id = {invoice.invoice_id: invoice for invoice in invoices}
    seen: set[str] = set()
    allocations = []
    for index, request in enumerate(requests):
        where = f"allocations[{index}]"
        invoice = by_id.get(request.invoice_id)
        if invoice is None:
            violations.add(
                f"{where}.invoice_id", f"{request.invoice_id!r} is not an open invoice of the customer"
            )
            continue
        if request.invoice_id in seen:
            violations.add(f"{where}.invoice_id", "the same invoice appears twice")
            continue
        seen.add(request.invoice_id)
        if invoice.customer_id != customer_id:
            violations.add(f"{where}.invoice_id", f"invoice {invoice.number} belongs to another customer")
            continue
        amount = round_satang(request.amount)
        if amount <= 0:
            violations.add(f"{where}.amount", "must be greater than zero")
            continue
        if amount > invoice.outstanding:
            violations.add(
                f"{where}.amount",
                f"{amount} is larger than what is due on {invoice.number} ({invoice.outstanding})",
            )
            continue
        allocations.append(_allocation(invoice, amount, withholding_tax_rate))
    violations.raise_if_any()
    return Receipt(
        id=id,
        number=number.strip(),
        customer_id=customer_id,
        seller=seller,
        buyer=buyer,
        received_on=received_on,
        payment=payment,
        allocations=tuple(allocations),
        withholding_tax_rate=withholding_tax_rate,
        withholding_tax_certificate=withholding_tax_certificate.strip(),
        notes=notes,
    )


def _allocation(invoice: OpenInvoice, amount: Decimal, rate: Decimal) -> ReceiptAllocation:
    if amount == invoice.outstanding:
        base = invoice.base - invoice.settled_base
    else:
        base = round_satang(amount * invoice.base / invoice.total) if invoice.total else ZERO
    withholding = round_satang(base * rate / 100)
    return ReceiptAllocation(
        invoice.invoice_id, invoice.number, amount, base, withholding, amount - withholding
    )


def with_allocation(invoice: OpenInvoice, allocation: ReceiptAllocation) -> OpenInvoice:
    """The invoice's account after a receipt settled `allocation` of it."""
    if allocation.invoice_id != invoice.invoice_id:
        raise ValueError("the allocation belongs to another invoice")
    if allocation.amount > invoice.outstanding:
        raise InvalidArgument(
            "amount", f"larger than what is due on {invoice.number} ({invoice.outstanding})"
        )
    return replace(
        invoice,
        settled=invoice.settled + allocation.amount,
        settled_base=invoice.settled_base + allocation.base,
    )


def issue_tax_invoice_receipt(
    invoice: TaxInvoice,
    payment: Payment,
    *,
    withholding_tax_rate: Decimal = ZERO,
    withholding_tax_certificate: str = "",
) -> Receipt:
    """The receipt half of a combined tax invoice / receipt (services: the tax point is the
    payment), settling the invoice in full under the invoice's own number and date."""
    if invoice.kind != InvoiceKind.TAX_INVOICE_RECEIPT:
        raise FailedPrecondition(f"{invoice.number} is a {invoice.kind.value}, not a tax invoice / receipt")
    account = open_invoice(invoice)
    return issue_receipt(
        invoice.id,
        invoice.number,
        invoice.customer_id,
        invoice.seller,
        invoice.buyer,
        invoice.issue_date,
        payment,
        [account],
        [AllocationRequest(invoice.id, account.outstanding)],
        withholding_tax_rate=withholding_tax_rate,
        withholding_tax_certificate=withholding_tax_certificate,
    )
