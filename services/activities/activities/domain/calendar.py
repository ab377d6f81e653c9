"""Calendar entries: activities expanded into the occurrences a calendar page, a conflict
check or a feed shows, and the secret tokens of iCalendar feeds.

A feed token is the credential of a URL that calendar apps fetch without logging in, so it
is 256 random bits, stored only as its SHA-256 (a leaked database does not leak feeds), and
revocable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from activities.domain.conflicts import BusySlot
from activities.domain.model import Activity, Status
from activities.domain.recurrence import Occurrence
from activities.domain.reminders import SINGLE_OCCURRENCE, OccurrenceTime
from activities.domain.timing import span_of

FEED_TOKEN_BYTES = 32


@dataclass(frozen=True)
class CalendarEntry:
    """One occurrence of an activity (the activity itself when it does not recur)."""

    activity: Activity
    original_start: dt.datetime
    start: dt.datetime
    end: dt.datetime
    status: Status

    @property
    def occurrence_id(self) -> str:
        return f"{self.activity.id}@{self.original_start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


def occurrence_list(
    activity: Activity, owner_zone: str, start: dt.datetime, end: dt.datetime
) -> list[Occurrence]:
    if activity.series is not None:
        return activity.series.occurrences(start, end)
    first, last = span_of(activity.timing, owner_zone)
    inside = first < end and (last > start or (first == last and first >= start))
    return [Occurrence(first, first, last)] if inside else []


def entries(activity: Activity, owner_zone: str, start: dt.datetime, end: dt.datetime) -> list[CalendarEntry]:
    """The activity's occurrences overlapping [start, end), each with its own status (a done
    or cancelled occurrence of a series keeps the series open)."""
    found = []
    for occurrence in occurrence_list(activity, owner_zone, start, end):
        status = Status(occurrence.status) if occurrence.status else activity.status
        found.append(
            CalendarEntry(activity, occurrence.original_start, occurrence.start, occurrence.end, status)
        )
    return found


def occupied_range(activity: Activity, owner_zone: str) -> tuple[dt.datetime, dt.datetime]:
    """From the first start to the last end over all occurrences (stored for range queries;
    finite because every series ends)."""
    if activity.series is not None:
        return activity.series.first_start(), activity.series.last_end()
    return span_of(activity.timing, owner_zone)


def busy_slots(activity: Activity, owner_zone: str, start: dt.datetime, end: dt.datetime) -> list[BusySlot]:
    """The time `activity` takes from its people within [start, end): planned occurrences of
    busy, timed activities only."""
    if not activity.busy or not activity.is_timed or activity.status is not Status.PLANNED:
        return []
    return [
        BusySlot(activity.id, activity.subject, activity.internal_user_ids, e.start, e.end)
        for e in entries(activity, owner_zone, start, end)
        if e.status is Status.PLANNED
    ]


def upcoming_times(
    activity: Activity, owner_zone: str, now: dt.datetime, horizon: dt.timedelta
) -> list[OccurrenceTime]:
    """Planned occurrences starting in (now, now + horizon], for reminder planning."""
    if activity.status is not Status.PLANNED:
        return []
    return [
        OccurrenceTime(e.original_start if activity.series is not None else SINGLE_OCCURRENCE, e.start)
        for e in entries(activity, owner_zone, now, now + horizon)
        if e.status is Status.PLANNED and e.start > now
    ]


def new_feed_token() -> tuple[str, str]:
    """(token for the URL, hash to store)."""
    token = secrets.token_urlsafe(FEED_TOKEN_BYTES)
    return token, feed_token_hash(token)


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
