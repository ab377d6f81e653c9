"""What every write of an activity does besides storing it: look for clashes with its people's
busy time, and (re-)plan its reminders. Both run inside the caller's unit of work."""

from __future__ import annotations

import datetime as dt

from activities.adapters.activities import StoredActivity
from activities.application.context import UnitOfWork
from activities.domain.calendar import busy_slots, occupied_range, upcoming_times
from activities.domain.conflicts import RECURRING_CHECK_HORIZON, Clash, ScheduleConflict, find_clashes
from activities.domain.events import ActivityView
from activities.domain.model import Activity, ConflictOverride, Status
from activities.domain.reminders import plan, replan


def clashes_for(uow: UnitOfWork, activity: Activity) -> list[Clash]:
    """Every busy occurrence of the activity's owner and internal attendees that overlaps one
    of its own (a series: its occurrences within a year of its start)."""
    if not activity.busy or not activity.is_timed or activity.status is not Status.PLANNED:
        return []
    zone = uow.owner_zone(activity)
    first, last = occupied_range(activity, zone)
    last = min(last, first + RECURRING_CHECK_HORIZON)
    own = [(s.start, s.end) for s in busy_slots(activity, zone, first, last)]
    if not own:
        return []
    window_start, window_end = min(s for s, _ in own), max(e for _, e in own)
    users = list(activity.internal_user_ids)
    busy = []
    for other in uow.activities.in_range(window_start, window_end, user_ids=users):
        if other.activity.id == activity.id:
            continue
        busy += busy_slots(other.activity, uow.owner_zone(other.activity), window_start, window_end)
    return find_clashes(activity.id, users, own, busy)


def check_clashes(
    uow: UnitOfWork, activity: Activity, override: bool, actor: str, now: dt.datetime
) -> tuple[Activity, list[Clash]]:
    """Refuses (ScheduleConflict) when the activity clashes and no override was given; with
    an override the activity records who saved it over which activities."""
    clashes = clashes_for(uow, activity)
    if not clashes:
        return activity, []
    if not override:
        raise ScheduleConflict(clashes)
    record = ConflictOverride(actor, now, tuple(dict.fromkeys(c.activity_id for c in clashes)))
    from dataclasses import replace

    return replace(activity, conflict_override=record), clashes


def plan_reminders(uow: UnitOfWork, activity: Activity, now: dt.datetime, horizon: dt.timedelta) -> None:
    """Replaces the activity's unsent reminders with a fresh plan (sent keys stay sent)."""
    if activity.status is not Status.PLANNED or not activity.reminders:
        uow.reminders.drop_planned(activity.id)
        return
    times = upcoming_times(activity, uow.owner_zone(activity), now, horizon)
    planned = plan(activity.id, times, activity.internal_user_ids, activity.reminders, now)
    uow.reminders.replace_planned(activity.id, replan(planned, uow.reminders.sent_keys(activity.id)))


def view_of(uow: UnitOfWork, stored: StoredActivity) -> ActivityView:
    return ActivityView(stored.activity, uow.owner_zone(stored.activity), stored.checkin, stored.checkout)
