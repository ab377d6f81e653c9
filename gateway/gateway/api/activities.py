"""/api/v1/activities and /api/v1/calendar: activities (create with conflict check and an
explicit override, read, list, change one occurrence / this and following / all, complete,
cancel, .ics download), visit check-in and check-out, and calendar pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm.activities.v1 import activities_service_pb2 as pb
from crm.activities.v1 import resources_pb2 as res
from flask import Response
from google.protobuf import field_mask_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from gateway.api.activities_models import (
    ActivityCreate,
    ActivityFields,
    ActivityPatch,
    ActivityQuery,
    CalendarQuery,
    Cancel,
    CheckInBody,
    CheckOutBody,
    Complete,
    OverrideQuery,
)
from gateway.api.calls import version_etag
from gateway.context import services
from gateway.routing import ApiBlueprint, expected_version, json_response
from gateway.translate import enum_full_name, to_json

api = ApiBlueprint("activities", __name__, tag="activities")
REQUEST_ONLY = {"scope", "occurrence_start", "override_conflicts", "expected_version", "type"}


def activities() -> Any:
    """The crm.activities.v1.ActivitiesService stub of this app."""
    return services().activities


def stamp(value: dt.datetime) -> Timestamp:
    out = Timestamp()
    out.FromDatetime(value if value.tzinfo is None else value.astimezone(dt.UTC))
    return out


def _enum(enum: Any, short: str) -> int:
    value: int = enum.Value(enum_full_name(enum.DESCRIPTOR, short))
    return value


def activity_message(body: ActivityFields, activity_id: str = "", kind: str = "") -> res.Activity:
    """A body as an Activity message (fields the client left out stay unset)."""
    m = res.Activity(id=activity_id)
    if kind:
        m.type = _enum(res.ActivityType, kind)  # type: ignore[assignment]
    for name in ("subject", "description", "private_notes", "location", "owner_id", "team_id", "time_zone"):
        value = getattr(body, name)
        if value is not None:
            setattr(m, name, value)
    for name in ("start_date", "end_date", "due_date"):
        if getattr(body, name) is not None:
            setattr(m, name, getattr(body, name))
    if body.all_day is not None:
        m.all_day = body.all_day
    if body.priority is not None:
        m.priority = _enum(res.Priority, body.priority)  # type: ignore[assignment]
    for name in ("start_time", "end_time"):
        value = getattr(body, name)
        if value is not None:
            # A time without an offset is refused by the service, naming the field.
            if value.tzinfo is not None:
                getattr(m, name).CopyFrom(stamp(value))
            else:
                from chassis.errors import FieldViolation

                from gateway.problems import validation_problem

                raise validation_problem([FieldViolation(name, "needs a UTC offset (RFC 3339)")])
    if body.rrule is not None:
        m.recurrence.rrule = body.rrule
    for link in body.links or []:
        m.links.append(res.Link(kind=_enum(res.LinkKind, link.kind), id=link.id, name=link.name))  # type: ignore[arg-type]
    for a in body.attendees or []:
        m.attendees.append(
            res.Attendee(kind=_enum(res.AttendeeKind, a.kind), id=a.id, name=a.name, email=a.email)  # type: ignore[arg-type]
        )
    for r in body.reminders or []:
        m.reminders.append(
            res.Reminder(channel=_enum(res.ReminderChannel, r.channel), minutes_before=r.minutes_before)  # type: ignore[arg-type]
        )
    return m


def _activity_json(message: res.Activity) -> dict[str, Any]:
    return to_json(message)


@api.route(
    "POST",
    "/activities",
    summary="Plan an activity",
    body=ActivityCreate,
    query=OverrideQuery,
    response=pb.CreateActivityResponse,
    status=201,
    idempotent=True,
    body_field="activity",
)
def create_activity(body: ActivityCreate, query: OverrideQuery) -> Response:
    """An overlap with busy time of the owner or an internal attendee answers 409 with the
    conflicts in `details`; send ?override_conflicts=true to save anyway (recorded)."""
    reply = activities().CreateActivity(
        pb.CreateActivityRequest(
            activity=activity_message(body, kind=body.type), override_conflicts=query.override_conflicts
        )
    )
    return json_response(reply, 201, headers=version_etag(reply.activity))


@api.route(
    "POST",
    "/activities/conflicts",
    summary="Find the conflicts a draft activity would have",
    body=ActivityCreate,
    response=pb.FindConflictsResponse,
    body_field="activity",
)
def find_conflicts(body: ActivityCreate) -> Response:
    return json_response(
        activities().FindConflicts(pb.FindConflictsRequest(activity=activity_message(body, kind=body.type)))
    )


@api.route(
    "GET", "/activities", summary="List activities", query=ActivityQuery, response=pb.ListActivitiesResponse
)
def list_activities(query: ActivityQuery) -> Response:
    request = pb.ListActivitiesRequest(
        page_size=query.page_size, page_token=query.page_token, owner_id=query.owner_id, link_id=query.link_id
    )
    if query.status:
        request.status = _enum(res.ActivityStatus, query.status)  # type: ignore[assignment]
    if query.type:
        request.type = _enum(res.ActivityType, query.type)  # type: ignore[assignment]
    if query.link_kind:
        request.link_kind = _enum(res.LinkKind, query.link_kind)  # type: ignore[assignment]
    return json_response(activities().ListActivities(request))


@api.route("GET", "/activities/<activity_id>", summary="Get an activity", response=res.Activity)
def get_activity(activity_id: str) -> Response:
    reply = activities().GetActivity(pb.GetActivityRequest(id=activity_id))
    return json_response(reply.activity, headers=version_etag(reply.activity))


@api.route(
    "PATCH",
    "/activities/<activity_id>",
    summary="Change or move an activity",
    body=ActivityPatch,
    response=pb.UpdateActivityResponse,
    body_field="activity",
    headers=("If-Match",),
)
def update_activity(activity_id: str, body: ActivityPatch) -> Response:
    """Exactly the fields sent change (`rrule` changes the recurrence). For a recurring
    activity, `scope` this or this_and_following with `occurrence_start` (the occurrence's
    original start) changes one occurrence or splits the series."""
    sent = [name for name in body.model_dump(exclude_unset=True) if name not in REQUEST_ONLY]
    paths = sorted("recurrence" if name == "rrule" else name for name in sent)
    request = pb.UpdateActivityRequest(
        activity=activity_message(body, activity_id),
        update_mask=field_mask_pb2.FieldMask(paths=paths),
        expected_version=expected_version(body.expected_version) or 0,
        scope=_enum(res.EditScope, body.scope),  # type: ignore[arg-type]
        override_conflicts=body.override_conflicts,
    )
    if body.occurrence_start is not None:
        request.occurrence_start.CopyFrom(stamp(body.occurrence_start))
    reply = activities().UpdateActivity(request)
    return json_response(reply, headers=version_etag(reply.activity))


@api.route(
    "POST",
    "/activities/<activity_id>/complete",
    summary="Mark an activity (or one occurrence) done",
    body=Complete,
    response=pb.CompleteActivityResponse,
)
def complete_activity(activity_id: str, body: Complete) -> Response:
    """A type with a follow-up creates exactly one next activity (in `follow_up`)."""
    request = pb.CompleteActivityRequest(id=activity_id, outcome=body.outcome)
    if body.occurrence_start is not None:
        request.occurrence_start.CopyFrom(stamp(body.occurrence_start))
    return json_response(activities().CompleteActivity(request))


@api.route(
    "POST",
    "/activities/<activity_id>/cancel",
    summary="Cancel an activity (or one occurrence)",
    body=Cancel,
    response=res.Activity,
)
def cancel_activity(activity_id: str, body: Cancel) -> Response:
    request = pb.CancelActivityRequest(id=activity_id, reason=body.reason)
    if body.occurrence_start is not None:
        request.occurrence_start.CopyFrom(stamp(body.occurrence_start))
    return json_response(activities().CancelActivity(request).activity)


@api.route(
    "GET",
    "/activities/<activity_id>/ics",
    summary="Download an activity as an iCalendar file",
    response_media="text/calendar",
)
def download_ics(activity_id: str) -> Response:
    reply = activities().ExportActivity(pb.ExportActivityRequest(id=activity_id))
    return Response(
        reply.ics,
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{reply.filename}"'},
    )


def _fix(body: CheckInBody | CheckOutBody) -> res.DeviceFix:
    fix = res.DeviceFix(
        latitude=body.latitude or 0.0,
        longitude=body.longitude or 0.0,
        accuracy_m=body.accuracy_m,
        mock_location=body.mock_location,
    )
    if body.device_time is not None:
        fix.device_time.CopyFrom(stamp(body.device_time))
    return fix


@api.route(
    "POST",
    "/activities/<activity_id>/check-in",
    summary="Check in at a visit",
    body=CheckInBody,
    response=res.Activity,
    body_field="fix",
)
def check_in(activity_id: str, body: CheckInBody) -> Response:
    """The server keeps its own time, the distance to the customer's location and a verdict
    (within, outside, unverifiable); a team in hard mode refuses outside the radius (409)."""
    reply = activities().CheckIn(
        pb.CheckInRequest(activity_id=activity_id, fix=_fix(body), photo_ref=body.photo_ref)
    )
    return json_response(reply.activity)


@api.route(
    "POST",
    "/activities/<activity_id>/check-out",
    summary="Check out of a visit",
    body=CheckOutBody,
    response=res.Activity,
    body_field="fix",
)
def check_out(activity_id: str, body: CheckOutBody) -> Response:
    request = pb.CheckOutRequest(activity_id=activity_id)
    if body.latitude is not None and body.longitude is not None:
        request.fix.CopyFrom(_fix(body))
    return json_response(activities().CheckOut(request).activity)


@api.route(
    "GET", "/calendar", summary="A calendar page", query=CalendarQuery, response=pb.GetCalendarResponse
)
def calendar(query: CalendarQuery) -> Response:
    """A day, week or month around `date` in `time_zone` (the caller's own zone by default),
    for one user, one team, or (neither) everything the caller may see."""
    request = pb.GetCalendarRequest(
        view=_enum(pb.CalendarView, query.view),  # type: ignore[arg-type]
        date=query.date,
        time_zone=query.time_zone,
        user_id=query.user_id,
        team_id=query.team_id,
    )
    return json_response(activities().GetCalendar(request))
