"""/api/v1/invoice-drafts over crm.sales.v1.SalesService: MA-fee invoices that sales-docs drafted
from service-desk contract billings (one per contract period). Accountants list them, issue one
(a confirmed sale order and its numbered tax invoice, in one transaction) or discard it with a
reason; who may is the service's decision."""

from __future__ import annotations

from typing import Literal

from crm.sales.v1 import resources_pb2 as res
from crm.sales.v1 import sales_service_pb2 as pb
from flask import Response
from pydantic import BaseModel, ConfigDict, Field

from gateway.api import sales_models as m
from gateway.api.sales import document, sales
from gateway.routing import ApiBlueprint, json_response

api = ApiBlueprint("sales_drafts", __name__, tag="sales")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DraftQuery(m.PageQuery):
    customer_id: str = ""
    status: Literal["draft", "issued", "discarded", ""] = ""


class IssueDraftIn(_Body):
    issue_date: str | None = m.day()
    due_date: str | None = m.day()


class DiscardDraftIn(_Body):
    reason: str | None = Field(default=None, max_length=1000)


@api.route(
    "GET",
    "/invoice-drafts",
    summary="List invoice drafts (MA fees drafted from maintenance contracts)",
    query=DraftQuery,
    response=pb.ListInvoiceDraftsResponse,
)
def list_drafts(query: DraftQuery) -> Response:
    request = pb.ListInvoiceDraftsRequest(
        customer_id=query.customer_id,
        status=query.status,
        page_size=query.page_size,
        page_token=query.page_token,
    )
    return json_response(sales().ListInvoiceDrafts(request))


@api.route("GET", "/invoice-drafts/<draft_id>", summary="Get an invoice draft", response=res.InvoiceDraft)
def get_draft(draft_id: str) -> Response:
    return document(sales().GetInvoiceDraft(pb.GetInvoiceDraftRequest(id=draft_id)).invoice_draft)


@api.route(
    "POST",
    "/invoice-drafts/<draft_id>/issue",
    summary="Issue an invoice draft: a confirmed sale order and its numbered tax invoice",
    body=IssueDraftIn,
    response=pb.IssueInvoiceDraftResponse,
)
def issue_draft(draft_id: str, body: IssueDraftIn) -> Response:
    """Issuing twice is 409 (the draft is issued already) and takes no second number."""
    request = pb.IssueInvoiceDraftRequest(
        id=draft_id, issue_date=body.issue_date or "", due_date=body.due_date or ""
    )
    return json_response(sales().IssueInvoiceDraft(request))


@api.route(
    "POST",
    "/invoice-drafts/<draft_id>/discard",
    summary="Discard an invoice draft (reason required)",
    body=DiscardDraftIn,
    response=res.InvoiceDraft,
)
def discard_draft(draft_id: str, body: DiscardDraftIn) -> Response:
    request = pb.DiscardInvoiceDraftRequest(id=draft_id, reason=body.reason or "")
    return document(sales().DiscardInvoiceDraft(request).invoice_draft)
