"""The invoice-draft methods of crm.sales.v1.SalesService, mixed into the servicer (api.py):
each parses, calls one use case of application.invoice_drafts and translates the result."""

# ruff: noqa: N802

from __future__ import annotations

import grpc
from chassis.identity import current_caller
from crm.sales.v1 import sales_service_pb2 as pb

from sales_docs import translation as tr
from sales_docs.application import invoice_drafts as drafts
from sales_docs.application.context import SalesContext
from sales_docs.invoice_draft_translation import invoice_draft_message

Ctx = grpc.ServicerContext


class InvoiceDraftMethods:
    ctx: SalesContext

    def ListInvoiceDrafts(self, r: pb.ListInvoiceDraftsRequest, c: Ctx) -> pb.ListInvoiceDraftsResponse:
        found, token = drafts.list_drafts(
            self.ctx, current_caller(), r.customer_id, r.status, r.page_size, r.page_token
        )
        return pb.ListInvoiceDraftsResponse(
            invoice_drafts=[invoice_draft_message(d) for d in found], next_page_token=token
        )

    def GetInvoiceDraft(self, r: pb.GetInvoiceDraftRequest, c: Ctx) -> pb.GetInvoiceDraftResponse:
        found = drafts.get_draft(self.ctx, current_caller(), r.id)
        return pb.GetInvoiceDraftResponse(invoice_draft=invoice_draft_message(found))

    def IssueInvoiceDraft(self, r: pb.IssueInvoiceDraftRequest, c: Ctx) -> pb.IssueInvoiceDraftResponse:
        draft, order, invoice = drafts.issue_draft(
            self.ctx,
            current_caller(),
            r.id,
            tr.date_of(r.issue_date, "issue_date"),
            tr.date_of(r.due_date, "due_date"),
        )
        return pb.IssueInvoiceDraftResponse(
            invoice_draft=invoice_draft_message(draft),
            sale_order=tr.sale_order_message(order),
            tax_invoice=tr.invoice_message(invoice),
        )

    def DiscardInvoiceDraft(self, r: pb.DiscardInvoiceDraftRequest, c: Ctx) -> pb.DiscardInvoiceDraftResponse:
        found = drafts.discard_draft(self.ctx, current_caller(), r.id, r.reason)
        return pb.DiscardInvoiceDraftResponse(invoice_draft=invoice_draft_message(found))
