"""Team and company calendars (admins write, everyone signed in reads): the calendars a case's
clocks run on when its SLA policy names none. A change marks the open cases it may move for
the scheduler's next pass, as a policy change does."""

from __future__ import annotations

from dataclasses import dataclass

from chassis.errors import InvalidArgument
from chassis.identity import Caller

from service_desk.adapters import calendar_settings as stored
from service_desk.application.context import ServiceDeskContext, UnitOfWork


@dataclass(frozen=True)
class CalendarSettings:
    company_calendar_id: str
    team_calendars: dict[str, str]


def _check_calendar(uow: UnitOfWork, calendar_id: str) -> str:
    calendar_id = calendar_id.strip()
    if calendar_id and uow.calendars.get(calendar_id) is None:
        raise InvalidArgument("calendar_id", f"no calendar {calendar_id!r}")
    return calendar_id


def set_team_calendar(ctx: ServiceDeskContext, caller: Caller, team_id: str, calendar_id: str) -> str:
    """Gives `team_id` its own calendar ("" removes it); returns the calendar id stored."""
    caller.require_role("admin")
    team_id = team_id.strip()
    if not team_id:
        raise InvalidArgument("team_id", "is required")
    now = ctx.clock()
    with ctx.transaction() as uow:
        calendar_id = _check_calendar(uow, calendar_id)
        stored.set_team_calendar(uow.session, team_id, calendar_id, caller.user_id, now)
        stored.recheck_open_cases(uow.session, now, team_id)
    return calendar_id


def set_company_calendar(ctx: ServiceDeskContext, caller: Caller, calendar_id: str) -> str:
    """Sets the company's calendar ("" = 24x7); returns the calendar id stored."""
    caller.require_role("admin")
    now = ctx.clock()
    with ctx.transaction() as uow:
        calendar_id = _check_calendar(uow, calendar_id)
        stored.set_company_calendar(uow.session, calendar_id, caller.user_id, now)
        stored.recheck_open_cases(uow.session, now)
    return calendar_id


def get_calendar_settings(ctx: ServiceDeskContext, caller: Caller) -> CalendarSettings:
    with ctx.reading() as uow:
        return CalendarSettings(stored.company_calendar(uow.session), stored.all_team_calendars(uow.session))
