"""/api/v1 sales documents over crm.sales.v1.SalesService, second half: deposits, tax invoices
(partial, deducting deposits; void; PDF), credit and debit notes, receipts with withholding tax
(PDF) and the AR aging report. The accountant role issues them (the service decides)."""

from __future__ import annotations

from crm.sales.v1 import resources_pb2 as res
from crm.sales.v1 import sales_service_pb2 as pb
from flask import Response

from gateway.api import sales_models as m
from gateway.api.calls import fields
from gateway.api.sales import document, pdf, sales
from gateway.routing import ApiBlueprint, json_response
from gateway.translate import from_json

api = ApiBlueprint("sales_billing", __name__, tag="sales")


# --- deposits ------------------------------------------------------------------------------------


@api.route(
    "GET", "/deposits", summary="List deposits", query=m.DepositQuery, response=pb.ListDepositsResponse
)
def list_deposits(query: m.DepositQuery) -> Response:
    request = pb.ListDepositsRequest(
        sale_order_id=query.sale_order_id,
        customer_id=query.customer_id,
        page_size=query.page_size,
        page_token=query.page_token,
    )
    return json_response(sales().ListDeposits(request))


@api.route(
    "POST",
    "/deposits",
    summary="Record a deposit against a sale order (its receipt is a tax invoice)",
    body=m.DepositIn,
    response=res.Deposit,
    status=201,
    idempotent=True,
)
def create_deposit(body: m.DepositIn) -> Response:
    request = from_json(fields(body), pb.CreateDepositRequest)
    return document(sales().CreateDeposit(request).deposit, 201)


@api.route("GET", "/deposits/<deposit_id>", summary="Get a deposit", response=res.Deposit)
def get_deposit(deposit_id: str) -> Response:
    return document(sales().GetDeposit(pb.GetDepositRequest(id=deposit_id)).deposit)


@api.route(
    "GET",
    "/deposits/<deposit_id>.pdf",
    summary="Download a deposit receipt as PDF",
    response_media="application/pdf",
)
def deposit_pdf(deposit_id: str) -> Response:
    return pdf("deposit", deposit_id)


# --- tax invoices and notes ----------------------------------------------------------------------


@api.route(
    "GET", "/invoices", summary="List tax invoices", query=m.InvoiceQuery, response=pb.ListTaxInvoicesResponse
)
def list_invoices(query: m.InvoiceQuery) -> Response:
    request = pb.ListTaxInvoicesRequest(
        customer_id=query.customer_id,
        sale_order_id=query.sale_order_id,
        page_size=query.page_size,
        page_token=query.page_token,
    )
    return json_response(sales().ListTaxInvoices(request))


@api.route(
    "POST",
    "/invoices",
    summary="Issue a tax invoice for all or part of a sale order, deducting deposits",
    body=m.InvoiceIn,
    response=res.TaxInvoice,
    status=201,
    idempotent=True,
)
def issue_invoice(body: m.InvoiceIn) -> Response:
    """Part of the order by `lines` (order line and quantity) or `percent`; neither = all that is
    left. Each deposit deduction takes a pre-VAT amount, or all that remains of the deposit."""
    request = from_json(fields(body), pb.IssueTaxInvoiceRequest)
    return document(sales().IssueTaxInvoice(request).tax_invoice, 201)


@api.route("GET", "/invoices/<invoice_id>", summary="Get a tax invoice", response=pb.GetTaxInvoiceResponse)
def get_invoice(invoice_id: str) -> Response:
    """The invoice with what is due, settled and outstanding, and its credit and debit notes."""
    reply = sales().GetTaxInvoice(pb.GetTaxInvoiceRequest(id=invoice_id))
    return json_response(reply, headers={"ETag": f'"{reply.tax_invoice.version}"'})


@api.route(
    "POST",
    "/invoices/<invoice_id>/void",
    summary="Void an invoice not yet sent or paid (the number stays, as void)",
    body=m.Reason,
    response=res.TaxInvoice,
)
def void_invoice(invoice_id: str, body: m.Reason) -> Response:
    request = pb.VoidTaxInvoiceRequest(id=invoice_id, reason=body.reason or "")
    return document(sales().VoidTaxInvoice(request).tax_invoice)


