"""/api/v1/service-desk/calendars (business calendars), /sla-policies and /calendar-settings
(the team and company calendars), over crm.servicedesk.v1.ServiceDeskService. Admins write,
every signed-in caller reads (the service's rule). Field errors of the wrapped resource read
as REST ("windows[1]", not "calendar.windows[1]")."""

from __future__ import annotations

from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from flask import Response

from gateway.api import service_desk_models as m
from gateway.api.calls import fields, version_etag
from gateway.api.service_desk import service_desk
from gateway.routing import ApiBlueprint, expected_version, json_response
from gateway.translate import from_json

api = ApiBlueprint("service_desk_setup", __name__, tag="service desk")
CALENDARS = "/service-desk/calendars"
POLICIES = "/service-desk/sla-policies"
SETTINGS = "/service-desk/calendar-settings"


def _versioned(message: object, status: int = 200) -> Response:
    return json_response(message, status, headers=version_etag(message))


# --- business calendars --------------------------------------------------------------------------


def _calendar(body: m.CalendarIn, calendar_id: str = "") -> res.BusinessCalendar:
    calendar = from_json(fields(body), res.BusinessCalendar)
    calendar.id = calendar_id
    return calendar


@api.route(
    "POST",
    CALENDARS,
    summary="Create a business calendar (admins)",
    body=m.CalendarIn,
    response=res.BusinessCalendar,
    status=201,
    idempotent=True,
    body_field="calendar",
)
def create_calendar(body: m.CalendarIn) -> Response:
    """An IANA zone, working windows per weekday ("HH:MM", not overlapping) and dated whole or
    part-day holidays."""
    reply = service_desk().CreateCalendar(pb.CreateCalendarRequest(calendar=_calendar(body)))
    return _versioned(reply.calendar, 201)


@api.route(
    "GET", CALENDARS, summary="List business calendars", query=m.PageQuery, response=pb.ListCalendarsResponse
)
def list_calendars(query: m.PageQuery) -> Response:
    request = pb.ListCalendarsRequest(page_size=query.page_size, page_token=query.page_token)
    return json_response(service_desk().ListCalendars(request))


@api.route(
    "GET", CALENDARS + "/<calendar_id>", summary="Get a business calendar", response=res.BusinessCalendar
)
def get_calendar(calendar_id: str) -> Response:
    return _versioned(service_desk().GetCalendar(pb.GetCalendarRequest(id=calendar_id)).calendar)


@api.route(
    "PUT",
    CALENDARS + "/<calendar_id>",
    summary="Replace a business calendar (admins)",
    body=m.CalendarIn,
    response=res.BusinessCalendar,
    headers=("If-Match",),
    body_field="calendar",
)
def update_calendar(calendar_id: str, body: m.CalendarIn) -> Response:
    """Open cases under the calendar are checked again by the SLA scheduler."""
    request = pb.UpdateCalendarRequest(
        calendar=_calendar(body, calendar_id), expected_version=expected_version(body.expected_version) or 0
    )
    return _versioned(service_desk().UpdateCalendar(request).calendar)


# --- SLA policies --------------------------------------------------------------------------------


def _policy(body: m.SlaPolicyIn, policy_id: str = "") -> res.SlaPolicy:
    policy = from_json(fields(body), res.SlaPolicy)
    policy.id = policy_id
    return policy


@api.route(
    "POST",
    POLICIES,
    summary="Create an SLA policy (admins)",
    body=m.SlaPolicyIn,
    response=res.SlaPolicy,
    status=201,
    idempotent=True,
    body_field="policy",
)
def create_sla_policy(body: m.SlaPolicyIn) -> Response:
    """Targets per priority in business minutes; the first policy by position whose conditions
    match a case applies."""
    reply = service_desk().CreateSlaPolicy(pb.CreateSlaPolicyRequest(policy=_policy(body)))
    return _versioned(reply.policy, 201)


@api.route(
    "GET", POLICIES, summary="List SLA policies", query=m.PageQuery, response=pb.ListSlaPoliciesResponse
)
def list_sla_policies(query: m.PageQuery) -> Response:
    request = pb.ListSlaPoliciesRequest(page_size=query.page_size, page_token=query.page_token)
    return json_response(service_desk().ListSlaPolicies(request))


@api.route(
    "PUT",
    POLICIES + "/<policy_id>",
    summary="Replace an SLA policy (admins)",
    body=m.SlaPolicyIn,
    response=res.SlaPolicy,
    headers=("If-Match",),
    body_field="policy",
)
def update_sla_policy(policy_id: str, body: m.SlaPolicyIn) -> Response:
    request = pb.UpdateSlaPolicyRequest(
        policy=_policy(body, policy_id), expected_version=expected_version(body.expected_version) or 0
    )
    return _versioned(service_desk().UpdateSlaPolicy(request).policy)


# --- team and company calendars ------------------------------------------------------------------


@api.route(
    "GET",
    SETTINGS,
    summary="The company calendar and each team's calendar",
    response=pb.GetCalendarSettingsResponse,
)
def get_calendar_settings() -> Response:
    """A case's calendar is its SLA policy's, else its team's, else the company's, else 24×7."""
    return json_response(service_desk().GetCalendarSettings(pb.GetCalendarSettingsRequest()))


@api.route(
    "PUT",
    SETTINGS + "/company",
    summary="Set the company calendar (admins; empty = 24×7)",
    body=m.CalendarChoiceIn,
    response=pb.SetCompanyCalendarResponse,
)
def set_company_calendar(body: m.CalendarChoiceIn) -> Response:
    reply = service_desk().SetCompanyCalendar(pb.SetCompanyCalendarRequest(calendar_id=body.calendar_id))
    return json_response(reply)


@api.route(
    "PUT",
    SETTINGS + "/teams/<team_id>",
    summary="Set a team's calendar (admins; empty = the company's)",
    body=m.CalendarChoiceIn,
    response=pb.SetTeamCalendarResponse,
)
def set_team_calendar(team_id: str, body: m.CalendarChoiceIn) -> Response:
    request = pb.SetTeamCalendarRequest(team_id=team_id, calendar_id=body.calendar_id)
    return json_response(service_desk().SetTeamCalendar(request))
