"""Delivering reminders, and the in-app notifications users read.

`deliver_due` is one scheduler pass: for each due reminder, one transaction claims it with a
conditional UPDATE and writes its effect (a notification row, or a mail-outbox row whose
dedupe key is the reminder key); the mail dispatcher sends the mail afterwards. A crash
before the commit leaves the reminder planned for the next pass; after it, the reminder is
sent and its effect exists: nothing lost, nothing twice, across restarts and replicas.

`top_up` extends the plan of recurring series as their later occurrences come within the
planning horizon.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from chassis.errors import InvalidArgument
from chassis.identity import Caller
from sqlalchemy import select

from activities.adapters import tables as t
from activities.adapters.inbox import Notification
from activities.adapters.reminders import SKIPPED, DueReminder
from activities.application.context import ActivitiesContext, UnitOfWork
from activities.application.scheduling import plan_reminders
from activities.domain.model import Activity
from activities.domain.reminders import Channel


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    skipped: int = 0
    lost_races: int = 0


def _context(
    ctx: ActivitiesContext, uow: UnitOfWork, activity: Activity, due: DueReminder, zone: str
) -> dict[str, str]:
    local = due.starts_at.astimezone(ZoneInfo(zone))
    return {
        "subject": activity.subject,
        "type": activity.type.value,
        "start": local.strftime("%Y-%m-%d %H:%M"),
        "time_zone": zone,
        "minutes": str(due.minutes_before),
        "location": activity.location,
        "link": f"{ctx.policy.public_base_url.rstrip('/')}/api/v1/activities/{activity.id}",
    }


def _deliver_one(ctx: ActivitiesContext, due: DueReminder, now: dt.datetime) -> str:
    with ctx.transaction() as uow:
        stored = uow.activities.get(due.activity_id)
        activity = stored.activity
        user = uow.directory.user(due.recipient_id)
        no_address = due.channel is Channel.EMAIL and (user is None or not user.email)
        if due.starts_at <= now or no_address:
            # The occurrence began (the service was down past it) or there is no address.
            return "skipped" if uow.reminders.claim(due.key, now, SKIPPED) else "lost"
        if not uow.reminders.claim(due.key, now):
            return "lost"  # another scheduler delivered it
        zone = uow.zone_of_user(due.recipient_id)
        context = _context(ctx, uow, activity, due, zone)
        if due.channel is Channel.IN_APP:
            rendered = ctx.templates.render("reminder", "en" if user is None else user.language, context)
            uow.notifications.add(
                Notification(
                    ctx.ids("ntf"), due.recipient_id, rendered.subject, rendered.text, activity.id, now, False
                ),
                source_key=due.key,
            )
        else:
            assert user is not None
            rendered = ctx.templates.render("reminder", user.language, context)
            uow.mail(rendered.to(user.email), dedupe_key=f"reminder:{due.key}")
    return "sent"


def deliver_due(ctx: ActivitiesContext, batch_size: int = 100) -> DeliveryReport:
    """One pass over the due reminders (the scheduler loop calls it; tests too)."""
    now = ctx.clock()
    with ctx.reading() as uow:
        due = uow.reminders.due(now, batch_size)
    counts = {"sent": 0, "skipped": 0, "lost": 0}
    for reminder in due:
        counts[_deliver_one(ctx, reminder, now)] += 1
    return DeliveryReport(counts["sent"], counts["skipped"], counts["lost"])


def top_up(ctx: ActivitiesContext) -> int:
    """Plans reminders of recurring series whose occurrences entered the horizon."""
    now = ctx.clock()
    with ctx.reading() as uow:
        ids = [
            r.id
            for r in uow.session.execute(
                select(t.activities.c.id).where(
                    t.activities.c.rrule != "",
                    t.activities.c.status == "planned",
                    t.activities.c.range_end > now,
                    t.activities.c.reminders_json != "[]",
                )
            )
        ]
    for activity_id in ids:
        with ctx.transaction() as uow:
            plan_reminders(
                uow,
                uow.activities.get(activity_id, for_update=True).activity,
                now,
                ctx.policy.reminder_horizon,
            )
    return len(ids)


# -- notifications -----------------------------------------------------------------------------


def list_notifications(
    ctx: ActivitiesContext,
    caller: Caller,
    *,
    unread_only: bool,
    after: tuple[dt.datetime, str] | None,
    size: int,
) -> tuple[list[Notification], int]:
    with ctx.reading() as uow:
        found = uow.notifications.page(caller.user_id, unread_only=unread_only, after=after, size=size)
        return found, uow.notifications.unread_count(caller.user_id)


def mark_read(ctx: ActivitiesContext, caller: Caller, ids: list[str], everything: bool) -> int:
    if not ids and not everything:
        raise InvalidArgument("ids", "name notifications or set all")
    with ctx.transaction() as uow:
        return uow.notifications.mark_read(caller.user_id, None if everything else ids, ctx.clock())


def set_user_zone(ctx: ActivitiesContext, caller: Caller, user_id: str, zone: str) -> tuple[str, str]:
    """Users set their own zone; admins anyone's."""
    from activities.domain.timing import zone_of

    target = user_id.strip() or caller.user_id
    if target != caller.user_id:
        caller.require_role("admin")
    zone_of(zone, "time_zone")
    with ctx.transaction() as uow:
        uow.directory.set_time_zone(target, zone.strip())
    return target, zone.strip()
