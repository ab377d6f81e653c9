"""Activities over real gRPC: create, conflicts with override, access, complete with follow-up,
bad input naming the field with nothing written, calendar pages."""

from __future__ import annotations

import datetime as dt

import grpc
from activities.testing import MANAGER, NORTH_REP, OTHER_REP, REP, ActivitiesUnderTest, rpc_failure, stamp
from crm.activities.v1 import activities_service_pb2 as pb
from crm.activities.v1 import resources_pb2 as res
from google.protobuf import field_mask_pb2

UTC = dt.UTC
BKK = dt.timezone(dt.timedelta(hours=7))


def meeting(start: dt.datetime, hours: float = 1, **kw: object) -> res.Activity:
    return res.Activity(
        type=res.ACTIVITY_TYPE_MEETING,
        subject=kw.pop("subject", "Quarterly review"),  # type: ignore[arg-type]
        start_time=stamp(start),
        end_time=stamp(start + dt.timedelta(hours=hours)),
        time_zone="Asia/Bangkok",
        **kw,  # type: ignore[arg-type]
    )


def create(
    svc: ActivitiesUnderTest, activity: res.Activity, caller=REP, override: bool = False
) -> res.Activity:  # type: ignore[no-untyped-def]
    reply = svc.call(
        "CreateActivity", pb.CreateActivityRequest(activity=activity, override_conflicts=override), caller
    )
    return reply.activity


def test_created_meeting_is_stored_in_utc_with_its_zone_and_event(activities: ActivitiesUnderTest) -> None:
    made = create(activities, meeting(dt.datetime(2030, 4, 7, 9, tzinfo=BKK)))
    assert made.start_time.ToDatetime(tzinfo=UTC) == dt.datetime(2030, 4, 7, 2, tzinfo=UTC)
    assert made.time_zone == "Asia/Bangkok"
    assert made.owner_id == REP.user_id
    assert made.team_id == "team-bkk"
    assert "dates=20300407T020000Z%2F20300407T030000Z" in made.google_calendar_url
    assert activities.outbox_subjects() == ["crm.activities.activity.created"]


def test_overlap_is_refused_with_every_conflict_and_saved_with_a_recorded_override(
    activities: ActivitiesUnderTest,
) -> None:
    nine = dt.datetime(2030, 4, 7, 9, tzinfo=BKK)
    first = create(activities, meeting(nine))
    attendee = res.Attendee(kind=res.ATTENDEE_KIND_USER, id=OTHER_REP.user_id)
    second = create(activities, meeting(nine + dt.timedelta(minutes=30), subject="Anan's call"), OTHER_REP)
    create(activities, meeting(nine + dt.timedelta(hours=1), subject="Back to back"))  # touches, no clash
    draft = meeting(nine + dt.timedelta(minutes=15), 0.75, attendees=[attendee], subject="Clash")
    code, message, _ = rpc_failure(lambda: create(activities, draft))
    assert code is grpc.StatusCode.FAILED_PRECONDITION
    assert "override" in message
    assert activities.count("activities") == 3
    found = activities.call("FindConflicts", pb.FindConflictsRequest(activity=draft)).conflicts
    assert sorted(c.activity_id for c in found) == sorted([first.id, second.id])
    saved = activities.call(
        "CreateActivity", pb.CreateActivityRequest(activity=draft, override_conflicts=True)
    )
    assert {c.activity_id for c in saved.conflicts} == {first.id, second.id}
    assert saved.activity.conflict_override.overridden_by == REP.user_id
    assert set(saved.activity.conflict_override.activity_ids) == {first.id, second.id}


def test_bad_input_names_the_field_and_writes_nothing(activities: ActivitiesUnderTest) -> None:
    nine = dt.datetime(2030, 4, 7, 9, tzinfo=BKK)
    cases = {
        "end_time": meeting(nine, hours=-1),
        "time_zone": res.Activity(
            type=res.ACTIVITY_TYPE_CALL,
            subject="x",
            start_time=stamp(nine),
            end_time=stamp(nine),
            time_zone="Asia/Bangkokk",
        ),
        "recurrence.rrule": meeting(nine, recurrence=res.Recurrence(rrule="FREQ=WEEKLY")),
        "subject": meeting(nine, subject=" "),
        "due_date": res.Activity(type=res.ACTIVITY_TYPE_TASK, subject="x"),
        "reminders[0].minutes_before": meeting(
            nine, reminders=[res.Reminder(channel=res.REMINDER_CHANNEL_EMAIL, minutes_before=-5)]
        ),
    }
    for field, activity in cases.items():
        code, _, violations = rpc_failure(lambda a=activity: create(activities, a))
        assert code is grpc.StatusCode.INVALID_ARGUMENT, field
        assert field in violations, (field, violations)
    assert activities.count("activities") == 0
    assert activities.count("outbox") == 0


