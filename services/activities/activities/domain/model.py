"""Activities as plain immutable dataclasses: what kind, linked to which record, whose, when
(timing and recurrence), how urgent, in which state, and with which reminders.

State machine: planned → done (with outcome notes) or planned → cancelled; nothing leaves
done or cancelled. A type may carry a follow-up (ActivityTypeConfig): completing creates
exactly one next activity after the configured delay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from chassis.errors import FailedPrecondition, InvalidArgument

from activities.domain.recurrence import Series
from activities.domain.reminders import ReminderRule
from activities.domain.timing import AllDay, Due, Timed, Timing


class ActivityType(StrEnum):
    CALL = "call"
    MEETING = "meeting"
    VISIT = "visit"
    TASK = "task"
    EMAIL = "email"
    NOTE = "note"


class Status(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class LinkKind(StrEnum):
    """The records of other services an activity can be about (by their ids)."""

    LEAD = "lead"
    CUSTOMER = "customer"
    CONTACT = "contact"
    OPPORTUNITY = "opportunity"
    QUOTATION = "quotation"
    CASE = "case"


class AttendeeKind(StrEnum):
    USER = "user"  # internal: their calendar counts for conflicts and gets reminders
    CONTACT = "contact"  # a customer's contact person


@dataclass(frozen=True)
class Link:
    kind: LinkKind
    ref_id: str
    # The record's name when linked, kept current from the owning service's events.
    name: str = ""


@dataclass(frozen=True)
class Attendee:
    kind: AttendeeKind
    ref_id: str
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class FollowUp:
    """Completing an activity of a type with a follow-up plans this next activity."""

    type: ActivityType
    delay: dt.timedelta
    subject_prefix: str = "Follow-up: "
    duration: dt.timedelta = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class ActivityTypeConfig:
    """Per type: whether it blocks its people's time (conflicts) and its follow-up."""

    busy: bool
    follow_up: FollowUp | None = None


DEFAULT_TYPES: Mapping[ActivityType, ActivityTypeConfig] = {
    ActivityType.CALL: ActivityTypeConfig(busy=True),
    ActivityType.MEETING: ActivityTypeConfig(busy=True),
    # A visit is followed by a call two days later (a common field-sales routine).
    ActivityType.VISIT: ActivityTypeConfig(
        busy=True, follow_up=FollowUp(ActivityType.CALL, dt.timedelta(days=2))
    ),
    ActivityType.TASK: ActivityTypeConfig(busy=False),
    ActivityType.EMAIL: ActivityTypeConfig(busy=False),
    ActivityType.NOTE: ActivityTypeConfig(busy=False),
}


@dataclass(frozen=True)
class ConflictOverride:
    """Saved although it overlapped: who decided, when, and over which activities."""

    by: str
    at: dt.datetime
    activity_ids: tuple[str, ...]


@dataclass(frozen=True)
class Activity:
    id: str
    type: ActivityType
    subject: str
    owner_id: str
    team_id: str
    timing: Timing
    description: str = ""
    # Never leaves the CRM (not in iCalendar feeds or exports).
    private_notes: str = ""
    location: str = ""
    links: tuple[Link, ...] = ()
    attendees: tuple[Attendee, ...] = ()
    priority: Priority = Priority.NORMAL
    status: Status = Status.PLANNED
    outcome: str = ""
    series: Series | None = None
    reminders: tuple[ReminderRule, ...] = ()
    busy: bool = True
    conflict_override: ConflictOverride | None = None
    follow_up_of: str = ""
    version: int = 1
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    created_by: str = ""
    updated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    updated_by: str = ""

    @property
    def internal_user_ids(self) -> tuple[str, ...]:
        """The owner and the internal attendees: whose calendars this activity fills."""
        users = [self.owner_id, *(a.ref_id for a in self.attendees if a.kind is AttendeeKind.USER)]
        return tuple(dict.fromkeys(u for u in users if u))

    @property
    def is_timed(self) -> bool:
        return isinstance(self.timing, Timed)

    def touched(self, actor: str, now: dt.datetime, **changes: object) -> Activity:
        return replace(self, version=self.version + 1, updated_at=now, updated_by=actor, **changes)  # type: ignore[arg-type]

    def require_open(self) -> None:
        if self.status is not Status.PLANNED:
            raise FailedPrecondition(f"the activity is {self.status.value}; only planned ones change")

    def complete(self, actor: str, now: dt.datetime, outcome: str) -> Activity:
        self.require_open()
        return self.touched(actor, now, status=Status.DONE, outcome=outcome.strip())

    def cancel(self, actor: str, now: dt.datetime, reason: str) -> Activity:
        self.require_open()
        return self.touched(actor, now, status=Status.CANCELLED, outcome=reason.strip())


def check_timing_fits_type(kind: ActivityType, timing: Timing, recurring: bool) -> None:
    """Tasks have a due date; calls, meetings and visits a time (or whole days); recurrence
    only on timed activities."""
    if kind is ActivityType.TASK and not isinstance(timing, Due):
        raise InvalidArgument("due_date", "a task needs a due date")
    if kind is not ActivityType.TASK and isinstance(timing, Due):
        raise InvalidArgument("start_time", f"a {kind.value} needs a start time or whole days")
    if recurring and not isinstance(timing, Timed):
        raise InvalidArgument("recurrence.rrule", "only timed activities recur")
    if kind is ActivityType.VISIT and isinstance(timing, AllDay):
        raise InvalidArgument("start_time", "a visit needs a start time")


def follow_up_activity(
    done: Activity, config: ActivityTypeConfig, new_id: str, now: dt.datetime, owner_zone: str
) -> Activity | None:
    """The one next activity a completed activity's type asks for (None without a follow-up).
    It starts `delay` after completion, keeps owner, team and links, and is a task with a due
    date in the owner's zone when the follow-up type is a task."""
    rule = config.follow_up
    if rule is None:
        return None
    start = now + rule.delay
    timing: Timing
    if rule.type is ActivityType.TASK:
        from zoneinfo import ZoneInfo

        timing = Due(start.astimezone(ZoneInfo(owner_zone)).date())
    else:
        zone = done.timing.zone if isinstance(done.timing, Timed | AllDay) else owner_zone
        timing = Timed(start, start + rule.duration, zone)
    return Activity(
        id=new_id,
        type=rule.type,
        subject=f"{rule.subject_prefix}{done.subject}"[:300],
        owner_id=done.owner_id,
        team_id=done.team_id,
        timing=timing,
        links=done.links,
        attendees=tuple(a for a in done.attendees if a.kind is AttendeeKind.CONTACT),
        priority=done.priority,
        reminders=done.reminders,
        busy=DEFAULT_TYPES[rule.type].busy,
        follow_up_of=done.id,
        created_at=now,
        created_by=done.updated_by,
        updated_at=now,
        updated_by=done.updated_by,
    )
