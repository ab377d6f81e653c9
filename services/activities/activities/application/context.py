"""What every use case gets: the database, the event recorder, the policy (settings that are
business rules), a clock and an id generator; and the unit of work that gives one
transaction its repositories and lets it emit events into the outbox and queue mail."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from chassis.db import Database
from chassis.identity import Caller
from chassis.mail import MailTemplates, OutgoingMail, queue_mail
from sqlalchemy.orm import Session

from activities.adapters.activities import ActivityRepository, StoredActivity
from activities.adapters.calendar_sync import CalendarSyncStore
from activities.adapters.date_mail import DateMailStore
from activities.adapters.directory import Directory
from activities.adapters.inbox import Feeds, Notifications
from activities.adapters.reminders import ReminderStore
from activities.adapters.tables import mail_tables
from activities.domain.checkin import CheckinPolicy
from activities.domain.events import DomainEvent
from activities.domain.model import DEFAULT_TYPES, Activity, ActivityType, ActivityTypeConfig

EventRecorder = Callable[[Session, DomainEvent], None]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id(prefix: str) -> str:
    """Opaque ids with a readable prefix: "act_…", "ntf_…", "feed_…"."""
    return f"{prefix}_{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Policy:
    """Business settings (from ActivitiesSettings)."""

    default_time_zone: str = "Asia/Bangkok"
    checkin: CheckinPolicy = field(default_factory=CheckinPolicy)
    # Reminders are planned this far ahead (recurring series are topped up by the scheduler).
    reminder_horizon: dt.timedelta = dt.timedelta(days=35)
    feed_days_back: int = 30
    feed_days_ahead: int = 180
    # The gateway's public address, for links in mail and feed URLs.
    public_base_url: str = "http://127.0.0.1:8080"
    # Date mail is planned this far ahead, and a send later than the grace is skipped (a
    # birthday greeting days late after an outage is worse than none).
    date_mail_horizon: dt.timedelta = dt.timedelta(days=2)
    date_mail_grace: dt.timedelta = dt.timedelta(hours=12)
    types: Mapping[ActivityType, ActivityTypeConfig] = field(default_factory=lambda: dict(DEFAULT_TYPES))


class UnitOfWork:
    """One transaction's repositories; `emit` records an event, `mail` queues a mail, both in
    the same transaction as the change."""

    def __init__(self, session: Session, recorder: EventRecorder | None, default_zone: str) -> None:
        self.session = session
        self._recorder = recorder
        self._default_zone = default_zone
        self.activities = ActivityRepository(session)
        self.directory = Directory(session)
        self.reminders = ReminderStore(session)
        self.notifications = Notifications(session)
        self.feeds = Feeds(session)
        self.date_mail = DateMailStore(session)
        self.calendar_sync = CalendarSyncStore(session)

    def emit(self, event: DomainEvent) -> None:
        if self._recorder is None:
            raise RuntimeError("a read-only unit of work cannot emit events")
        self._recorder(self.session, event)

    def mail(self, message: OutgoingMail, dedupe_key: str) -> str:
        return queue_mail(self.session, mail_tables, message, dedupe_key=dedupe_key)

    def zone_of_user(self, user_id: str) -> str:
        """The user's zone (set through this service), else the platform default."""
        return (self.directory.time_zone(user_id) if user_id else "") or self._default_zone

    def owner_zone(self, activity: Activity) -> str:
        return self.zone_of_user(activity.owner_id)


@dataclass(frozen=True)
class ActivitiesContext:
    database: Database
    recorder: EventRecorder
    templates: MailTemplates
    policy: Policy = field(default_factory=Policy)
    clock: Callable[[], dt.datetime] = utc_now
    ids: Callable[[str], str] = new_id

    @contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        with self.database.transaction() as session:
            yield UnitOfWork(session, self.recorder, self.policy.default_time_zone)

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        with self.database.read() as session:
            yield UnitOfWork(session, None, self.policy.default_time_zone)

    def within(self, session: Session) -> UnitOfWork:
        """A unit of work inside a transaction someone else opened (event handlers)."""
        return UnitOfWork(session, self.recorder, self.policy.default_time_zone)


# -- record-level access ----------------------------------------------------------------------


def can_see(caller: Caller, activity: Activity) -> bool:
    """Own activities and those one attends; a manager's teams'; admins all."""
    return (
        caller.can_access(activity.owner_id, activity.team_id) or caller.user_id in activity.internal_user_ids
    )


def require_see(caller: Caller, stored: StoredActivity) -> None:
    from chassis.errors import NotFound

    if not can_see(caller, stored.activity):
        # Not PermissionDenied: whether someone else's activity exists is not the caller's business.
        raise NotFound("activity", stored.activity.id)


def require_edit(caller: Caller, activity: Activity) -> None:
    """Changing needs ownership (or management of the team, or admin); attendees only read."""
    caller.require_access(activity.owner_id, activity.team_id, "activity")
