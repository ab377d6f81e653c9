"""/api/v1/leads: list, create, read, change, qualify and disqualify leads.

Custom verbs are sub-paths (POST /leads/{id}/qualify), not Google-style `:qualify`, so they
route and cache like any other path."""

from __future__ import annotations

from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import resources_pb2 as resources
from flask import Response

from gateway.api.calls import changes, contacts, fields, update_mask, version_etag
from gateway.api.models import DisqualifyLead, LeadCreate, LeadPatch, LeadQuery, QualifyLead
from gateway.idempotency import request_id_for_service
from gateway.routing import ApiBlueprint, expected_version, json_response
from gateway.translate import enum_full_name, from_json

api = ApiBlueprint("leads", __name__, tag="leads")


@api.route("GET", "/leads", summary="List leads", query=LeadQuery, response=pb.ListLeadsResponse)
def list_leads(query: LeadQuery) -> Response:
    request = pb.ListLeadsRequest(
        page_size=query.page_size, page_token=query.page_token, owner_id=query.owner_id, query=query.q
    )
    if query.status:
        request.status = resources.LeadStatus.Value(
            enum_full_name(resources.LeadStatus.DESCRIPTOR, query.status)
        )
    if query.source:
        request.source = resources.LeadSource.Value(
            enum_full_name(resources.LeadSource.DESCRIPTOR, query.source)
        )
    return json_response(contacts().ListLeads(request))


@api.route(
    "POST",
    "/leads",
    summary="Create a lead",
    body=LeadCreate,
    response=resources.Lead,
    status=201,
    idempotent=True,
    body_field="lead",
)
def create_lead(body: LeadCreate) -> Response:
    reply = contacts().CreateLead(
        pb.CreateLeadRequest(
            lead=from_json(fields(body), resources.Lead), request_id=request_id_for_service()
        )
    )
    return json_response(reply.lead, 201, headers=version_etag(reply.lead))


@api.route("GET", "/leads/<lead_id>", summary="Get a lead", response=resources.Lead)
def get_lead(lead_id: str) -> Response:
    reply = contacts().GetLead(pb.GetLeadRequest(id=lead_id))
    return json_response(reply.lead, headers=version_etag(reply.lead))


@api.route(
    "PATCH",
    "/leads/<lead_id>",
    summary="Change a lead",
    body=LeadPatch,
    response=resources.Lead,
    body_field="lead",
    headers=("If-Match",),
)
def update_lead(lead_id: str, body: LeadPatch) -> Response:
    lead = from_json(changes(body), resources.Lead)
    lead.id = lead_id
    reply = contacts().UpdateLead(
        pb.UpdateLeadRequest(
            lead=lead,
            update_mask=update_mask(body),
            expected_version=expected_version(body.expected_version) or 0,
        )
    )
    return json_response(reply.lead, headers=version_etag(reply.lead))


@api.route(
    "POST",
    "/leads/<lead_id>/qualify",
    summary="Qualify a lead into a customer",
    body=QualifyLead,
    response=pb.QualifyLeadResponse,
)
def qualify_lead(lead_id: str, body: QualifyLead) -> Response:
    """Creates the customer and contact person from the lead (or links `existing_customer_id`)."""
    request = from_json(fields(body), pb.QualifyLeadRequest)
    request.lead_id = lead_id
    return json_response(contacts().QualifyLead(request))


@api.route(
    "POST",
    "/leads/<lead_id>/disqualify",
    summary="Disqualify a lead",
    body=DisqualifyLead,
    response=resources.Lead,
)
def disqualify_lead(lead_id: str, body: DisqualifyLead) -> Response:
    reply = contacts().DisqualifyLead(pb.DisqualifyLeadRequest(lead_id=lead_id, reason=body.reason))
    return json_response(reply.lead, headers=version_etag(reply.lead))
