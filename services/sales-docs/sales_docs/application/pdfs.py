"""Printed documents: the PDF of any document the caller may see."""

from __future__ import annotations

from chassis.errors import InvalidArgument
from chassis.identity import Caller

from sales_docs.application.context import SalesContext, load
from sales_docs.documents.payment_views import deposit_view, receipt_view
from sales_docs.documents.renderer import render_pdf
from sales_docs.documents.views import DocumentView, adjustment_view, quotation_view, tax_invoice_view

KINDS = ("quotation", "deposit", "tax_invoice", "credit_note", "debit_note", "receipt")


def document_pdf(
    ctx: SalesContext, caller: Caller, document_type: str, document_id: str
) -> tuple[str, bytes]:
    """(file name, PDF bytes)."""
    view: DocumentView
    with ctx.reading() as uow:
        if document_type == "quotation":
            quotation = load(uow.quotations, caller, document_id, "quotation")[0]
            view, name = quotation_view(quotation, ctx.seller), quotation.display_number or quotation.id
        elif document_type == "deposit":
            deposit = load(uow.deposits, caller, document_id, "deposit", finance=True)[0]
            view, name = deposit_view(deposit), deposit.number
        elif document_type == "tax_invoice":
            invoice = load(uow.invoices, caller, document_id, "tax invoice", finance=True)[0]
            view, name = tax_invoice_view(invoice), invoice.number
        elif document_type in ("credit_note", "debit_note"):
            note = load(uow.notes, caller, document_id, document_type.replace("_", " "), finance=True)[0]
            view, name = adjustment_view(note), note.number
        elif document_type == "receipt":
            receipt = load(uow.receipts, caller, document_id, "receipt", finance=True)[0]
            view, name = receipt_view(receipt), receipt.number
        else:
            raise InvalidArgument("document_type", f"must be one of {', '.join(KINDS)}")
    return f"{name.replace(' ', '_')}.pdf", render_pdf(view)
