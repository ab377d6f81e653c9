"""/api/v1 sales documents over crm.sales.v1.SalesService, first half: opportunities (and their
stage), quotations (priced by pricing inside sales-docs; submit, revise, send, accept, decline,
PDF) and sale orders (confirm, cancel). Deposits, invoices, notes, receipts and the AR aging are
in gateway.api.sales_billing. Who may do what is the service's decision."""

from __future__ import annotations

from typing import Any

from crm.sales.v1 import resources_pb2 as res
from crm.sales.v1 import sales_service_pb2 as pb
from flask import Response

from gateway.api import sales_models as m
from gateway.api.calls import fields, version_etag
from gateway.context import services
from gateway.routing import ApiBlueprint, expected_version, json_response
from gateway.translate import from_json

api = ApiBlueprint("sales", __name__, tag="sales")


def sales() -> Any:
    """The crm.sales.v1.SalesService stub of this app."""
    return services().sales_docs


def document(reply: Any, status: int = 200) -> Response:
    """A document as REST JSON with its version as ETag."""
    return json_response(reply, status, headers=version_etag(reply))


def pdf(document_type: str, document_id: str) -> Response:
    """The printed document as rendered by sales-docs (WeasyPrint, Thai fonts)."""
    reply = sales().GetDocumentPdf(pb.GetDocumentPdfRequest(document_type=document_type, id=document_id))
    return Response(
        reply.content,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{reply.filename}"'},
    )


# --- opportunities -------------------------------------------------------------------------------


@api.route(
    "GET",
    "/opportunities",
    summary="List opportunities",
    query=m.OpportunityQuery,
    response=pb.ListOpportunitiesResponse,
)
def list_opportunities(query: m.OpportunityQuery) -> Response:
    request = pb.ListOpportunitiesRequest(
        customer_id=query.customer_id,
        stage=query.stage,
        page_size=query.page_size,
        page_token=query.page_token,
    )
    return json_response(sales().ListOpportunities(request))


@api.route(
    "POST",
    "/opportunities",
    summary="Open an opportunity",
    body=m.OpportunityIn,
    response=res.Opportunity,
    status=201,
    idempotent=True,
)
def create_opportunity(body: m.OpportunityIn) -> Response:
    request = from_json(fields(body), pb.CreateOpportunityRequest)
    return document(sales().CreateOpportunity(request).opportunity, 201)


@api.route("GET", "/opportunities/<opportunity_id>", summary="Get an opportunity", response=res.Opportunity)
def get_opportunity(opportunity_id: str) -> Response:
    return document(sales().GetOpportunity(pb.GetOpportunityRequest(id=opportunity_id)).opportunity)


@api.route(
    "POST",
    "/opportunities/<opportunity_id>/stage",
    summary="Move an opportunity to another stage (lost needs a listed reason)",
    body=m.StageMove,
    response=res.Opportunity,
    headers=("If-Match",),
)
def move_stage(opportunity_id: str, body: m.StageMove) -> Response:
    request = pb.MoveOpportunityStageRequest(
        id=opportunity_id,
        stage=body.stage,
        lost_reason=body.lost_reason or "",
        competitor=body.competitor or "",
        expected_version=expected_version(body.expected_version) or 0,
    )
    return document(sales().MoveOpportunityStage(request).opportunity)


# --- quotations ----------------------------------------------------------------------------------


@api.route(
    "GET",
    "/quotations",
    summary="List quotations",
    query=m.QuotationQuery,
    response=pb.ListQuotationsResponse,
)
def list_quotations(query: m.QuotationQuery) -> Response:
    request = pb.ListQuotationsRequest(
        customer_id=query.customer_id,
        status=query.status,
        opportunity_id=query.opportunity_id,
        page_size=query.page_size,
        page_token=query.page_token,
    )
    return json_response(sales().ListQuotations(request))


@api.route(
    "POST",
    "/quotations",
    summary="Create a draft quotation priced by pricing",
    body=m.QuotationIn,
    response=res.Quotation,
    status=201,
    idempotent=True,
)
def create_quotation(body: m.QuotationIn) -> Response:
    """For an opportunity (its customer, owner and team) or a customer; lines are priced by the
    pricing service, with the customer snapshot from contacts."""
    request = from_json(fields(body), pb.CreateQuotationRequest)
    return document(sales().CreateQuotation(request).quotation, 201)


@api.route("GET", "/quotations/<quotation_id>", summary="Get a quotation", response=res.Quotation)
def get_quotation(quotation_id: str) -> Response:
    return document(sales().GetQuotation(pb.GetQuotationRequest(id=quotation_id)).quotation)


