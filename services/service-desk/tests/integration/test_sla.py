"""SLA clocks and escalation through the real gRPC API over real databases: the issue's worked
example (Friday afternoon before a Monday holiday), a pause while waiting for the customer,
and a breach fired exactly once when two schedulers race, seen on a real nats-server."""

from __future__ import annotations

import datetime as dt

from crm.servicedesk.v1 import events_pb2 as ev
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from service_desk.testing import (
    ADMIN,
    AGENT,
    ServiceDeskUnderTest,
    bangkok_instant,
    bkk,
    change_status,
    office_policy,
    policy,
    race,
    read_stream,
)


def _open_case(desk: ServiceDeskUnderTest, title: str = "Printer jams") -> res.Case:
    request = pb.CreateCaseRequest(title=title, customer_id="cus_1", team_id="support-north", channel="web")
    return desk.call("CreateCase", request, AGENT).case


def test_case_on_friday_afternoon_before_a_monday_holiday_is_due_tuesday_morning(
    desk: ServiceDeskUnderTest,
) -> None:
    policy_id = office_policy(desk, response=120, resolution=960)
    desk.clock.set(bkk(2026, 4, 3, 16, 0))

    case = _open_case(desk)

    assert case.sla_policy_id == policy_id
    assert case.status == res.CASE_STATUS_NEW
    assert bangkok_instant(case.first_response.due_time) == bkk(2026, 4, 7, 9, 0)
    assert case.first_response.state == res.CLOCK_STATE_RUNNING
    stored = desk.call(
        "GetCalendar",
        pb.GetCalendarRequest(
            id=desk.call("ListCalendars", pb.ListCalendarsRequest(), AGENT).calendars[0].id
        ),
        AGENT,
    ).calendar
    assert [h.date for h in stored.holidays] == ["2026-04-06"]
    assert [(w.start, w.end) for w in stored.windows[:2]] == [("08:30", "12:00"), ("13:00", "17:30")]
    assert desk.outbox_subjects() == ["crm.servicedesk.case.created"]


def test_waiting_for_the_customer_pauses_only_the_business_minutes_it_covered(
    desk: ServiceDeskUnderTest,
) -> None:
    office_policy(desk, response=60, resolution=480)
    desk.clock.set(bkk(2026, 4, 7, 9, 0))
    case = _open_case(desk)
    # 09:00 + 480 business minutes (450 on Tuesday) → Wednesday 09:00 without a pause.
    assert bangkok_instant(case.resolution.due_time) == bkk(2026, 4, 8, 9, 0)

    desk.clock.set(bkk(2026, 4, 7, 9, 30))
    replied = desk.call(
        "AddCaseReply", pb.AddCaseReplyRequest(case_id=case.id, body="We are on it"), AGENT
    ).case
    assert replied.first_response.state == res.CLOCK_STATE_FULFILLED
    assert replied.first_response.breached is False

    change_status(desk, case.id, res.CASE_STATUS_IN_PROGRESS, bkk(2026, 4, 7, 9, 30))
    waiting = change_status(desk, case.id, res.CASE_STATUS_WAITING_FOR_CUSTOMER, bkk(2026, 4, 7, 10, 0))
    assert waiting.resolution.state == res.CLOCK_STATE_PAUSED
    assert not waiting.resolution.HasField("due_time")

    resumed = change_status(desk, case.id, res.CASE_STATUS_IN_PROGRESS, bkk(2026, 4, 7, 14, 0))

    # 60 minutes ran before the pause; 420 remain from Tuesday 14:00: 210 on Tuesday, 210 on
    # Wednesday from 08:30 → 12:00. The pause (10:00–14:00) covered 180 business minutes.
    assert resumed.resolution.state == res.CLOCK_STATE_RUNNING
    assert bangkok_instant(resumed.resolution.due_time) == bkk(2026, 4, 8, 12, 0)
    assert [h.to_status for h in resumed.history] == [
        res.CASE_STATUS_NEW,
        res.CASE_STATUS_IN_PROGRESS,
        res.CASE_STATUS_WAITING_FOR_CUSTOMER,
        res.CASE_STATUS_IN_PROGRESS,
    ]


def test_breach_fires_exactly_once_when_two_schedulers_race(desk_with_events: ServiceDeskUnderTest) -> None:
    desk = desk_with_events
    made = desk.call("CreateSlaPolicy", pb.CreateSlaPolicyRequest(policy=policy("24x7", 60, 120)), ADMIN)
    start = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)
    desk.clock.set(start)
    case = _open_case(desk, "Server down")
    assert case.sla_policy_id == made.policy.id
    desk.clock.set(start + dt.timedelta(minutes=50))
    assert desk.service.check_sla() == 1  # the response warning at 45 minutes

    desk.clock.set(start + dt.timedelta(hours=3))
    race(desk, lambda service: [service.check_sla() for _ in range(3)])

    subjects = desk.outbox_subjects()
    assert subjects.count("crm.servicedesk.case.sla_breached") == 2  # response and resolution
    assert subjects.count("crm.servicedesk.case.sla_warning") == 2
    assert desk.count("sla_escalations", f"case_id = '{case.id}'") == 4
    assert desk.count("cases", "next_check_at IS NOT NULL") == 0

    messages = read_stream(desk.settings.nats_url, "crm.servicedesk.case.sla_breached", count=2)
    breaches = [ev.CaseSlaEvent.FromString(m.data) for m in messages]
    assert sorted(b.clock for b in breaches) == [res.CLOCK_KIND_FIRST_RESPONSE, res.CLOCK_KIND_RESOLUTION]
    first = next(b for b in breaches if b.clock == res.CLOCK_KIND_FIRST_RESPONSE)
    assert first.case_id == case.id
    assert first.level == "sla_breached"
    assert first.reached_time.ToDatetime(tzinfo=dt.UTC) == start + dt.timedelta(minutes=60)
    assert {a.kind for a in first.actions} == {
        res.ESCALATION_ACTION_KIND_NOTIFY_ASSIGNEE,
        res.ESCALATION_ACTION_KIND_NOTIFY_TEAM_LEAD,
    }
    shown = desk.call("GetCase", pb.GetCaseRequest(id=case.id), AGENT).case
    assert shown.first_response.breached
    assert shown.resolution.breached
