"""iCalendar feeds and files, parsed back with `icalendar` and expanded with
`recurring-ical-events`: stable UID and SEQUENCE, local times across DST, no private notes,
secret revocable tokens."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import grpc
import recurring_ical_events
from activities.testing import NORTH_REP, REP, ActivitiesUnderTest, rpc_failure, stamp
from crm.activities.v1 import activities_service_pb2 as pb
from crm.activities.v1 import resources_pb2 as res
from google.protobuf import field_mask_pb2
from icalendar import Calendar

NY = ZoneInfo("America/New_York")
UTC = dt.UTC


def weekly_new_york(svc: ActivitiesUnderTest) -> res.Activity:
    now = dt.datetime.now(UTC)
    # The Monday 09:00 New York nearest ahead, weekly for 8 weeks.
    first = (now + dt.timedelta(days=(7 - now.weekday()) % 7 or 7)).astimezone(NY)
    first = first.replace(hour=9, minute=0, second=0, microsecond=0)
    activity = res.Activity(
        type=res.ACTIVITY_TYPE_MEETING,
        subject="Weekly NY sync",
        description="Pipeline review",
        private_notes="do not share: margin 12%",
        start_time=stamp(first),
        end_time=stamp(first + dt.timedelta(hours=1)),
        time_zone="America/New_York",
        recurrence=res.Recurrence(rrule="FREQ=WEEKLY;COUNT=8"),
    )
    return svc.call("CreateActivity", pb.CreateActivityRequest(activity=activity)).activity


def feed(svc: ActivitiesUnderTest, token: str) -> Calendar:
    reply = svc.call("GetCalendarFeed", pb.GetCalendarFeedRequest(token=token), caller=None)
    return Calendar.from_ical(reply.ics)


def test_feed_round_trips_through_icalendar_and_recurring_ical_events(
    activities: ActivitiesUnderTest,
) -> None:
    series = weekly_new_york(activities)
    created = activities.call("CreateCalendarFeed", pb.CreateCalendarFeedRequest())
    assert len(created.token) >= 43  # 256 bits, URL-safe base64
    assert activities.count("calendar_feeds", f"token_hash = '{created.token}'") == 0
    starts = series.start_time.ToDatetime(tzinfo=UTC)
    second, third = starts + dt.timedelta(weeks=1), starts + dt.timedelta(weeks=2)
    activities.call("CancelActivity", pb.CancelActivityRequest(id=series.id, occurrence_start=stamp(second)))
    moved_to = third + dt.timedelta(hours=3)
    activities.call(
        "UpdateActivity",
        pb.UpdateActivityRequest(
            activity=res.Activity(
                id=series.id, start_time=stamp(moved_to), end_time=stamp(moved_to + dt.timedelta(hours=1))
            ),
            update_mask=field_mask_pb2.FieldMask(paths=["start_time", "end_time"]),
            scope=res.EDIT_SCOPE_THIS,
            occurrence_start=stamp(third),
        ),
    )
    cal = feed(activities, created.token)
    assert b"margin" not in cal.to_ical()
    events = [c for c in cal.walk("VEVENT") if str(c["UID"]) == f"{series.id}@activities.crm"]
    assert len(events) == 2  # the series and the moved occurrence
    assert {int(e["SEQUENCE"]) for e in events} == {2}
    window = (starts - dt.timedelta(days=1), starts + dt.timedelta(weeks=9))
    occurrences = recurring_ical_events.of(cal).between(*window)
    local = sorted(o["DTSTART"].dt.astimezone(NY) for o in occurrences)
    assert len(local) == 7  # eight weeks, one cancelled
    assert {t.hour for t in local if t != moved_to.astimezone(NY)} == {9}
    assert moved_to.astimezone(NY) in local
    assert second.astimezone(NY) not in local


def test_revoked_or_unknown_tokens_get_nothing(activities: ActivitiesUnderTest) -> None:
    created = activities.call("CreateCalendarFeed", pb.CreateCalendarFeedRequest())
    code, _, _ = rpc_failure(
        lambda: activities.call(
            "RevokeCalendarFeed", pb.RevokeCalendarFeedRequest(id=created.feed.id), NORTH_REP
        )
    )
    assert code is grpc.StatusCode.PERMISSION_DENIED
    activities.call("RevokeCalendarFeed", pb.RevokeCalendarFeedRequest(id=created.feed.id))
    for token in (created.token, "guessed-token"):
        code, _, _ = rpc_failure(lambda t=token: feed(activities, t))
        assert code is grpc.StatusCode.NOT_FOUND
    listed = activities.call("ListCalendarFeeds", pb.ListCalendarFeedsRequest()).feeds
    assert [f.revoked for f in listed] == [True]


def test_one_activity_downloads_as_ics_with_all_day_exclusive_end(activities: ActivitiesUnderTest) -> None:
    fair = res.Activity(
        type=res.ACTIVITY_TYPE_MEETING,
        subject="Trade fair",
        all_day=True,
        start_date="2030-04-13",
        end_date="2030-04-16",
        time_zone="Asia/Bangkok",
    )
    made = activities.call("CreateActivity", pb.CreateActivityRequest(activity=fair)).activity
    assert "dates=20300413%2F20300416" in made.google_calendar_url
    reply = activities.call("ExportActivity", pb.ExportActivityRequest(id=made.id), REP)
    event = next(iter(Calendar.from_ical(reply.ics).walk("VEVENT")))
    assert event["DTSTART"].dt == dt.date(2030, 4, 13)
    assert event["DTEND"].dt == dt.date(2030, 4, 16)
    code, _, _ = rpc_failure(
        lambda: activities.call("ExportActivity", pb.ExportActivityRequest(id=made.id), NORTH_REP)
    )
    assert code is grpc.StatusCode.NOT_FOUND
