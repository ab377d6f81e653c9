"""REST over the activities gRPC service (a small fake served over real gRPC on a free port,
the collaborator at this unit boundary; tests/e2e uses the real one): bodies become the
right messages, the caller is passed on, conflicts come back as a 409 problem with details,
and the calendar feed answers without a bearer token."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
from chassis.errors import FailedPrecondition, NotFound
from chassis.grpc.status import to_rpc_status
from chassis.identity import Caller
from crm.activities.v1 import activities_service_pb2 as pb
from crm.activities.v1 import activities_service_pb2_grpc as pb_grpc
from crm.activities.v1 import date_mail_pb2 as _dm
from crm.activities.v1 import resources_pb2 as res
from google.protobuf.timestamp_pb2 import Timestamp

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def stamp(value: dt.datetime) -> Timestamp:
    out = Timestamp()
    out.FromDatetime(value)
    return out


@dataclass
class FakeActivities(pb_grpc.ActivitiesServiceServicer):
    calls: list[tuple[str, Any, Caller | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _seen(self, name: str, request: Any, context: grpc.ServicerContext) -> None:
        with self.lock:
            self.calls.append((name, request, Caller.from_metadata(context.invocation_metadata())))

    def last(self, name: str) -> tuple[Any, Caller | None]:
        return next((r, c) for n, r, c in reversed(self.calls) if n == name)

    def CreateActivity(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("CreateActivity", request, context)
        if request.activity.subject == "Clash" and not request.override_conflicts:
            error = FailedPrecondition("overlaps 1 busy activity of u-1; save with override_conflicts")
            error.details = [pb.FindConflictsResponse(conflicts=[res.Conflict(activity_id="act_old")])]  # type: ignore[attr-defined]
            context.abort_with_status(to_rpc_status(error))
        made = res.Activity()
        made.CopyFrom(request.activity)
        made.id = "act_1"
        made.audit.version = 1
        return pb.CreateActivityResponse(activity=made)

    def UpdateActivity(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("UpdateActivity", request, context)
        return pb.UpdateActivityResponse(activity=res.Activity(id=request.activity.id))

    def GetCalendar(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("GetCalendar", request, context)
        return pb.GetCalendarResponse(time_zone="Asia/Bangkok")

    def CheckIn(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("CheckIn", request, context)
        return pb.CheckInResponse(activity=res.Activity(id=request.activity_id))

    def CreateCalendarFeed(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("CreateCalendarFeed", request, context)
        return pb.CreateCalendarFeedResponse(feed=res.CalendarFeed(id="feed_1"), token="t0ken")

    def GetCalendarFeed(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("GetCalendarFeed", request, context)
        if request.token != "t0ken":
            context.abort_with_status(to_rpc_status(NotFound("calendar feed", "")))
        return pb.GetCalendarFeedResponse(ics=ICS)

    def MarkNotificationsRead(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("MarkNotificationsRead", request, context)
        return pb.MarkNotificationsReadResponse(marked=len(request.ids))


@pytest.fixture
def fake_activities() -> Iterator[tuple[FakeActivities, int]]:
    servicer = FakeActivities()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_ActivitiesServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield servicer, port
    finally:
        server.stop(0)


@pytest.fixture
def web(make_app, fake_activities):  # type: ignore[no-untyped-def]
    servicer, port = fake_activities
    return make_app(activities_target=f"127.0.0.1:{port}").test_client(), servicer


def test_create_sends_a_typed_activity_and_the_caller(web, as_user) -> None:  # type: ignore[no-untyped-def]
    client, fake = web
    headers = as_user("sales_rep")
    body = {
        "type": "visit",
        "subject": "เยี่ยมลูกค้า",
        "start_time": "2030-04-07T09:00:00+07:00",
        "end_time": "2030-04-07T10:00:00+07:00",
        "time_zone": "Asia/Bangkok",
        "links": [{"kind": "customer", "id": "cus_1"}],
        "attendees": [{"kind": "user", "id": "u-2"}],
        "reminders": [{"channel": "in_app", "minutes_before": 15}],
        "rrule": "FREQ=WEEKLY;COUNT=4",
    }
    response = client.post("/api/v1/activities", json=body, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["activity"]["type"] == "visit"
    request, caller = fake.last("CreateActivity")
    assert request.activity.type == res.ACTIVITY_TYPE_VISIT
    assert request.activity.start_time.ToDatetime(tzinfo=dt.UTC) == dt.datetime(2030, 4, 7, 2, tzinfo=dt.UTC)
    assert request.activity.links[0].kind == res.LINK_KIND_CUSTOMER
    assert request.activity.reminders[0].channel == res.REMINDER_CHANNEL_IN_APP
    assert request.activity.recurrence.rrule == "FREQ=WEEKLY;COUNT=4"
    assert caller is not None
    assert "sales_rep" in caller.roles


def test_a_conflict_is_a_409_problem_with_the_conflicts_and_override_saves(web, admin_headers) -> None:  # type: ignore[no-untyped-def]
    client, fake = web
    body = {"type": "meeting", "subject": "Clash", "start_time": "2030-04-07T09:00:00+07:00"}
    refused = client.post("/api/v1/activities", json=body, headers=admin_headers)
    assert refused.status_code == 409
    assert refused.json["details"][0]["conflicts"][0]["activity_id"] == "act_old"
    saved = client.post("/api/v1/activities?override_conflicts=true", json=body, headers=admin_headers)
    assert saved.status_code == 201
    assert fake.last("CreateActivity")[0].override_conflicts is True


def test_bad_shapes_are_refused_before_any_call(web, admin_headers) -> None:  # type: ignore[no-untyped-def]
    client, fake = web
    naive = {"type": "meeting", "subject": "x", "start_time": "2030-04-07T09:00:00"}
    response = client.post("/api/v1/activities", json=naive, headers=admin_headers)
    assert response.status_code in (400, 422)
    assert response.json["errors"][0]["field"] == "start_time"
    bad_kind = {"type": "party", "subject": "x"}
    assert client.post("/api/v1/activities", json=bad_kind, headers=admin_headers).status_code == 422
    assert fake.calls == []


def test_patch_sends_a_mask_of_the_sent_fields_and_the_scope(web, admin_headers) -> None:  # type: ignore[no-untyped-def]
    client, fake = web
    body = {
        "start_time": "2030-04-07T11:00:00+07:00",
        "scope": "this",
        "occurrence_start": "2030-04-07T09:00:00+07:00",
        "rrule": "FREQ=DAILY;COUNT=3",
    }
    assert client.patch("/api/v1/activities/act_1", json=body, headers=admin_headers).status_code == 200
    request, _ = fake.last("UpdateActivity")
    assert list(request.update_mask.paths) == ["recurrence", "start_time"]
    assert request.scope == res.EDIT_SCOPE_THIS
    assert request.occurrence_start.ToDatetime(tzinfo=dt.UTC).hour == 2


def test_calendar_and_check_in_pass_their_parameters(web, admin_headers) -> None:  # type: ignore[no-untyped-def]
    client, fake = web
    page = client.get("/api/v1/calendar?view=month&date=2030-04-07&team_id=team-bkk", headers=admin_headers)
    assert page.status_code == 200
    request, _ = fake.last("GetCalendar")
    assert (request.view, request.date, request.team_id) == (pb.CALENDAR_VIEW_MONTH, "2030-04-07", "team-bkk")
    fix = {"latitude": 13.746, "longitude": 100.535, "accuracy_m": 12.5, "mock_location": True}
    assert (
        client.post("/api/v1/activities/act_1/check-in", json=fix, headers=admin_headers).status_code == 200
    )
    request, _ = fake.last("CheckIn")
    assert request.fix.latitude == pytest.approx(13.746)
    assert request.fix.mock_location is True


def test_the_feed_needs_no_bearer_token_and_unknown_tokens_are_404(web, admin_headers) -> None:  # type: ignore[no-untyped-def]
    client, fake = web
    created = client.post("/api/v1/calendar-feeds", headers=admin_headers)
    assert created.status_code == 201
    assert created.json["webcal_url"].startswith("webcal://")
    assert created.json["url"].endswith("/api/v1/calendar-feeds/t0ken.ics")
    feed = client.get("/api/v1/calendar-feeds/t0ken.ics")
    assert feed.status_code == 200
    assert feed.content_type.startswith("text/calendar")
    assert feed.data == ICS
    assert fake.last("GetCalendarFeed")[1] is None  # no user identity is sent
    missing = client.get("/api/v1/calendar-feeds/guess.ics")
    assert missing.status_code == 404
    assert b"guess" not in missing.data
    assert client.get("/api/v1/calendar-feeds").status_code == 401


def test_notifications_are_marked_read(web, admin_headers) -> None:  # type: ignore[no-untyped-def]
    client, _ = web
    reply = client.post("/api/v1/notifications/read", json={"ids": ["n1", "n2"]}, headers=admin_headers)
    assert reply.json == {"marked": 2}


class FakeDateMail(FakeActivities):
    """The date mail, consent and unsubscribe RPCs (token "good" exists)."""

    def CreateDateMailRule(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("CreateDateMailRule", request, context)
        made = type(request.rule)()
        made.CopyFrom(request.rule)
        made.id = "dmr_1"
        return _dm.CreateDateMailRuleResponse(rule=made)

    def SetMarketingConsent(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("SetMarketingConsent", request, context)
        return _dm.SetMarketingConsentResponse(
            consent=_dm.MarketingConsent(recipient_kind=request.recipient_kind, granted=request.granted)
        )

    def GetUnsubscribePage(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("GetUnsubscribePage", request, context)
        if request.token != "good":
            context.abort_with_status(to_rpc_status(NotFound("unsubscribe link", "")))
        return _dm.GetUnsubscribePageResponse(recipient_name="<S••>", subscribed=True)

    def Unsubscribe(self, request, context):  # type: ignore[no-untyped-def]
        self._seen("Unsubscribe", request, context)
        return _dm.UnsubscribeResponse(subscribed=False)


@pytest.fixture
def mail_web(make_app):  # type: ignore[no-untyped-def]
    servicer = FakeDateMail()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_ActivitiesServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield make_app(activities_target=f"127.0.0.1:{port}").test_client(), servicer
    finally:
        server.stop(None)


def test_date_mail_rules_consent_and_the_public_unsubscribe_pages(mail_web, admin_headers) -> None:  # type: ignore[no-untyped-def]
    client, fake = mail_web
    rule = {"name": "Birthday", "field": "birthday", "offset_days": -1, "send_time": "08:30"}
    created = client.post("/api/v1/date-mail-rules", json=rule, headers=admin_headers)
    assert created.status_code == 201
    request, caller = fake.last("CreateDateMailRule")
    assert (request.rule.field, request.rule.offset_days, request.rule.send_time) == ("birthday", -1, "08:30")
    assert caller is not None
    bad = client.post("/api/v1/date-mail-rules", json={**rule, "send_time": "8am"}, headers=admin_headers)
    assert bad.status_code == 422
    assert len([c for c in fake.calls if c[0] == "CreateDateMailRule"]) == 1
    consent = client.put(
        "/api/v1/marketing-consents/contact/cp_1",
        json={"granted": True, "note": "web form"},
        headers=admin_headers,
    )
    assert consent.status_code == 200
    assert fake.last("SetMarketingConsent")[0].note == "web form"

    page = client.get("/api/v1/unsubscribe/good")  # no bearer token
    assert page.status_code == 200
    assert "<form method=post>" in page.text
    assert "&lt;S••&gt;" in page.text
    assert all(c[0] != "Unsubscribe" for c in fake.calls)  # GET changes nothing
    one_click = client.post(
        "/api/v1/unsubscribe/good",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert fake.last("Unsubscribe")[0].token == "good"
    assert client.get("/api/v1/unsubscribe/bad").status_code == 404