@api.route(
    "GET",
    "/invoices/<invoice_id>.pdf",
    summary="Download a tax invoice as PDF",
    response_media="application/pdf",
)
def invoice_pdf(invoice_id: str) -> Response:
    return pdf("tax_invoice", invoice_id)


@api.route(
    "GET",
    "/invoices/<invoice_id>/adjustment-notes",
    summary="List the credit and debit notes of an invoice",
    response=pb.ListAdjustmentNotesResponse,
)
def list_notes(invoice_id: str) -> Response:
    return json_response(sales().ListAdjustmentNotes(pb.ListAdjustmentNotesRequest(invoice_id=invoice_id)))


def _note(kind: str, body: m.NoteIn) -> Response:
    request = from_json(fields(body), pb.IssueAdjustmentNoteRequest)
    request.kind = kind
    return json_response(sales().IssueAdjustmentNote(request).note, 201)


@api.route(
    "POST",
    "/credit-notes",
    summary="Issue a credit note against an invoice (Revenue Code §86/10)",
    body=m.NoteIn,
    response=res.AdjustmentNote,
    status=201,
    idempotent=True,
)
def issue_credit_note(body: m.NoteIn) -> Response:
    """Lines are the reduction, pre-VAT."""
    return _note("credit_note", body)


@api.route(
    "POST",
    "/debit-notes",
    summary="Issue a debit note against an invoice (Revenue Code §86/9)",
    body=m.NoteIn,
    response=res.AdjustmentNote,
    status=201,
    idempotent=True,
)
def issue_debit_note(body: m.NoteIn) -> Response:
    """Lines are the increase, pre-VAT."""
    return _note("debit_note", body)


@api.route(
    "GET",
    "/credit-notes/<note_id>.pdf",
    summary="Download a credit note as PDF",
    response_media="application/pdf",
)
def credit_note_pdf(note_id: str) -> Response:
    return pdf("credit_note", note_id)


@api.route(
    "GET",
    "/debit-notes/<note_id>.pdf",
    summary="Download a debit note as PDF",
    response_media="application/pdf",
)
def debit_note_pdf(note_id: str) -> Response:
    return pdf("debit_note", note_id)


# --- receipts and AR aging -----------------------------------------------------------------------


@api.route(
    "GET", "/receipts", summary="List receipts", query=m.ReceiptQuery, response=pb.ListReceiptsResponse
)
def list_receipts(query: m.ReceiptQuery) -> Response:
    request = pb.ListReceiptsRequest(
        customer_id=query.customer_id, page_size=query.page_size, page_token=query.page_token
    )
    return json_response(sales().ListReceipts(request))


@api.route(
    "POST",
    "/receipts",
    summary="Record a receipt against one or several invoices (with withholding tax)",
    body=m.ReceiptIn,
    response=res.Receipt,
    status=201,
    idempotent=True,
)
def record_receipt(body: m.ReceiptIn) -> Response:
    """`withholding_tax_rate` is 1, 2, 3 or 5 (% of the pre-VAT amount), with the certificate."""
    request = from_json(fields(body), pb.RecordReceiptRequest)
    return json_response(sales().RecordReceipt(request).receipt, 201)


@api.route("GET", "/receipts/<receipt_id>", summary="Get a receipt", response=res.Receipt)
def get_receipt(receipt_id: str) -> Response:
    return json_response(sales().GetReceipt(pb.GetReceiptRequest(id=receipt_id)).receipt)


@api.route(
    "GET", "/receipts/<receipt_id>.pdf", summary="Download a receipt as PDF", response_media="application/pdf"
)
def receipt_pdf(receipt_id: str) -> Response:
    return pdf("receipt", receipt_id)


@api.route(
    "GET",
    "/reports/ar-aging",
    summary="Accounts-receivable aging per customer and in total",
    query=m.AgingQuery,
    response=pb.GetArAgingResponse,
)
def ar_aging(query: m.AgingQuery) -> Response:
    """Buckets: current, 1–30, 31–60, 61–90 and over 90 days past due."""
    return json_response(
        sales().GetArAging(pb.GetArAgingRequest(as_of=query.as_of, customer_id=query.customer_id))
    )
