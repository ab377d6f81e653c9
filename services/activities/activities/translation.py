"""Protobuf messages of crm.activities.v1 <-> domain values, in one place (the servicer and the
event recorder both use it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm.activities.v1 import resources_pb2 as res
from google.protobuf.timestamp_pb2 import Timestamp

from activities.adapters.directory import CustomerLocation
from activities.adapters.inbox import Feed, Notification
from activities.domain.calendar import CalendarEntry
from activities.domain.conflicts import Clash
from activities.domain.events import ActivityView
from activities.domain.forms import ActivityForm
from activities.domain.links import google_calendar_link
from activities.domain.model import Status
from activities.domain.timing import AllDay, Due, Timed, due_state


def enum_text(enum_type: Any, value: int, prefix: str) -> str:
    """LINK_KIND_CUSTOMER -> "customer"; UNSPECIFIED (or unknown) -> ""."""
    try:
        name: str = enum_type.Name(value)
    except ValueError:
        return f"#{value}"
    short = name.removeprefix(prefix).lower()
    return "" if short == "unspecified" else short


def enum_value(enum_type: Any, prefix: str, text: str) -> int:
    if not text:
        return 0
    value: int = enum_type.Value(prefix + text.upper())
    return value


def ts(value: dt.datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value.astimezone(dt.UTC))
    return stamp


def stamp(value: dt.datetime) -> Timestamp:
    out = Timestamp()
    out.FromDatetime(value.astimezone(dt.UTC))
    return out


def from_ts(message: Any, field: str) -> dt.datetime | None:
    if not message.HasField(field):
        return None
    value: dt.datetime = getattr(message, field).ToDatetime(tzinfo=dt.UTC)
    return value


def activity_form(m: res.Activity) -> ActivityForm:
    """The raw input of an activity message (validation happens in the domain)."""
    return ActivityForm(
        type=enum_text(res.ActivityType, m.type, "ACTIVITY_TYPE_"),
        subject=m.subject,
        description=m.description,
        private_notes=m.private_notes,
        location=m.location,
        links=[(enum_text(res.LinkKind, x.kind, "LINK_KIND_"), x.id, x.name) for x in m.links],
        attendees=[
            (enum_text(res.AttendeeKind, x.kind, "ATTENDEE_KIND_"), x.id, x.name, x.email)
            for x in m.attendees
        ],
        owner_id=m.owner_id,
        team_id=m.team_id,
        priority=enum_text(res.Priority, m.priority, "PRIORITY_"),
        start_time=from_ts(m, "start_time"),
        end_time=from_ts(m, "end_time"),
        time_zone=m.time_zone,
        all_day=m.all_day,
        start_date=m.start_date,
        end_date=m.end_date,
        due_date=m.due_date,
        rrule=m.recurrence.rrule,
        reminders=[
            (enum_text(res.ReminderChannel, r.channel, "REMINDER_CHANNEL_"), r.minutes_before)
            for r in m.reminders
        ],
    )


def _fix_message(raw: dict[str, Any] | None) -> res.DeviceFix | None:
    if not raw:
        return None
    device_time = raw.get("device_time")
    return res.DeviceFix(
        latitude=raw["latitude"],
        longitude=raw["longitude"],
        accuracy_m=raw["accuracy_m"],
        device_time=ts(dt.datetime.fromisoformat(device_time)) if device_time else None,
        mock_location=raw["mock_location"],
    )


def checkin_message(raw: dict[str, Any]) -> res.CheckIn:
    message = res.CheckIn(
        fix=_fix_message(raw.get("fix")),
        server_time=ts(dt.datetime.fromisoformat(raw["server_time"])),
        verdict=enum_value(res.CheckinVerdict, "CHECKIN_VERDICT_", raw["verdict"]),  # type: ignore[arg-type]
        flags=raw["flags"],
        photo_ref=raw.get("photo_ref", ""),
        map_url=raw.get("map_url", ""),
        checked_in_by=raw.get("by", ""),
    )
    if raw.get("distance_m") is not None:
        message.distance_m = round(float(raw["distance_m"]), 1)
    return message


def activity_message(view: ActivityView, now: dt.datetime) -> res.Activity:
    a = view.activity
    m = res.Activity(
        id=a.id,
        type=enum_value(res.ActivityType, "ACTIVITY_TYPE_", a.type.value),  # type: ignore[arg-type]
        subject=a.subject,
        description=a.description,
        private_notes=a.private_notes,
        location=a.location,
        links=[
            res.Link(kind=enum_value(res.LinkKind, "LINK_KIND_", x.kind.value), id=x.ref_id, name=x.name)  # type: ignore[arg-type]
            for x in a.links
        ],
        attendees=[
            res.Attendee(
                kind=enum_value(res.AttendeeKind, "ATTENDEE_KIND_", x.kind.value),  # type: ignore[arg-type]
                id=x.ref_id,
                name=x.name,
                email=x.email,
            )
            for x in a.attendees
        ],
        owner_id=a.owner_id,
        team_id=a.team_id,
        priority=enum_value(res.Priority, "PRIORITY_", a.priority.value),  # type: ignore[arg-type]
        status=enum_value(res.ActivityStatus, "ACTIVITY_STATUS_", a.status.value),  # type: ignore[arg-type]
        outcome=a.outcome,
        reminders=[
            res.Reminder(
                channel=enum_value(res.ReminderChannel, "REMINDER_CHANNEL_", r.channel.value),  # type: ignore[arg-type]
                minutes_before=r.minutes_before,
            )
            for r in a.reminders
        ],
        busy=a.busy,
        follow_up_of=a.follow_up_of,
        google_calendar_url=google_calendar_link(
            a.subject, a.timing, a.description, a.location, a.series.rule if a.series else ""
        ),
    )
    t = a.timing
    if isinstance(t, Timed):
        m.start_time.CopyFrom(stamp(t.start))
        m.end_time.CopyFrom(stamp(t.end))
        m.time_zone = t.zone
    elif isinstance(t, AllDay):
        m.all_day, m.start_date, m.end_date, m.time_zone = (
            True,
            t.start.isoformat(),
            t.end.isoformat(),
            t.zone,
        )
    elif isinstance(t, Due):
        m.due_date = t.date.isoformat()
        if a.status is Status.PLANNED:
            state = due_state(t.date, now, view.owner_zone).value
            m.due_state = enum_value(res.DueState, "DUE_STATE_", state)  # type: ignore[assignment]
    if a.series is not None:
        m.recurrence.rrule = a.series.rule
    if a.conflict_override is not None:
        o = a.conflict_override
        m.conflict_override.CopyFrom(
            res.ConflictOverride(
                overridden_by=o.by, override_time=ts(o.at), activity_ids=list(o.activity_ids)
            )
        )
    if view.checkin:
        m.check_in.CopyFrom(checkin_message(view.checkin))
    if view.checkout:
        m.check_out.CopyFrom(
            res.CheckOut(
                fix=_fix_message(view.checkout.get("fix")),
                server_time=ts(dt.datetime.fromisoformat(view.checkout["server_time"])),
                duration_seconds=view.checkout["duration_seconds"],
            )
        )
    m.audit.create_time.CopyFrom(stamp(a.created_at))
    m.audit.created_by = a.created_by
    m.audit.update_time.CopyFrom(stamp(a.updated_at))
    m.audit.updated_by = a.updated_by
    m.audit.version = a.version
    return m


def public_message(view: ActivityView, now: dt.datetime, may_read_private: bool) -> res.Activity:
    """The message for a reader: private notes only for those who may edit the activity."""
    m = activity_message(view, now)
    if not may_read_private:
        m.private_notes = ""
    return m


def conflict_message(c: Clash) -> res.Conflict:
    return res.Conflict(
        activity_id=c.activity_id,
        subject=c.subject,
        start_time=ts(c.start),
        end_time=ts(c.end),
        user_ids=list(c.user_ids),
    )


def entry_message(
    entry: CalendarEntry, view: ActivityView, now: dt.datetime, private: bool
) -> res.CalendarEntry:
    return res.CalendarEntry(
        occurrence_id=entry.occurrence_id,
        original_start_time=ts(entry.original_start),
        start_time=ts(entry.start),
        end_time=ts(entry.end),
        status=enum_value(res.ActivityStatus, "ACTIVITY_STATUS_", entry.status.value),  # type: ignore[arg-type]
        activity=public_message(view, now, private),
    )


def notification_message(n: Notification) -> res.Notification:
    return res.Notification(
        id=n.id,
        user_id=n.user_id,
        title=n.title,
        body=n.body,
        activity_id=n.activity_id,
        create_time=ts(n.created_at),
        read=n.read,
    )


def feed_message(f: Feed) -> res.CalendarFeed:
    return res.CalendarFeed(
        id=f.id,
        user_id=f.user_id,
        create_time=ts(f.created_at),
        revoked=f.revoked_at is not None,
        last_fetch_time=ts(f.last_fetch_at),
    )


def location_message(loc: CustomerLocation) -> res.CustomerLocation:
    return res.CustomerLocation(
        customer_id=loc.customer_id,
        latitude=loc.point.latitude,
        longitude=loc.point.longitude,
        address=loc.address,
        update_time=ts(loc.updated_at),
    )
