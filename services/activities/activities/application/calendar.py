"""Calendar pages (a day, a week or a month) for one user, a team, or everyone the caller may
see, with record-level access as everywhere: a rep sees their own and attended activities,
a manager their teams', an admin all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chassis.errors import InvalidArgument, PermissionDenied
from chassis.identity import Caller

from activities.application.context import ActivitiesContext, can_see
from activities.domain.calendar import CalendarEntry, entries
from activities.domain.timing import CalendarView, local_today, parse_date, view_window, zone_of


@dataclass(frozen=True)
class CalendarPage:
    entries: list[tuple[CalendarEntry, str]]
    window_start: dt.datetime
    window_end: dt.datetime
    time_zone: str


def parse_view(text: str) -> CalendarView:
    try:
        return CalendarView(text or "week")
    except ValueError:
        raise InvalidArgument("view", "must be day, week or month") from None


def get_calendar(
    ctx: ActivitiesContext,
    caller: Caller,
    *,
    view: CalendarView,
    date: str,
    time_zone: str,
    user_id: str,
    team_id: str,
) -> CalendarPage:
    if user_id and team_id:
        raise InvalidArgument("team_id", "give user_id or team_id, not both")
    if team_id and not caller.sees_all and not (caller.is_manager and team_id in caller.team_ids):
        raise PermissionDenied(f"{caller.user_id} may not see the calendar of team {team_id}")
    with ctx.reading() as uow:
        zone = time_zone.strip() or uow.zone_of_user(caller.user_id)
        zone_of(zone, "time_zone")
        anchor = parse_date(date, "date") if date else local_today(ctx.clock(), zone)
        start, end = view_window(view, anchor, zone)
        if user_id:
            found = uow.activities.in_range(start, end, user_ids=[user_id])
        elif team_id:
            found = uow.activities.in_range(start, end, team_ids=[team_id])
        elif caller.sees_all:
            found = uow.activities.in_range(start, end)
        else:
            teams = sorted(caller.team_ids) if caller.is_manager else []
            found = uow.activities.in_range(start, end, user_ids=[caller.user_id], team_ids=teams)
        page: list[tuple[CalendarEntry, str]] = []
        for stored in found:
            if not can_see(caller, stored.activity):
                continue
            if user_id and user_id not in stored.activity.internal_user_ids:
                continue
            owner_zone = uow.owner_zone(stored.activity)
            page += [(e, owner_zone) for e in entries(stored.activity, owner_zone, start, end)]
    page.sort(key=lambda item: (item[0].start, item[0].activity.id))
    return CalendarPage(page, start, end, zone)
