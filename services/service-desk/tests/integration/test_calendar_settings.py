"""Which calendar a case's clocks run on when its SLA policy names none (team → company →
24×7), through the real gRPC API over real databases, with worked due times; and the calendar
settings refused when they name no calendar."""

from __future__ import annotations

import grpc
import sqlalchemy as sa
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from service_desk.testing import (
    ADMIN,
    AGENT,
    ServiceDeskUnderTest,
    bangkok_instant,
    bkk,
    office_calendar,
    policy,
    rpc_failure,
)


def _afternoon_calendar() -> res.BusinessCalendar:
    """Mon–Fri 13:00–14:00 Asia/Bangkok, no holidays (a team's own short service hours)."""
    windows = [res.WorkingWindow(weekday=day, start="13:00", end="14:00") for day in range(5)]
    return res.BusinessCalendar(name="North afternoons", zone="Asia/Bangkok", windows=windows)


def _calendar(desk: ServiceDeskUnderTest, calendar: res.BusinessCalendar) -> str:
    return str(desk.call("CreateCalendar", pb.CreateCalendarRequest(calendar=calendar), ADMIN).calendar.id)


def _open(desk: ServiceDeskUnderTest, team_id: str) -> res.Case:
    request = pb.CreateCaseRequest(title="No power", customer_id="cus_1", team_id=team_id, channel="web")
    return desk.call("CreateCase", request, AGENT).case


def test_team_calendar_before_company_calendar_before_round_the_clock(desk: ServiceDeskUnderTest) -> None:
    desk.call("CreateSlaPolicy", pb.CreateSlaPolicyRequest(policy=policy("any", 120, 960)), ADMIN)
    desk.clock.set(bkk(2026, 4, 3, 16, 0))  # Friday afternoon before the Monday holiday

    unteamed = _open(desk, "")
    # no team or company calendar: 24×7, 120 minutes later
    assert bangkok_instant(unteamed.first_response.due_time) == bkk(2026, 4, 3, 18, 0)

    office = _calendar(desk, office_calendar())
    desk.call("SetCompanyCalendar", pb.SetCompanyCalendarRequest(calendar_id=office), ADMIN)
    afternoons = _calendar(desk, _afternoon_calendar())
    desk.call(
        "SetTeamCalendar", pb.SetTeamCalendarRequest(team_id="support-north", calendar_id=afternoons), ADMIN
    )

    north = _open(desk, "support-north")
    south = _open(desk, "support-south")
    again = desk.call("GetCase", pb.GetCaseRequest(id=unteamed.id), AGENT).case

    # the team's calendar: Mon 13:00–14:00 (no holiday in it) and Tue 13:00–14:00
    assert bangkok_instant(north.first_response.due_time) == bkk(2026, 4, 7, 14, 0)
    # the company's office hours: Fri 16:00–17:30, the Monday holiday skipped, Tue 08:30–09:00
    assert bangkok_instant(south.first_response.due_time) == bkk(2026, 4, 7, 9, 0)
    assert bangkok_instant(again.first_response.due_time) == bkk(2026, 4, 7, 9, 0)
    settings = desk.call("GetCalendarSettings", pb.GetCalendarSettingsRequest(), AGENT)
    assert settings.company_calendar_id == office
    assert dict(settings.team_calendars) == {"support-north": afternoons}


def test_a_calendar_change_marks_open_cases_for_a_check(desk: ServiceDeskUnderTest) -> None:
    desk.call("CreateSlaPolicy", pb.CreateSlaPolicyRequest(policy=policy("any", 120, 960)), ADMIN)
    desk.clock.set(bkk(2026, 4, 3, 16, 0))
    case = _open(desk, "support-north")
    office = _calendar(desk, office_calendar())
    with desk.service.database.transaction() as session:  # as after a scheduler pass
        session.execute(sa.text("UPDATE cases SET next_check_at = NULL"))

    desk.call(
        "SetTeamCalendar", pb.SetTeamCalendarRequest(team_id="support-north", calendar_id=office), ADMIN
    )

    assert desk.count("cases", f"id = '{case.id}' AND next_check_at IS NOT NULL") == 1


def test_a_team_calendar_naming_no_calendar_is_refused_and_nothing_is_written(
    desk: ServiceDeskUnderTest,
) -> None:
    failure = rpc_failure(
        lambda: desk.call(
            "SetTeamCalendar",
            pb.SetTeamCalendarRequest(team_id="support-north", calendar_id="cal_missing"),
            ADMIN,
        )
    )

    assert failure.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "calendar_id" in failure.fields
    assert desk.count("team_calendars") == 0
    company = rpc_failure(
        lambda: desk.call("SetCompanyCalendar", pb.SetCompanyCalendarRequest(calendar_id="cal_x"), ADMIN)
    )
    assert "calendar_id" in company.fields
    assert desk.count("company_settings") == 0


def test_only_admins_set_calendars(desk: ServiceDeskUnderTest) -> None:
    failure = rpc_failure(
        lambda: desk.call("SetCompanyCalendar", pb.SetCompanyCalendarRequest(calendar_id=""), AGENT)
    )

    assert failure.code == grpc.StatusCode.PERMISSION_DENIED
    assert desk.count("company_settings") == 0
