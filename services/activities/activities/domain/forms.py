"""Raw activity input as the client sent it (ActivityForm) and the validation that turns it
into domain values, naming every offending field. Pure: the use cases add ids, owners' zones
and name snapshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from chassis.errors import InvalidArgument, ViolationCollector

from activities.domain.model import (
    Activity,
    ActivityType,
    Attendee,
    AttendeeKind,
    Link,
    LinkKind,
    Priority,
    check_timing_fits_type,
)
from activities.domain.recurrence import Series, series
from activities.domain.reminders import ReminderRule, reminder_rules
from activities.domain.timing import Timed, Timing, all_day, parse_date, timed

MAX_SUBJECT = 300
MAX_LINKS = 20
MAX_ATTENDEES = 100
TIME_FIELDS = frozenset(
    {"start_time", "end_time", "time_zone", "all_day", "start_date", "end_date", "due_date"}
)
UPDATABLE = TIME_FIELDS | {
    "subject",
    "description",
    "private_notes",
    "location",
    "priority",
    "recurrence",
    "reminders",
    "attendees",
    "links",
    "owner_id",
    "team_id",
}


@dataclass(frozen=True)
class ActivityForm:
    type: str = ""
    subject: str = ""
    description: str = ""
    private_notes: str = ""
    location: str = ""
    links: Sequence[tuple[str, str, str]] = ()
    attendees: Sequence[tuple[str, str, str, str]] = ()
    owner_id: str = ""
    team_id: str = ""
    priority: str = ""
    start_time: dt.datetime | None = None
    end_time: dt.datetime | None = None
    time_zone: str = ""
    all_day: bool = False
    start_date: str = ""
    end_date: str = ""
    due_date: str = ""
    rrule: str = ""
    reminders: Sequence[tuple[str, int]] = field(default_factory=tuple)


def parse_type(text: str) -> ActivityType:
    try:
        return ActivityType(text)
    except ValueError:
        raise InvalidArgument("type", f"must be one of {', '.join(t.value for t in ActivityType)}") from None


def parse_priority(text: str) -> Priority:
    try:
        return Priority(text or "normal")
    except ValueError:
        raise InvalidArgument("priority", "must be low, normal or high") from None


def parse_links(raw: Sequence[tuple[str, str, str]]) -> tuple[Link, ...]:
    if len(raw) > MAX_LINKS:
        raise InvalidArgument("links", f"at most {MAX_LINKS}")
    errors = ViolationCollector()
    links: list[Link] = []
    for i, (kind, ref_id, name) in enumerate(raw):
        try:
            link_kind = LinkKind(kind)
        except ValueError:
            errors.add(f"links[{i}].kind", f"must be one of {', '.join(k.value for k in LinkKind)}")
            continue
        if not ref_id.strip():
            errors.add(f"links[{i}].id", "is required")
            continue
        links.append(Link(link_kind, ref_id.strip(), name.strip()[:300]))
    errors.raise_if_any()
    return tuple(links)


def parse_attendees(raw: Sequence[tuple[str, str, str, str]]) -> tuple[Attendee, ...]:
    if len(raw) > MAX_ATTENDEES:
        raise InvalidArgument("attendees", f"at most {MAX_ATTENDEES}")
    errors = ViolationCollector()
    found: dict[tuple[AttendeeKind, str], Attendee] = {}
    for i, (kind, ref_id, name, email) in enumerate(raw):
        try:
            attendee_kind = AttendeeKind(kind)
        except ValueError:
            errors.add(f"attendees[{i}].kind", "must be user or contact")
            continue
        if not ref_id.strip():
            errors.add(f"attendees[{i}].id", "is required")
            continue
        found.setdefault(
            (attendee_kind, ref_id.strip()),
            Attendee(attendee_kind, ref_id.strip(), name.strip(), email.strip()),
        )
    errors.raise_if_any()
    return tuple(found.values())


def parse_timing(form: ActivityForm, kind: ActivityType, default_zone: str) -> Timing:
    from activities.domain.timing import Due

    if kind is ActivityType.TASK or (form.due_date and form.start_time is None and not form.all_day):
        if not form.due_date:
            raise InvalidArgument("due_date", "a task needs a due date")
        return Due(parse_date(form.due_date, "due_date"))
    zone = form.time_zone.strip() or default_zone
    if form.all_day:
        if not form.start_date:
            raise InvalidArgument("start_date", "is required for an all-day activity")
        end = parse_date(form.end_date, "end_date") if form.end_date else None
        return all_day(parse_date(form.start_date, "start_date"), end, zone)
    if form.start_time is None:
        raise InvalidArgument("start_time", "is required")
    end_time = form.end_time if form.end_time is not None else form.start_time
    return timed(form.start_time, end_time, zone)


def parse_series(timing: Timing, rule: str) -> Series | None:
    if not rule.strip():
        return None
    if not isinstance(timing, Timed):
        raise InvalidArgument("recurrence.rrule", "only timed activities recur")
    return series(timing.start, timing.end, timing.zone, rule)


def new_activity(
    form: ActivityForm,
    activity_id: str,
    owner_id: str,
    team_id: str,
    default_zone: str,
    actor: str,
    now: dt.datetime,
) -> Activity:
    """A validated new activity (planned)."""
    kind = parse_type(form.type)
    subject = form.subject.strip()
    if not subject:
        raise InvalidArgument("subject", "is required")
    if len(subject) > MAX_SUBJECT:
        raise InvalidArgument("subject", f"at most {MAX_SUBJECT} characters")
    timing = parse_timing(form, kind, default_zone)
    recurring = parse_series(timing, form.rrule)
    check_timing_fits_type(kind, timing, recurring is not None)
    rules: tuple[ReminderRule, ...] = reminder_rules(form.reminders)
    from activities.domain.model import DEFAULT_TYPES

    return Activity(
        id=activity_id,
        type=kind,
        subject=subject,
        owner_id=owner_id,
        team_id=team_id,
        timing=timing,
        description=form.description.strip(),
        private_notes=form.private_notes.strip(),
        location=form.location.strip()[:500],
        links=parse_links(form.links),
        attendees=parse_attendees(form.attendees),
        priority=parse_priority(form.priority),
        series=recurring,
        reminders=rules,
        busy=DEFAULT_TYPES[kind].busy,
        created_at=now,
        created_by=actor,
        updated_at=now,
        updated_by=actor,
    )


def form_of(activity: Activity) -> ActivityForm:
    """The form an existing activity would have been created from (for partial updates)."""
    from activities.domain.timing import AllDay, Due

    t = activity.timing
    base = ActivityForm(
        type=activity.type.value,
        subject=activity.subject,
        description=activity.description,
        private_notes=activity.private_notes,
        location=activity.location,
        links=[(x.kind.value, x.ref_id, x.name) for x in activity.links],
        attendees=[(x.kind.value, x.ref_id, x.name, x.email) for x in activity.attendees],
        owner_id=activity.owner_id,
        team_id=activity.team_id,
        priority=activity.priority.value,
        rrule=activity.series.rule if activity.series else "",
        reminders=[(r.channel.value, r.minutes_before) for r in activity.reminders],
    )
    if isinstance(t, Timed):
        return replace(base, start_time=t.start, end_time=t.end, time_zone=t.zone)
    if isinstance(t, AllDay):
        return replace(
            base, all_day=True, start_date=t.start.isoformat(), end_date=t.end.isoformat(), time_zone=t.zone
        )
    assert isinstance(t, Due)
    return replace(base, due_date=t.date.isoformat())


def merged_form(current: ActivityForm, change: ActivityForm, paths: Sequence[str]) -> ActivityForm:
    """`current` with the fields of `change` named in `paths` (an update mask)."""
    unknown = [p for p in paths if p not in UPDATABLE]
    if unknown:
        raise InvalidArgument("update_mask", f"cannot change {', '.join(unknown)}")
    if not paths:
        raise InvalidArgument("update_mask", "names no field to change")
    values = {
        ("rrule" if p == "recurrence" else p): getattr(change, "rrule" if p == "recurrence" else p)
        for p in paths
    }
    merged = replace(current, **values)
    moved_only = "start_time" in paths and "end_time" not in paths
    if moved_only and change.start_time and current.start_time and current.end_time:
        # Moving keeps the duration.
        merged = replace(merged, end_time=change.start_time + (current.end_time - current.start_time))
    if "all_day" in paths and not change.all_day and "start_time" not in paths:
        raise InvalidArgument("start_time", "is required when all_day is turned off")
    if {"start_date", "all_day"} & set(paths) and merged.all_day:
        merged = replace(merged, start_time=None, end_time=None)
    return merged
