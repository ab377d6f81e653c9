"""Business calendars and business-time arithmetic, the ruler every SLA clock is read with.

A calendar is an IANA zone, working windows per weekday (several a day, e.g. a lunch break
between two) and dated holidays, whole or part day (Thai holidays move, so they are dated and
edited per year, never computed). Times are wall-clock minutes of the day in the calendar's
zone; a window may end at 24:00. Business time between two instants is the real time elapsed
inside open intervals, so a daylight-saving shift inside a window counts as it happened.

Arithmetic walks whole days and skips whole weeks that hold no holiday, so a target of months
costs a few dozen steps, never a loop per minute.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chassis.errors import InvalidArgument, ViolationCollector

MINUTES_PER_DAY = 24 * 60
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UTC = dt.UTC


def parse_clock(text: str) -> int:
    """ "HH:MM" (00:00 to 24:00) → minutes of the day; raises ValueError with the reason."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"{text!r} is not a time of day as HH:MM")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > MINUTES_PER_DAY:
        raise ValueError(f"{text!r} is not between 00:00 and 24:00")
    return value


def format_clock(minute: int) -> str:
    """Minutes of the day → "HH:MM" (1440 → "24:00")."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True)
class WorkingWindow:
    """Open from `start_minute` to `end_minute` (minutes of the day, end exclusive) on `weekday`
    (0 = Monday)."""

    weekday: int
    start_minute: int
    end_minute: int

    @classmethod
    def of(cls, weekday: int, start: str, end: str) -> WorkingWindow:
        """A window from "HH:MM" texts, e.g. WorkingWindow.of(0, "08:30", "12:00")."""
        return cls(weekday, parse_clock(start), parse_clock(end))

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {format_clock(self.start_minute)}–{format_clock(self.end_minute)}"


@dataclass(frozen=True)
class Holiday:
    """A closed date; a part-day holiday closes only `start_minute`–`end_minute` of it."""

    date: dt.date
    name: str = ""
    start_minute: int = 0
    end_minute: int = MINUTES_PER_DAY

    @property
    def whole_day(self) -> bool:
        return self.start_minute == 0 and self.end_minute == MINUTES_PER_DAY


@dataclass(frozen=True)
class BusinessCalendar:
    """A validated calendar; build it with `business_calendar`, which names bad fields."""

    id: str
    name: str
    zone: str
    windows: tuple[WorkingWindow, ...]
    holidays: tuple[Holiday, ...] = ()

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @cached_property
    def _weekday_windows(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        for window in self.windows:
            days[window.weekday].append((window.start_minute, window.end_minute))
        return tuple(tuple(sorted(day)) for day in days)

    @cached_property
    def _holidays_by_date(self) -> dict[dt.date, tuple[tuple[int, int], ...]]:
        found: dict[dt.date, list[tuple[int, int]]] = {}
        for holiday in self.holidays:
            found.setdefault(holiday.date, []).append((holiday.start_minute, holiday.end_minute))
        return {day: tuple(sorted(parts)) for day, parts in found.items()}

    @cached_property
    def _sorted_holiday_dates(self) -> tuple[dt.date, ...]:
        return tuple(sorted(self._holidays_by_date))

    @cached_property
    def _week_seconds(self) -> int:
        return sum((end - start) * 60 for day in self._weekday_windows for start, end in day)

    def open_minutes(self, day: dt.date) -> tuple[tuple[int, int], ...]:
        """The open intervals of a date in wall-clock minutes: its weekday's windows less holidays."""
        intervals = list(self._weekday_windows[day.weekday()])
        for closed_start, closed_end in self._holidays_by_date.get(day, ()):
            intervals = [
                piece
                for start, end in intervals
                for piece in ((start, min(end, closed_start)), (max(start, closed_end), end))
                if piece[0] < piece[1]
            ]
        return tuple(intervals)

    def open_intervals(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """The open intervals of a date as UTC instants."""
        midnight = dt.datetime.combine(day, dt.time(0))
        return tuple(
            (self._instant(midnight, start), self._instant(midnight, end))
            for start, end in self.open_minutes(day)
        )

    def is_business_day(self, day: dt.date) -> bool:
        """A date with any open time (a part-day holiday still leaves one)."""
        return bool(self.open_minutes(day))

    def _instant(self, midnight: dt.datetime, minute: int) -> dt.datetime:
        local = midnight + dt.timedelta(minutes=minute)
        return local.replace(tzinfo=self.tz).astimezone(_UTC)

    def _plain_week_from(self, day: dt.date) -> bool:
        """True when the 7 days from `day` hold no holiday and no change of UTC offset, so
        they are worth exactly one ordinary week."""
        dates = self._sorted_holiday_dates
        if dates and _any_between(dates, day, day + dt.timedelta(days=7)):
            return False
        start = dt.datetime.combine(day, dt.time(0), self.tz)
        end = dt.datetime.combine(day + dt.timedelta(days=7), dt.time(0), self.tz)
        return start.utcoffset() == end.utcoffset()


def _any_between(dates: tuple[dt.date, ...], start: dt.date, end: dt.date) -> bool:
    index = bisect_left(dates, start)
    return index < len(dates) and dates[index] < end


def business_calendar(
    id: str,
    name: str,
    zone: str,
    windows: Iterable[WorkingWindow],
    holidays: Iterable[Holiday] = (),
) -> BusinessCalendar:
    """A calendar after checking every field: a known IANA zone, windows within the day that do
    not overlap on their weekday (the later one is named, e.g. `windows[1]`), holidays likewise."""
    violations = ViolationCollector()
    windows = tuple(windows)
    holidays = tuple(holidays)
    if not name.strip():
        violations.add("name", "is required")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        violations.add("zone", f"{zone!r} is not an IANA time zone (e.g. Asia/Bangkok)")
    if not windows:
        violations.add("windows", "a calendar needs at least one working window")
    seen: dict[int, list[tuple[int, int, int]]] = {}
    for index, window in enumerate(windows):
        path = f"windows[{index}]"
        if not 0 <= window.weekday <= 6:
            violations.add(f"{path}.weekday", "must be 0 (Monday) to 6 (Sunday)")
            continue
        if not 0 <= window.start_minute < window.end_minute <= MINUTES_PER_DAY:
            violations.add(path, "must start before it ends, between 00:00 and 24:00")
            continue
        for start, end, other in seen.setdefault(window.weekday, []):
            if window.start_minute < end and start < window.end_minute:
                violations.add(path, f"{window} overlaps windows[{other}]")
                break
        seen[window.weekday].append((window.start_minute, window.end_minute, index))
    taken: dict[dt.date, list[tuple[int, int, int]]] = {}
    for index, holiday in enumerate(holidays):
        path = f"holidays[{index}]"
        if not 0 <= holiday.start_minute < holiday.end_minute <= MINUTES_PER_DAY:
            violations.add(path, "a part-day holiday must start before it ends, between 00:00 and 24:00")
            continue
        for start, end, other in taken.setdefault(holiday.date, []):
            if holiday.start_minute < end and start < holiday.end_minute:
                violations.add(path, f"{holiday.date} is already closed by holidays[{other}]")
                break
        taken[holiday.date].append((holiday.start_minute, holiday.end_minute, index))
    violations.raise_if_any()
    return BusinessCalendar(id, name.strip(), zone, windows, holidays)


def with_holidays_for_year(
    calendar: BusinessCalendar, year: int, holidays: Iterable[Holiday]
) -> BusinessCalendar:
    """The calendar with `year`'s holidays replaced (Thai holidays are announced per year)."""
    holidays = tuple(holidays)
    for index, holiday in enumerate(holidays):
        if holiday.date.year != year:
            raise InvalidArgument(f"holidays[{index}].date", f"{holiday.date} is not in {year}")
    kept = tuple(h for h in calendar.holidays if h.date.year != year)
    checked = business_calendar(calendar.id, calendar.name, calendar.zone, calendar.windows, kept + holidays)
    return replace(checked, holidays=tuple(sorted(checked.holidays, key=lambda h: (h.date, h.start_minute))))


TWENTY_FOUR_SEVEN = BusinessCalendar(
    id="24x7",
    name="24×7",
    zone="UTC",
    windows=tuple(WorkingWindow(day, 0, MINUTES_PER_DAY) for day in range(7)),
)


def choose_calendar(
    policy: BusinessCalendar | None, team: BusinessCalendar | None, company: BusinessCalendar | None
) -> BusinessCalendar:
    """The calendar a case's SLA runs on: the SLA policy's, else the team's, else the
    company's, else around the clock."""
    for candidate in (policy, team, company):
        if candidate is not None:
            return candidate
    return TWENTY_FOUR_SEVEN


def _require_aware(instant: dt.datetime, field_name: str) -> dt.datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidArgument(field_name, "must carry a time zone")
    return instant.astimezone(_UTC)


def add_business_seconds(calendar: BusinessCalendar, start: dt.datetime, seconds: int) -> dt.datetime:
    """The instant `seconds` of business time after `start` (UTC). Ending exactly at the close
    of a window gives that close, not the next opening."""
    if seconds < 0:
        raise InvalidArgument("minutes", "must not be negative")
    at = _require_aware(start, "start")
    if seconds == 0:
        return at
    remaining = seconds
    first = at.astimezone(calendar.tz).date()
    day = first - dt.timedelta(days=1)  # a window may end after local midnight in UTC terms
    while True:
        if day > first and remaining > calendar._week_seconds and calendar._plain_week_from(day):
            remaining -= calendar._week_seconds
            day += dt.timedelta(days=7)
            continue
        for open_at, close_at in calendar.open_intervals(day):
            if close_at <= at:
                continue
            begin = max(open_at, at)
            available = int((close_at - begin).total_seconds())
            if remaining <= available:
                return begin + dt.timedelta(seconds=remaining)
            remaining -= available
        day += dt.timedelta(days=1)


def add_business_minutes(calendar: BusinessCalendar, start: dt.datetime, minutes: int) -> dt.datetime:
    """The instant `minutes` business minutes after `start`, e.g. an SLA target's due time."""
    return add_business_seconds(calendar, start, minutes * 60)


def business_seconds_between(calendar: BusinessCalendar, start: dt.datetime, end: dt.datetime) -> int:
    """Business seconds from `start` to `end`; 0 when `end` is not after `start`."""
    begin = _require_aware(start, "start")
    finish = _require_aware(end, "end")
    if finish <= begin:
        return 0
    total = 0.0
    first = begin.astimezone(calendar.tz).date()
    last = finish.astimezone(calendar.tz).date()
    day = first - dt.timedelta(days=1)
    while day <= last:
        if day > first and day + dt.timedelta(days=7) <= last and calendar._plain_week_from(day):
            total += calendar._week_seconds
            day += dt.timedelta(days=7)
            continue
        for open_at, close_at in calendar.open_intervals(day):
            low, high = max(open_at, begin), min(close_at, finish)
            if low < high:
                total += (high - low).total_seconds()
        day += dt.timedelta(days=1)
    return int(total)


def business_minutes_between(calendar: BusinessCalendar, start: dt.datetime, end: dt.datetime) -> int:
    """Whole business minutes from `start` to `end` (a started minute does not count)."""
    return business_seconds_between(calendar, start, end) // 60


def business_days_after(calendar: BusinessCalendar, start: dt.datetime, days: int) -> dt.datetime:
    """The close of the `days`-th business day after the local date of `start` (a business day
    is a date with any open time), e.g. when a resolved case with no reply closes itself."""
    if days < 1:
        raise InvalidArgument("days", "must be at least 1")
    day = _require_aware(start, "start").astimezone(calendar.tz).date()
    counted = 0
    while True:
        day += dt.timedelta(days=1)
        intervals = calendar.open_intervals(day)
        if intervals:
            counted += 1
            if counted == days:
                return intervals[-1][1]