def test_a_rep_sees_own_and_attended_a_manager_the_team(activities: ActivitiesUnderTest) -> None:
    nine = dt.datetime(2030, 4, 7, 9, tzinfo=BKK)
    mine = create(activities, meeting(nine, private_notes="price floor 95"))
    code, _, _ = rpc_failure(
        lambda: activities.call("GetActivity", pb.GetActivityRequest(id=mine.id), NORTH_REP)
    )
    assert code is grpc.StatusCode.NOT_FOUND
    seen = activities.call("GetActivity", pb.GetActivityRequest(id=mine.id), MANAGER).activity
    assert seen.private_notes == "price floor 95"
    code, _, _ = rpc_failure(
        lambda: activities.call("GetActivity", pb.GetActivityRequest(id=mine.id), OTHER_REP)
    )
    assert code is grpc.StatusCode.NOT_FOUND
    listed = activities.call("ListActivities", pb.ListActivitiesRequest(), OTHER_REP).activities
    assert listed == []
    assert [
        a.id for a in activities.call("ListActivities", pb.ListActivitiesRequest(), MANAGER).activities
    ] == [mine.id]


def test_completing_a_visit_creates_exactly_one_follow_up(activities: ActivitiesUnderTest) -> None:
    visit = res.Activity(
        type=res.ACTIVITY_TYPE_VISIT,
        subject="Visit Siam Foods",
        start_time=stamp(dt.datetime(2030, 4, 7, 9, tzinfo=BKK)),
        end_time=stamp(dt.datetime(2030, 4, 7, 10, tzinfo=BKK)),
        time_zone="Asia/Bangkok",
        links=[res.Link(kind=res.LINK_KIND_CUSTOMER, id="cus_1", name="Siam Foods")],
    )
    made = create(activities, visit)
    reply = activities.call(
        "CompleteActivity", pb.CompleteActivityRequest(id=made.id, outcome="ordered 40 cases")
    )
    assert reply.activity.status == res.ACTIVITY_STATUS_DONE
    assert reply.follow_up.type == res.ACTIVITY_TYPE_CALL
    assert reply.follow_up.follow_up_of == made.id
    code, _, _ = rpc_failure(
        lambda: activities.call("CompleteActivity", pb.CompleteActivityRequest(id=made.id))
    )
    assert code is grpc.StatusCode.FAILED_PRECONDITION
    assert activities.count("activities", f"follow_up_of = '{made.id}'") == 1
    assert activities.outbox_subjects()[-2:] == [
        "crm.activities.activity.completed",
        "crm.activities.activity.created",
    ]


def test_moving_a_meeting_keeps_its_duration_and_checks_conflicts(activities: ActivitiesUnderTest) -> None:
    nine = dt.datetime(2030, 4, 7, 9, tzinfo=BKK)
    made = create(activities, meeting(nine, hours=2))
    other = create(activities, meeting(nine + dt.timedelta(hours=3), subject="Lunch"))
    move = res.Activity(id=made.id, start_time=stamp(nine + dt.timedelta(hours=2)))
    request = pb.UpdateActivityRequest(
        activity=move, update_mask=field_mask_pb2.FieldMask(paths=["start_time"])
    )
    code, _, _ = rpc_failure(lambda: activities.call("UpdateActivity", request))
    assert code is grpc.StatusCode.FAILED_PRECONDITION
    request.override_conflicts = True
    moved = activities.call("UpdateActivity", request)
    assert moved.activity.end_time.ToDatetime(tzinfo=UTC) == (nine + dt.timedelta(hours=4)).astimezone(UTC)
    assert [c.activity_id for c in moved.conflicts] == [other.id]
    assert moved.activity.audit.version == 2


def test_calendar_week_expands_a_recurring_series_and_judges_tasks(activities: ActivitiesUnderTest) -> None:
    monday = dt.datetime(2030, 4, 1, 9, tzinfo=BKK)
    create(
        activities,
        meeting(monday, recurrence=res.Recurrence(rrule="FREQ=DAILY;COUNT=10"), subject="Stand-up"),
    )
    create(activities, res.Activity(type=res.ACTIVITY_TYPE_TASK, subject="Send quote", due_date="2030-04-03"))
    page = activities.call(
        "GetCalendar",
        pb.GetCalendarRequest(view=pb.CALENDAR_VIEW_WEEK, date="2030-04-03", time_zone="Asia/Bangkok"),
    )
    standups = [e for e in page.entries if e.activity.subject == "Stand-up"]
    assert len(standups) == 7
    assert {e.start_time.ToDatetime(tzinfo=UTC).hour for e in standups} == {2}
    assert [e.activity.subject for e in page.entries].count("Send quote") == 1
    day = activities.call("GetCalendar", pb.GetCalendarRequest(view=pb.CALENDAR_VIEW_DAY, date="2030-04-11"))
    assert [e.activity.subject for e in day.entries] == []
