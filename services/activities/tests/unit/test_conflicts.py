"""Conflicts: half-open intervals, everyone's busy time, recurring occurrences."""

from __future__ import annotations

import datetime as dt

from activities.domain.calendar import busy_slots
from activities.domain.conflicts import BusySlot, find_clashes, overlaps
from activities.domain.model import Activity, ActivityType, Attendee, AttendeeKind, Status
from activities.domain.recurrence import series
from activities.domain.timing import Timed

UTC = dt.UTC


def t(hour: int, minute: int = 0, day: int = 7) -> dt.datetime:
    return dt.datetime(2026, 4, day, hour, minute, tzinfo=UTC)


def test_back_to_back_activities_do_not_clash() -> None:
    assert not overlaps(t(10), t(11), t(11), t(12))
    assert overlaps(t(10), t(11), t(10, 59), t(12))
    assert not overlaps(t(10), t(10), t(9), t(12))  # zero length occupies nothing


def slot(activity_id: str, users: tuple[str, ...], start: dt.datetime, end: dt.datetime) -> BusySlot:
    return BusySlot(activity_id, activity_id, users, start, end)


def test_every_overlapping_activity_of_owner_and_attendees_is_returned() -> None:
    busy = [
        slot("a1", ("malee",), t(9), t(10)),
        slot("a2", ("malee",), t(10, 30), t(11, 30)),
        slot("a3", ("anan",), t(10), t(10, 15)),
        slot("a4", ("niran",), t(10), t(11)),  # not one of ours
        slot("a5", ("malee", "anan"), t(11), t(12)),  # starts at our end
    ]
    clashes = find_clashes("new", ["malee", "anan"], [(t(10), t(11))], busy)
    assert [(c.activity_id, c.user_ids) for c in clashes] == [("a3", ("anan",)), ("a2", ("malee",))]


def test_the_candidate_never_clashes_with_itself() -> None:
    assert find_clashes("a1", ["malee"], [(t(9), t(10))], [slot("a1", ("malee",), t(9), t(10))]) == []


def activity(activity_id: str, start: dt.datetime, end: dt.datetime, **kw: object) -> Activity:
    return Activity(
        id=activity_id,
        type=ActivityType.MEETING,
        subject=activity_id,
        owner_id="malee",
        team_id="team-bkk",
        timing=Timed(start, end, "Asia/Bangkok"),
        **kw,  # type: ignore[arg-type]
    )


def test_recurring_occurrences_are_busy_and_cancelled_or_non_busy_ones_are_not() -> None:
    weekly = series(t(3), t(4), "Asia/Bangkok", "FREQ=DAILY;COUNT=5")
    recurring = activity("r", t(3), t(4), series=weekly, attendees=(Attendee(AttendeeKind.USER, "anan"),))
    slots = busy_slots(recurring, "Asia/Bangkok", t(0, day=8), t(0, day=10))
    assert [(s.start.day, s.user_ids) for s in slots] == [(8, ("malee", "anan")), (9, ("malee", "anan"))]
    assert busy_slots(activity("c", t(3), t(4), status=Status.CANCELLED), "Asia/Bangkok", t(0), t(23)) == []
    assert busy_slots(activity("n", t(3), t(4), busy=False), "Asia/Bangkok", t(0), t(23)) == []