@api.route(
    "PATCH",
    "/quotations/<quotation_id>",
    summary="Change a draft quotation (lines are priced again)",
    body=m.QuotationPatch,
    response=res.Quotation,
    headers=("If-Match",),
)
def update_quotation(quotation_id: str, body: m.QuotationPatch) -> Response:
    request = from_json(fields(body), pb.UpdateQuotationRequest)
    request.id = quotation_id
    request.expected_version = expected_version(body.expected_version) or 0
    return document(sales().UpdateQuotation(request).quotation)


@api.route(
    "POST",
    "/quotations/<quotation_id>/submit",
    summary="Submit a quotation for approval (it gets its number)",
    body=m.Submit,
    response=res.Quotation,
    headers=("If-Match",),
)
def submit_quotation(quotation_id: str, body: m.Submit) -> Response:
    request = pb.SubmitQuotationRequest(
        id=quotation_id, expected_version=expected_version(body.expected_version) or 0
    )
    return document(sales().SubmitQuotation(request).quotation)


@api.route(
    "POST",
    "/quotations/<quotation_id>/revise",
    summary="Start a new revision (same number, the old one read-only)",
    body=m.Revise,
    response=res.Quotation,
    status=201,
)
def revise_quotation(quotation_id: str, body: m.Revise) -> Response:
    request = pb.ReviseQuotationRequest(id=quotation_id, valid_until=body.valid_until or "")
    return document(sales().ReviseQuotation(request).quotation, 201)


@api.route(
    "POST",
    "/quotations/<quotation_id>/send",
    summary="Send an approved quotation: its PDF is mailed to the customer",
    body=m.Send,
    response=pb.SendQuotationResponse,
)
def send_quotation(quotation_id: str, body: m.Send) -> Response:
    request = pb.SendQuotationRequest(id=quotation_id, to=body.to, message=body.message or "")
    return json_response(sales().SendQuotation(request))


@api.route(
    "POST",
    "/quotations/<quotation_id>/accept",
    summary="Record the customer's acceptance",
    response=res.Quotation,
)
def accept_quotation(quotation_id: str) -> Response:
    return document(sales().AcceptQuotation(pb.AcceptQuotationRequest(id=quotation_id)).quotation)


@api.route(
    "POST",
    "/quotations/<quotation_id>/decline",
    summary="Record the customer's refusal",
    body=m.Reason,
    response=res.Quotation,
)
def decline_quotation(quotation_id: str, body: m.Reason) -> Response:
    request = pb.DeclineQuotationRequest(id=quotation_id, reason=body.reason or "")
    return document(sales().DeclineQuotation(request).quotation)


@api.route(
    "GET",
    "/quotations/<quotation_id>.pdf",
    summary="Download a quotation as PDF",
    response_media="application/pdf",
)
def quotation_pdf(quotation_id: str) -> Response:
    return pdf("quotation", quotation_id)


# --- sale orders ---------------------------------------------------------------------------------


@api.route(
    "GET",
    "/sale-orders",
    summary="List sale orders",
    query=m.SaleOrderQuery,
    response=pb.ListSaleOrdersResponse,
)
def list_sale_orders(query: m.SaleOrderQuery) -> Response:
    request = pb.ListSaleOrdersRequest(
        customer_id=query.customer_id,
        status=query.status,
        page_size=query.page_size,
        page_token=query.page_token,
    )
    return json_response(sales().ListSaleOrders(request))


@api.route(
    "POST",
    "/sale-orders",
    summary="Create a sale order from an accepted quotation or directly",
    body=m.SaleOrderIn,
    response=res.SaleOrder,
    status=201,
    idempotent=True,
)
def create_sale_order(body: m.SaleOrderIn) -> Response:
    request = from_json(fields(body), pb.CreateSaleOrderRequest)
    return document(sales().CreateSaleOrder(request).sale_order, 201)


@api.route("GET", "/sale-orders/<sale_order_id>", summary="Get a sale order", response=res.SaleOrder)
def get_sale_order(sale_order_id: str) -> Response:
    return document(sales().GetSaleOrder(pb.GetSaleOrderRequest(id=sale_order_id)).sale_order)


@api.route(
    "POST",
    "/sale-orders/<sale_order_id>/confirm",
    summary="Confirm a sale order (its number; promotions and coupons counted)",
    response=res.SaleOrder,
)
def confirm_sale_order(sale_order_id: str) -> Response:
    return document(sales().ConfirmSaleOrder(pb.ConfirmSaleOrderRequest(id=sale_order_id)).sale_order)


@api.route(
    "POST",
    "/sale-orders/<sale_order_id>/cancel",
    summary="Cancel a sale order (its promotions and coupons released)",
    body=m.Reason,
    response=res.SaleOrder,
)
def cancel_sale_order(sale_order_id: str, body: m.Reason) -> Response:
    request = pb.CancelSaleOrderRequest(id=sale_order_id, reason=body.reason or "")
    return document(sales().CancelSaleOrder(request).sale_order)
