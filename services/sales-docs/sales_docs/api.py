"""The gRPC servicer of crm.sales.v1.SalesService: each method parses the request, calls one
use case with the caller (bound by the chassis interceptor) and translates the result. Domain
errors become gRPC statuses in the chassis interceptor; nothing here decides a business rule."""

# ruff: noqa: N802

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import grpc
from chassis.errors import InvalidArgument
from chassis.identity import current_caller
from crm.sales.v1 import sales_service_pb2 as pb
from crm.sales.v1 import sales_service_pb2_grpc as pb_grpc

from sales_docs import translation as tr
from sales_docs.application import invoicing, opportunities, pdfs, quotations, receipts, sale_orders
from sales_docs.application.context import SalesContext
from sales_docs.domain.adjustments import AdjustmentKind, AdjustmentLine
from sales_docs.domain.amounts import TaxCategory, VatMode
from sales_docs.domain.receipts import AllocationRequest
from sales_docs.domain.tax_invoices import OrderSelection
from sales_docs.invoice_draft_api import InvoiceDraftMethods

SERVICE_NAME: str = pb.DESCRIPTOR.services_by_name["SalesService"].full_name
Ctx = grpc.ServicerContext


def _vat_mode(text: str) -> VatMode:
    try:
        return VatMode(text or "exclusive")
    except ValueError:
        raise InvalidArgument("vat_mode", "must be exclusive or inclusive") from None


