"""Time of activities: a timed activity is a UTC instant range plus the IANA zone it was
planned in; an all-day activity is a date range (end exclusive, as in RFC 5545); a task is a
due date judged "today", "overdue" or "planned" in the owner's zone at the moment of asking.

Why a zone beside the UTC instant: recurrence repeats the local wall-clock time (a 09:00 New
York meeting stays at 09:00 across daylight-saving changes), and calendars show local days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chassis.errors import InvalidArgument

UTC = dt.UTC
# The longest single activity (a multi-day trade fair is fine, a year-long one is a typo).
MAX_DURATION = dt.timedelta(days=31)


def zone_of(name: str, field: str = "time_zone") -> ZoneInfo:
    """The IANA zone called `name`; an unknown or empty name is InvalidArgument on `field`."""
    text = name.strip()
    if not text or text.startswith(("/", ".")) or ".." in text:
        raise InvalidArgument(field, f"{name!r} is not an IANA time zone such as Asia/Bangkok")
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidArgument(field, f"{name!r} is not an IANA time zone such as Asia/Bangkok") from None


def as_utc(value: dt.datetime, field: str = "start_time") -> dt.datetime:
    """An aware instant in UTC; naive datetimes are refused (their zone would be a guess)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidArgument(field, "needs a UTC offset (RFC 3339, e.g. 2026-04-07T09:00:00+07:00)")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class Timed:
    """[start, end) in UTC, planned in `zone` (half-open: an activity ending at 11:00 does not
    overlap one starting at 11:00)."""

    start: dt.datetime
    end: dt.datetime
    zone: str

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start

    def local_start(self) -> dt.datetime:
        return self.start.astimezone(ZoneInfo(self.zone))

    def moved_to(self, start: dt.datetime) -> Timed:
        return Timed(start, start + self.duration, self.zone)


@dataclass(frozen=True)
class AllDay:
    """Whole days [start, end) in `zone` (a one-day event on 7 April ends on 8 April)."""

    start: dt.date
    end: dt.date
    zone: str

    def instants(self) -> tuple[dt.datetime, dt.datetime]:
        """The UTC instants its local days span (for conflicts and calendars)."""
        tz = ZoneInfo(self.zone)
        return (
            dt.datetime.combine(self.start, dt.time(), tz).astimezone(UTC),
            dt.datetime.combine(self.end, dt.time(), tz).astimezone(UTC),
        )


@dataclass(frozen=True)
class Due:
    """A task's due date; its zone is the owner's, applied when judging it."""

    date: dt.date


Timing = Timed | AllDay | Due


def timed(start: dt.datetime, end: dt.datetime, zone: str) -> Timed:
    """A validated timed range: aware instants, end after (or at) start, a known zone."""
    zone_of(zone, "time_zone")
    start_utc, end_utc = as_utc(start, "start_time"), as_utc(end, "end_time")
    if end_utc < start_utc:
        raise InvalidArgument("end_time", "is before start_time")
    if end_utc - start_utc > MAX_DURATION:
        raise InvalidArgument("end_time", f"is more than {MAX_DURATION.days} days after start_time")
    return Timed(start_utc, end_utc, zone.strip())


def all_day(start: dt.date, end: dt.date | None, zone: str) -> AllDay:
    """Whole days; `end` is exclusive and defaults to the day after `start`."""
    zone_of(zone, "time_zone")
    last = end or start + dt.timedelta(days=1)
    if last <= start:
        raise InvalidArgument("end_date", "must be after start_date (the end date is exclusive)")
    if last - start > MAX_DURATION:
        raise InvalidArgument("end_date", f"is more than {MAX_DURATION.days} days after start_date")
    return AllDay(start, last, zone.strip())


def parse_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidArgument(field, f"{text!r} is not a date YYYY-MM-DD") from None


class DueState(StrEnum):
    OVERDUE = "overdue"
    TODAY = "today"
    PLANNED = "planned"


def local_today(now: dt.datetime, zone: str) -> dt.date:
    """The calendar date at instant `now` in `zone`."""
    return as_utc(now, "now").astimezone(ZoneInfo(zone)).date()


def due_state(due: dt.date, now: dt.datetime, zone: str) -> DueState:
    """Whether a task due on `due` is overdue, due today or planned, for someone in `zone`
    at instant `now` (a task due 2026-04-07 is due today at 2026-04-06T17:30Z in Bangkok,
    where it is already 00:30 on the 7th)."""
    today = local_today(now, zone)
    if due < today:
        return DueState.OVERDUE
    return DueState.TODAY if due == today else DueState.PLANNED


def span_of(timing: Timing, owner_zone: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC [start, end) a timing occupies in calendars (a task: its due day in the owner's
    zone)."""
    if isinstance(timing, Timed):
        return timing.start, timing.end
    if isinstance(timing, AllDay):
        return timing.instants()
    return AllDay(timing.date, timing.date + dt.timedelta(days=1), owner_zone).instants()


class CalendarView(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def view_window(view: CalendarView, anchor: dt.date, zone: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC [start, end) of a calendar page in `zone`: the day, the ISO week (Monday to
    Sunday) or the month holding `anchor`. Local midnights, so a week across a DST change is
    167 or 169 hours long."""
    tz = zone_of(zone, "time_zone")
    if view is CalendarView.DAY:
        first, last = anchor, anchor + dt.timedelta(days=1)
    elif view is CalendarView.WEEK:
        first = anchor - dt.timedelta(days=anchor.weekday())
        last = first + dt.timedelta(days=7)
    else:
        first = anchor.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1)
    return (
        dt.datetime.combine(first, dt.time(), tz).astimezone(UTC),
        dt.datetime.combine(last, dt.time(), tz).astimezone(UTC),
    )
