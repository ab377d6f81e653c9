"""/api/v1/service-desk/cases over crm.servicedesk.v1.ServiceDeskService: open a case, list
and page cases with filters, read one with its notes and replies, change its status, add an
internal note or a customer-visible reply, assign it. Calendars, SLA policies and the calendar
settings are in gateway.api.service_desk_setup, maintenance contracts in
gateway.api.service_desk_contracts. Who may see or work a case is the service's rule (an unseen
case is 404)."""

from __future__ import annotations

from typing import Any

from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from flask import Response

from gateway.api import service_desk_models as m
from gateway.api.calls import fields, version_etag
from gateway.context import services
from gateway.routing import ApiBlueprint, expected_version, json_response
from gateway.translate import enum_full_name, from_json

api = ApiBlueprint("service_desk", __name__, tag="service desk")
CASES = "/service-desk/cases"


def service_desk() -> Any:
    """The crm.servicedesk.v1.ServiceDeskService stub of this app."""
    return services().service_desk


def case_status(name: str | None) -> res.CaseStatus.ValueType:
    """A REST status name ("in_progress") as the CaseStatus value (unspecified when none)."""
    if not name:
        return res.CASE_STATUS_UNSPECIFIED
    return res.CaseStatus.Value(enum_full_name(res.CaseStatus.DESCRIPTOR, name))


def case_response(case: Any, payload: Any = None, status: int = 200) -> Response:
    """`payload` (the case itself by default) as REST JSON with the case's version as ETag."""
    return json_response(case if payload is None else payload, status, headers=version_etag(case))


@api.route(
    "POST",
    CASES,
    summary="Open a case",
    body=m.CaseIn,
    response=res.Case,
    status=201,
    idempotent=True,
)
def create_case(body: m.CaseIn) -> Response:
    """The SLA policy is chosen by the service (contract's, else the first whose conditions
    match); a requester e-mail gets the satisfaction survey when the case is resolved."""
    reply = service_desk().CreateCase(from_json(fields(body), pb.CreateCaseRequest))
    return case_response(reply.case, status=201)


@api.route("GET", CASES, summary="List cases", query=m.CaseQuery, response=pb.ListCasesResponse)
def list_cases(query: m.CaseQuery) -> Response:
    """The cases the caller may see, newest first, a page at a time (next_page_token)."""
    request = pb.ListCasesRequest(
        page_size=query.page_size,
        page_token=query.page_token,
        status=case_status(query.status),
        team_id=query.team_id,
        assignee_id=query.assignee_id,
        customer_id=query.customer_id,
    )
    return json_response(service_desk().ListCases(request))


@api.route(
    "GET",
    CASES + "/<case_id>",
    summary="A case with its history, SLA clocks, notes and replies",
    response=pb.GetCaseResponse,
)
def get_case(case_id: str) -> Response:
    """Internal notes are shown only to the roles that work cases."""
    reply = service_desk().GetCase(pb.GetCaseRequest(id=case_id))
    return case_response(reply.case, reply)


@api.route(
    "POST",
    CASES + "/<case_id>/status",
    summary="Change a case's status",
    body=m.StatusChangeIn,
    response=res.Case,
    headers=("If-Match",),
)
def change_case_status(case_id: str, body: m.StatusChangeIn) -> Response:
    request = pb.ChangeCaseStatusRequest(
        case_id=case_id,
        status=case_status(body.status),
        reason=body.reason or "",
        expected_version=expected_version(body.expected_version) or 0,
    )
    return case_response(service_desk().ChangeCaseStatus(request).case)


@api.route(
    "POST",
    CASES + "/<case_id>/notes",
    summary="Add an internal note",
    body=m.MessageIn,
    response=pb.AddCaseNoteResponse,
    status=201,
    idempotent=True,
)
def add_case_note(case_id: str, body: m.MessageIn) -> Response:
    reply = service_desk().AddCaseNote(pb.AddCaseNoteRequest(case_id=case_id, body=body.body))
    return case_response(reply.case, reply, 201)


@api.route(
    "POST",
    CASES + "/<case_id>/replies",
    summary="Reply to the customer",
    body=m.MessageIn,
    response=pb.AddCaseReplyResponse,
    status=201,
    idempotent=True,
)
def add_case_reply(case_id: str, body: m.MessageIn) -> Response:
    """The first reply fulfils the first-response clock."""
    reply = service_desk().AddCaseReply(pb.AddCaseReplyRequest(case_id=case_id, body=body.body))
    return case_response(reply.case, reply, 201)


@api.route(
    "POST",
    CASES + "/<case_id>/assign",
    summary="Assign a case to a person and/or a team",
    body=m.AssignIn,
    response=res.Case,
)
def assign_case(case_id: str, body: m.AssignIn) -> Response:
    request = pb.AssignCaseRequest(
        case_id=case_id, assignee_id=body.assignee_id or "", team_id=body.team_id or ""
    )
    return case_response(service_desk().AssignCase(request).case)
