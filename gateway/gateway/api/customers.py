"""/api/v1/customers: list, create (with duplicate check), read, change, reassign, find
duplicates, merge, purchase history and audit trail."""

from __future__ import annotations

from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import resources_pb2 as resources
from flask import Response

from gateway.api.calls import changes, contacts, fields, update_mask, version_etag
from gateway.api.models import (
    CustomerCreate,
    CustomerCreateQuery,
    CustomerPatch,
    CustomerQuery,
    DuplicateQuery,
    MergeCustomers,
    PageQuery,
    ReassignCustomer,
)
from gateway.routing import ApiBlueprint, expected_version, json_response
from gateway.translate import enum_full_name, from_json, to_json

api = ApiBlueprint("customers", __name__, tag="customers")


@api.route(
    "GET", "/customers", summary="List customers", query=CustomerQuery, response=pb.ListCustomersResponse
)
def list_customers(query: CustomerQuery) -> Response:
    request = pb.ListCustomersRequest(
        page_size=query.page_size,
        page_token=query.page_token,
        query=query.q,
        customer_group_id=query.customer_group_id,
        owner_id=query.owner_id,
        province=query.province,
    )
    if query.kind:
        request.kind = resources.CustomerKind.Value(
            enum_full_name(resources.CustomerKind.DESCRIPTOR, query.kind)
        )
    return json_response(contacts().ListCustomers(request))


@api.route(
    "POST",
    "/customers",
    summary="Create a customer",
    body=CustomerCreate,
    query=CustomerCreateQuery,
    response=resources.Customer,
    status=201,
    idempotent=True,
    body_field="customer",
)
def create_customer(body: CustomerCreate, query: CustomerCreateQuery) -> Response:
    """Likely duplicates (score >= 80) refuse the create with 409 and the candidates in
    `details`, unless ?allow_duplicates=true. The created customer carries weaker candidates
    in `possible_duplicates`."""
    reply = contacts().CreateCustomer(
        pb.CreateCustomerRequest(
            customer=from_json(fields(body), resources.Customer),
            allow_duplicates=query.allow_duplicates,
        )
    )
    payload = to_json(reply.customer)
    payload["possible_duplicates"] = [to_json(candidate) for candidate in reply.possible_duplicates]
    return json_response(payload, 201, headers=version_etag(reply.customer))


@api.route("GET", "/customers/<customer_id>", summary="Get a customer", response=resources.Customer)
def get_customer(customer_id: str) -> Response:
    reply = contacts().GetCustomer(pb.GetCustomerRequest(id=customer_id))
    return json_response(reply.customer, headers=version_etag(reply.customer))


@api.route(
    "PATCH",
    "/customers/<customer_id>",
    summary="Change a customer",
    body=CustomerPatch,
    response=resources.Customer,
    body_field="customer",
    headers=("If-Match",),
)
def update_customer(customer_id: str, body: CustomerPatch) -> Response:
    """Send `If-Match` with the ETag of a GET (or `expected_version`): a change made by
    someone else in between gives 409 instead of being overwritten."""
    customer = from_json(changes(body), resources.Customer)
    customer.id = customer_id
    reply = contacts().UpdateCustomer(
        pb.UpdateCustomerRequest(
            customer=customer,
            update_mask=update_mask(body),
            expected_version=expected_version(body.expected_version) or 0,
        )
    )
    return json_response(reply.customer, headers=version_etag(reply.customer))


@api.route(
    "POST",
    "/customers/<customer_id>/reassign",
    summary="Give a customer another owner and team",
    body=ReassignCustomer,
    response=resources.Customer,
)
def reassign_customer(customer_id: str, body: ReassignCustomer) -> Response:
    reply = contacts().ReassignCustomer(
        pb.ReassignCustomerRequest(
            customer_id=customer_id,
            owner_id=body.owner_id,
            team_id=body.team_id or "",
            reason=body.reason or "",
        )
    )
    return json_response(reply.customer, headers=version_etag(reply.customer))


@api.route(
    "GET",
    "/customers/<customer_id>/duplicates",
    summary="Find likely duplicates of a customer",
    query=DuplicateQuery,
    response=pb.FindDuplicateCustomersResponse,
)
def find_duplicates(customer_id: str, query: DuplicateQuery) -> Response:
    reply = contacts().FindDuplicateCustomers(
        pb.FindDuplicateCustomersRequest(customer_id=customer_id, min_score=query.min_score)
    )
    return json_response(reply)


@api.route(
    "POST",
    "/customers/<customer_id>/merge",
    summary="Merge a duplicate into this customer",
    body=MergeCustomers,
    response=resources.Customer,
)
def merge_customers(customer_id: str, body: MergeCustomers) -> Response:
    """Contacts, addresses and history of `duplicate_id` move to this customer."""
    reply = contacts().MergeCustomers(
        pb.MergeCustomersRequest(survivor_id=customer_id, duplicate_id=body.duplicate_id)
    )
    return json_response(reply.customer, headers=version_etag(reply.customer))


@api.route(
    "GET",
    "/customers/<customer_id>/purchase-history",
    summary="Invoices and receipts of a customer",
    query=PageQuery,
    response=pb.GetPurchaseHistoryResponse,
)
def purchase_history(customer_id: str, query: PageQuery) -> Response:
    return json_response(
        contacts().GetPurchaseHistory(
            pb.GetPurchaseHistoryRequest(
                customer_id=customer_id,
                page_size=query.page_size,
                page_token=query.page_token,
            )
        )
    )


@api.route(
    "GET",
    "/customers/<customer_id>/audit",
    summary="Audit trail of a customer",
    query=PageQuery,
    response=pb.ListAuditEntriesResponse,
)
def customer_audit(customer_id: str, query: PageQuery) -> Response:
    return json_response(
        contacts().ListAuditEntries(
            pb.ListAuditEntriesRequest(
                resource_type="customer",
                resource_id=customer_id,
                page_size=query.page_size,
                page_token=query.page_token,
            )
        )
    )
