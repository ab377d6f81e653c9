"""The particulars a full tax invoice must show (Revenue Code §86/4), as data.

(1) the words "ใบกำกับภาษี" in a prominent place; (2) the seller's name, address and tax id;
(3) the buyer's name and address (and tax id when VAT-registered); (4) the invoice number (and
book number, if any); (5) name, kind, category, quantity and value of the goods or services;
(6) the VAT, shown separately from the value; (7) the date of issue; (8) what the
Director-General prescribes: head office or branch number of seller and buyer (notice 199).
The PDF prints these, and the tests check each one is in the PDF's text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sales_docs.domain.parties import Party
from sales_docs.domain.tax_invoices import InvoiceKind, TaxInvoice

TITLE_TAX_INVOICE = "ใบกำกับภาษี / Tax Invoice"
TITLE_TAX_INVOICE_RECEIPT = "ใบกำกับภาษี/ใบเสร็จรับเงิน / Tax Invoice/Receipt"


@dataclass(frozen=True)
class ParticularLine:
    description: str
    quantity: Decimal
    unit: str
    value: Decimal


@dataclass(frozen=True)
class TaxInvoiceParticulars:
    title: str
    seller: Party
    buyer: Party
    number: str
    issue_date: dt.date
    lines: tuple[ParticularLine, ...]
    value: Decimal
    vat: Decimal
    total: Decimal


def particulars(invoice: TaxInvoice) -> TaxInvoiceParticulars:
    """The §86/4 particulars of an issued invoice (checked when it was issued)."""
    title = (
        TITLE_TAX_INVOICE_RECEIPT if invoice.kind == InvoiceKind.TAX_INVOICE_RECEIPT else TITLE_TAX_INVOICE
    )
    return TaxInvoiceParticulars(
        title=title,
        seller=invoice.seller,
        buyer=invoice.buyer,
        number=invoice.number,
        issue_date=invoice.issue_date,
        lines=tuple(ParticularLine(li.description, li.quantity, li.unit, li.amount) for li in invoice.lines),
        value=invoice.totals.pre_vat_total,
        vat=invoice.totals.vat,
        total=invoice.totals.grand_total,
    )