class SalesServicer(InvoiceDraftMethods, pb_grpc.SalesServiceServicer):
    def __init__(self, ctx: SalesContext) -> None:
        self.ctx = ctx

    # -- opportunities -----------------------------------------------------------------------

    def CreateOpportunity(self, r: pb.CreateOpportunityRequest, c: Ctx) -> pb.CreateOpportunityResponse:
        form = opportunities.OpportunityForm(
            name=r.name,
            customer_id=r.customer_id.strip(),
            lead_id=r.lead_id.strip(),
            owner_id=r.owner_id,
            team_id=r.team_id,
            expected_amount=tr.money_of(r.expected_amount, "expected_amount"),
            expected_close=tr.date_of(r.expected_close, "expected_close"),
            stage=r.stage,
            notes=r.notes,
        )
        found = opportunities.create_opportunity(self.ctx, current_caller(), form)
        return pb.CreateOpportunityResponse(opportunity=tr.opportunity_message(found))

    def GetOpportunity(self, r: pb.GetOpportunityRequest, c: Ctx) -> pb.GetOpportunityResponse:
        found = opportunities.get_opportunity(self.ctx, current_caller(), r.id)
        return pb.GetOpportunityResponse(opportunity=tr.opportunity_message(found))

    def ListOpportunities(self, r: pb.ListOpportunitiesRequest, c: Ctx) -> pb.ListOpportunitiesResponse:
        found, token = opportunities.list_opportunities(
            self.ctx, current_caller(), r.customer_id, r.stage, r.page_size, r.page_token
        )
        return pb.ListOpportunitiesResponse(
            opportunities=[tr.opportunity_message(o) for o in found], next_page_token=token
        )

    def MoveOpportunityStage(
        self, r: pb.MoveOpportunityStageRequest, c: Ctx
    ) -> pb.MoveOpportunityStageResponse:
        found = opportunities.move_stage(
            self.ctx,
            current_caller(),
            r.id,
            r.stage,
            lost_reason=r.lost_reason,
            competitor=r.competitor,
            expected_version=r.expected_version,
        )
        return pb.MoveOpportunityStageResponse(opportunity=tr.opportunity_message(found))

    # -- quotations --------------------------------------------------------------------------

    def CreateQuotation(self, r: pb.CreateQuotationRequest, c: Ctx) -> pb.CreateQuotationResponse:
        form = quotations.QuotationForm(
            lines=tr.line_inputs(r.lines),
            opportunity_id=r.opportunity_id.strip(),
            customer_id=r.customer_id.strip(),
            team_id=r.team_id,
            issue_date=tr.date_of(r.issue_date, "issue_date"),
            valid_until=tr.date_of(r.valid_until, "valid_until"),
            vat_mode=_vat_mode(r.vat_mode),
            document_discount=tr.money_of(r.document_discount, "document_discount"),
            coupon_codes=tuple(r.coupon_codes),
            payment_terms=r.payment_terms,
            notes=r.notes,
        )
        found = quotations.create_quotation(self.ctx, current_caller(), form)
        return pb.CreateQuotationResponse(quotation=tr.quotation_message(found))

    def GetQuotation(self, r: pb.GetQuotationRequest, c: Ctx) -> pb.GetQuotationResponse:
        return pb.GetQuotationResponse(
            quotation=tr.quotation_message(*quotations.get_quotation(self.ctx, current_caller(), r.id))
        )

    def ListQuotations(self, r: pb.ListQuotationsRequest, c: Ctx) -> pb.ListQuotationsResponse:
        found, token = quotations.list_quotations(
            self.ctx, current_caller(), r.customer_id, r.status, r.opportunity_id, r.page_size, r.page_token
        )
        return pb.ListQuotationsResponse(
            quotations=[tr.quotation_message(x, p) for x, p in found], next_page_token=token
        )

    def UpdateQuotation(self, r: pb.UpdateQuotationRequest, c: Ctx) -> pb.UpdateQuotationResponse:
        found = quotations.update_quotation(
            self.ctx,
            current_caller(),
            r.id,
            lines=tr.line_inputs(r.lines),
            document_discount=tr.money_of(r.document_discount, "document_discount")
            if r.HasField("document_discount")
            else None,
            valid_until=tr.date_of(r.valid_until, "valid_until"),
            payment_terms=r.payment_terms or None,
            notes=r.notes or None,
            expected_version=r.expected_version,
        )
        return pb.UpdateQuotationResponse(quotation=tr.quotation_message(found))

    def SubmitQuotation(self, r: pb.SubmitQuotationRequest, c: Ctx) -> pb.SubmitQuotationResponse:
        found = quotations.submit_quotation(self.ctx, current_caller(), r.id, r.expected_version)
        return pb.SubmitQuotationResponse(quotation=tr.quotation_message(found))

    def ReviseQuotation(self, r: pb.ReviseQuotationRequest, c: Ctx) -> pb.ReviseQuotationResponse:
        found = quotations.revise_quotation(
            self.ctx, current_caller(), r.id, tr.date_of(r.valid_until, "valid_until")
        )
        return pb.ReviseQuotationResponse(quotation=tr.quotation_message(found))

    def SendQuotation(self, r: pb.SendQuotationRequest, c: Ctx) -> pb.SendQuotationResponse:
        found, mail_id = quotations.send_quotation(self.ctx, current_caller(), r.id, list(r.to), r.message)
        return pb.SendQuotationResponse(quotation=tr.quotation_message(found), mail_id=mail_id)

    def AcceptQuotation(self, r: pb.AcceptQuotationRequest, c: Ctx) -> pb.AcceptQuotationResponse:
        found = quotations.accept_quotation(self.ctx, current_caller(), r.id)
        return pb.AcceptQuotationResponse(quotation=tr.quotation_message(found))

    def DeclineQuotation(self, r: pb.DeclineQuotationRequest, c: Ctx) -> pb.DeclineQuotationResponse:
        found = quotations.decline_quotation(self.ctx, current_caller(), r.id, r.reason)
        return pb.DeclineQuotationResponse(quotation=tr.quotation_message(found))

    # -- sale orders and deposits ---------------------------------------------------------------

    def CreateSaleOrder(self, r: pb.CreateSaleOrderRequest, c: Ctx) -> pb.CreateSaleOrderResponse:
        form = sale_orders.SaleOrderForm(
            quotation_id=r.quotation_id.strip(),
            customer_id=r.customer_id,
            lines=tr.line_inputs(r.lines),
            order_date=tr.date_of(r.order_date, "order_date"),
            vat_mode=_vat_mode(r.vat_mode),
            document_discount=tr.money_of(r.document_discount, "document_discount"),
            customer_reference=r.customer_reference,
            coupon_codes=tuple(r.coupon_codes),
            team_id=r.team_id,
        )
        found = sale_orders.create_sale_order(self.ctx, current_caller(), form)
        return pb.CreateSaleOrderResponse(sale_order=tr.sale_order_message(found))

    def GetSaleOrder(self, r: pb.GetSaleOrderRequest, c: Ctx) -> pb.GetSaleOrderResponse:
        order, pricing, balance = sale_orders.get_sale_order(self.ctx, current_caller(), r.id)
        return pb.GetSaleOrderResponse(sale_order=tr.sale_order_message(order, pricing, balance))

    def ListSaleOrders(self, r: pb.ListSaleOrdersRequest, c: Ctx) -> pb.ListSaleOrdersResponse:
        found, token = sale_orders.list_sale_orders(
            self.ctx, current_caller(), r.customer_id, r.status, r.page_size, r.page_token
        )
        return pb.ListSaleOrdersResponse(
            sale_orders=[tr.sale_order_message(o) for o in found], next_page_token=token
        )

    def ConfirmSaleOrder(self, r: pb.ConfirmSaleOrderRequest, c: Ctx) -> pb.ConfirmSaleOrderResponse:
        found = sale_orders.confirm_sale_order(self.ctx, current_caller(), r.id)
        return pb.ConfirmSaleOrderResponse(sale_order=tr.sale_order_message(found))

    def CancelSaleOrder(self, r: pb.CancelSaleOrderRequest, c: Ctx) -> pb.CancelSaleOrderResponse:
        found = sale_orders.cancel_sale_order(self.ctx, current_caller(), r.id, r.reason)
        return pb.CancelSaleOrderResponse(sale_order=tr.sale_order_message(found))

    def CreateDeposit(self, r: pb.CreateDepositRequest, c: Ctx) -> pb.CreateDepositResponse:
        form = sale_orders.DepositForm(
            sale_order_id=r.sale_order_id,
            amount=tr.money_of(r.amount, "amount"),
            payment=tr.payment_of(r.payment),
            received_on=tr.date_of(r.received_on, "received_on"),
            amount_includes_vat=not r.amount_excludes_vat,
            description=r.description,
        )
        return pb.CreateDepositResponse(
            deposit=tr.deposit_message(sale_orders.create_deposit(self.ctx, current_caller(), form))
        )

    def GetDeposit(self, r: pb.GetDepositRequest, c: Ctx) -> pb.GetDepositResponse:
        return pb.GetDepositResponse(
            deposit=tr.deposit_message(sale_orders.get_deposit(self.ctx, current_caller(), r.id))
        )

    def ListDeposits(self, r: pb.ListDepositsRequest, c: Ctx) -> pb.ListDepositsResponse:
        found, token = sale_orders.list_deposits(
            self.ctx, current_caller(), r.sale_order_id, r.customer_id, r.page_size, r.page_token
        )
        return pb.ListDepositsResponse(deposits=[tr.deposit_message(d) for d in found], next_page_token=token)

    # -- invoices, notes, receipts ---------------------------------------------------------------

    def IssueTaxInvoice(self, r: pb.IssueTaxInvoiceRequest, c: Ctx) -> pb.IssueTaxInvoiceResponse:
        selection = OrderSelection(
            lines=tuple(
                (x.order_line, tr.decimal_of(x.quantity, f"lines[{i}].quantity"))
                for i, x in enumerate(r.lines)
            ),
            percent=tr.decimal_of(r.percent, "percent") if r.percent.strip() else None,
        )
        deductions = tuple(
            (
                d.deposit_id,
                tr.money_of(d.amount, f"deposit_deductions[{i}].amount") if d.HasField("amount") else None,
            )
            for i, d in enumerate(r.deposit_deductions)
        )
        form = invoicing.InvoiceForm(
            r.sale_order_id,
            selection,
            deductions,
            tr.date_of(r.issue_date, "issue_date"),
            tr.date_of(r.due_date, "due_date"),
            r.notes,
        )
        found = invoicing.issue_invoice(self.ctx, current_caller(), form)
        return pb.IssueTaxInvoiceResponse(tax_invoice=tr.invoice_message(found))

    def GetTaxInvoice(self, r: pb.GetTaxInvoiceRequest, c: Ctx) -> pb.GetTaxInvoiceResponse:
        invoice, account, notes = invoicing.get_invoice(self.ctx, current_caller(), r.id)
        return pb.GetTaxInvoiceResponse(
            tax_invoice=tr.invoice_message(invoice, account, self.ctx.today()),
            notes=[tr.note_message(n) for n in notes],
        )

    def ListTaxInvoices(self, r: pb.ListTaxInvoicesRequest, c: Ctx) -> pb.ListTaxInvoicesResponse:
        found, token = invoicing.list_invoices(
            self.ctx, current_caller(), r.customer_id, r.sale_order_id, r.page_size, r.page_token
        )
        today = self.ctx.today()
        return pb.ListTaxInvoicesResponse(
            tax_invoices=[tr.invoice_message(i, a, today) for i, a in found], next_page_token=token
        )

    def VoidTaxInvoice(self, r: pb.VoidTaxInvoiceRequest, c: Ctx) -> pb.VoidTaxInvoiceResponse:
        found = invoicing.void_invoice(self.ctx, current_caller(), r.id, r.reason)
        return pb.VoidTaxInvoiceResponse(tax_invoice=tr.invoice_message(found))

    def IssueAdjustmentNote(self, r: pb.IssueAdjustmentNoteRequest, c: Ctx) -> pb.IssueAdjustmentNoteResponse:
        try:
            kind = AdjustmentKind(r.kind)
        except ValueError:
            raise InvalidArgument("kind", "must be credit_note or debit_note") from None
        lines = []
        for i, x in enumerate(r.lines):
            try:
                category = TaxCategory(x.tax_category or "standard")
            except ValueError:
                raise InvalidArgument(f"lines[{i}].tax_category", "is not a tax category") from None
            lines.append(
                AdjustmentLine(
                    x.description,
                    tr.decimal_of(x.quantity, f"lines[{i}].quantity", default=Decimal(0)),
                    tr.money_of(x.unit_price, f"lines[{i}].unit_price"),
                    x.unit,
                    category,
                )
            )
        found = invoicing.issue_note(
            self.ctx,
            current_caller(),
            r.invoice_id,
            kind,
            lines,
            r.reason,
            tr.date_of(r.issue_date, "issue_date"),
        )
        return pb.IssueAdjustmentNoteResponse(note=tr.note_message(found))

    def ListAdjustmentNotes(self, r: pb.ListAdjustmentNotesRequest, c: Ctx) -> pb.ListAdjustmentNotesResponse:
        found = invoicing.list_notes(self.ctx, current_caller(), r.invoice_id)
        return pb.ListAdjustmentNotesResponse(notes=[tr.note_message(n) for n in found])

    def RecordReceipt(self, r: pb.RecordReceiptRequest, c: Ctx) -> pb.RecordReceiptResponse:
        form = receipts.ReceiptForm(
            customer_id=r.customer_id,
            payment=tr.payment_of(r.payment),
            allocations=tuple(
                AllocationRequest(a.invoice_id, tr.money_of(a.amount, f"allocations[{i}].amount"))
                for i, a in enumerate(r.allocations)
            ),
            received_on=tr.date_of(r.received_on, "received_on"),
            withholding_tax_rate=tr.decimal_of(
                r.withholding_tax_rate, "withholding_tax_rate", default=Decimal(0)
            ),
            withholding_tax_certificate=r.withholding_tax_certificate,
            notes=r.notes,
        )
        found = receipts.record_receipt(self.ctx, current_caller(), form)
        return pb.RecordReceiptResponse(receipt=tr.receipt_message(found))

    def GetReceipt(self, r: pb.GetReceiptRequest, c: Ctx) -> pb.GetReceiptResponse:
        return pb.GetReceiptResponse(
            receipt=tr.receipt_message(receipts.get_receipt(self.ctx, current_caller(), r.id))
        )

    def ListReceipts(self, r: pb.ListReceiptsRequest, c: Ctx) -> pb.ListReceiptsResponse:
        found, token = receipts.list_receipts(
            self.ctx, current_caller(), r.customer_id, r.page_size, r.page_token
        )
        return pb.ListReceiptsResponse(receipts=[tr.receipt_message(x) for x in found], next_page_token=token)

    def GetArAging(self, r: pb.GetArAgingRequest, c: Ctx) -> pb.GetArAgingResponse:
        ids = [r.customer_id.strip()] if r.customer_id.strip() else []
        report = receipts.aging(self.ctx, current_caller(), tr.date_of(r.as_of, "as_of"), ids)
        return pb.GetArAgingResponse(
            as_of=report.as_of.isoformat(),
            rows=[tr.aging_row(x) for x in report.rows],
            total=tr.aging_row(report.total),
        )

    def GetDocumentPdf(self, r: pb.GetDocumentPdfRequest, c: Ctx) -> pb.GetDocumentPdfResponse:
        filename, content = pdfs.document_pdf(self.ctx, current_caller(), r.document_type, r.id)
        return pb.GetDocumentPdfResponse(filename=filename, content=content)


def registrar(servicer: SalesServicer) -> Callable[[grpc.Server], None]:
    def register(server: grpc.Server) -> None:
        pb_grpc.add_SalesServiceServicer_to_server(servicer, server)

    return register
