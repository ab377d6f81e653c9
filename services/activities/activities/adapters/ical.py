"""RFC 5545 output with the `icalendar` package: a user's feed and single-activity files.

- UID is `<activity id>@<domain>`, stable for the activity's life; SEQUENCE is its version
  minus one, so every change raises it and calendar apps replace their copy.
- A series is one VEVENT with DTSTART in its zone (TZID plus a VTIMEZONE), RRULE and EXDATE
  for cancelled occurrences; a moved or completed occurrence is a VEVENT with RECURRENCE-ID.
- Tasks are VTODOs with a DUE date. Private notes never leave: only subject, description,
  location, status and times are written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Todo, vRecur

from activities.domain.model import Activity, Status
from activities.domain.recurrence import OccurrenceChange
from activities.domain.timing import AllDay, Due, Timed

PRODID = "-//CRM Platform//Activities//EN"
UID_DOMAIN = "activities.crm"
STATUS = {Status.PLANNED: "CONFIRMED", Status.DONE: "CONFIRMED", Status.CANCELLED: "CANCELLED"}


def uid_of(activity: Activity) -> str:
    return f"{activity.id}@{UID_DOMAIN}"


def _common(component: Event | Todo, activity: Activity, stamp: dt.datetime) -> None:
    component.add("uid", uid_of(activity))
    component.add("dtstamp", stamp)
    component.add("sequence", max(0, activity.version - 1))
    component.add("summary", activity.subject)
    if activity.description:
        component.add("description", activity.description)
    if activity.location:
        component.add("location", activity.location)
    component.add("last-modified", activity.updated_at.astimezone(dt.UTC))


def _event(activity: Activity, stamp: dt.datetime) -> list[Event | Todo]:
    timing = activity.timing
    if isinstance(timing, Due):
        todo = Todo()
        _common(todo, activity, stamp)
        todo.add("due", timing.date)
        todo.add(
            "status",
            {Status.DONE: "COMPLETED", Status.CANCELLED: "CANCELLED"}.get(activity.status, "NEEDS-ACTION"),
        )
        return [todo]
    event = Event()
    _common(event, activity, stamp)
    event.add("status", STATUS[activity.status])
    event.add("transp", "OPAQUE" if activity.busy else "TRANSPARENT")
    if isinstance(timing, AllDay):
        event.add("dtstart", timing.start)
        event.add("dtend", timing.end)
        return [event]
    assert isinstance(timing, Timed)
    tz = ZoneInfo(timing.zone)
    event.add("dtstart", timing.start.astimezone(tz))
    event.add("dtend", timing.end.astimezone(tz))
    series = activity.series
    if series is None:
        return [event]
    event.add("rrule", vRecur.from_ical(series.rule))
    cancelled = [o for o, ex in sorted(series.exceptions.items()) if ex.status == "cancelled"]
    if cancelled:
        event.add("exdate", [o.astimezone(tz) for o in cancelled])
    out: list[Event | Todo] = [event]
    for original, change in sorted(series.exceptions.items()):
        if change.status != "cancelled" and (change.start is not None or change.status):
            out.append(_override(activity, original, change, series.duration, tz, stamp))
    return out


def _override(
    activity: Activity,
    original: dt.datetime,
    change: OccurrenceChange,
    duration: dt.timedelta,
    tz: ZoneInfo,
    stamp: dt.datetime,
) -> Event:
    event = Event()
    _common(event, activity, stamp)
    event.add("recurrence-id", original.astimezone(tz))
    start = change.start or original
    event.add("dtstart", start.astimezone(tz))
    event.add("dtend", (change.end or start + duration).astimezone(tz))
    event.add("status", "CONFIRMED")
    return event


def calendar_of(activities: Iterable[Activity], name: str, stamp: dt.datetime) -> bytes:
    """A VCALENDAR with every activity (and the VTIMEZONEs their zones need)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for activity in activities:
        for component in _event(activity, stamp):
            cal.add_component(component)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data
