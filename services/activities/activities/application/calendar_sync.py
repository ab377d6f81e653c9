"""Two-way sync of a user's timed, non-recurring activities with an outside calendar behind
the `CalendarProvider` port.

One `sync` pulls, then pushes:
- pull: the changes since the stored sync token (a full listing after `SyncTokenExpired`,
  where linked events missing from it count as deleted). An event whose etag is the one we
  stored is our own write coming back and is skipped (no echo loop). A new event becomes a
  meeting of the user; a changed one updates subject and time; a cancelled one cancels the
  activity. When both sides changed since the last sync, the remote edit wins (it is the
  user's latest, made in the calendar they look at).
- push: activities of the user in the window whose version is newer than the synced one
  are written with their stable UID `<activity id>@activities.crm` and If-Match of the
  stored etag; cancelled or done ones are deleted remotely. A 412 leaves the activity for
  the next pull to reconcile. The stored etag and version make the next pull skip it.
Activity changes go through the ordinary use cases (events, reminders, conflicts recorded
as overridden by the sync).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field

from chassis.errors import FailedPrecondition, NotFound
from chassis.identity import Caller

from activities.adapters.calendar_sync import SyncLink, expires_soon
from activities.application import activities as use_cases
from activities.application.calendar_port import (
    CANCELLED,
    CalendarProvider,
    EtagMismatch,
    EventDraft,
    EventNotFound,
    PushChannel,
    RemoteEvent,
    SyncTokenExpired,
)
from activities.application.context import ActivitiesContext
from activities.domain.forms import ActivityForm
from activities.domain.model import Activity, Status
from activities.domain.timing import Timed

UID_SUFFIX = "@activities.crm"
TIME_PATHS = ("subject", "start_time", "end_time", "time_zone")


@dataclass
class SyncReport:
    full_resync: bool = False
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    echoes: int = 0
    pushed: int = 0
    deleted: int = 0
    refused: list[str] = field(default_factory=list)


class CalendarSync:
    def __init__(
        self,
        ctx: ActivitiesContext,
        provider: CalendarProvider,
        *,
        push_address: str = "",
        channel_ttl: dt.timedelta = dt.timedelta(days=7),
        renew_before: dt.timedelta = dt.timedelta(days=1),
    ) -> None:
        self.ctx = ctx
        self.provider = provider
        self.push_address = push_address
        self.channel_ttl = channel_ttl
        self.renew_before = renew_before

    def connect(self, user_id: str, calendar_id: str) -> None:
        with self.ctx.transaction() as uow:
            uow.calendar_sync.connect(user_id, calendar_id)

    def _state(self, user_id: str) -> tuple[str, str | None, PushChannel | None, dict[str, SyncLink]]:
        with self.ctx.reading() as uow:
            state = uow.calendar_sync.state(user_id)
            if state is None:
                raise NotFound("calendar connection", user_id)
            return (
                state.calendar_id,
                state.sync_token,
                state.channel,
                {link.remote_id: link for link in uow.calendar_sync.links(user_id)},
            )

    def sync(self, user_id: str) -> SyncReport:
        report = SyncReport()
        self._pull(user_id, report)
        self._push(user_id, report)
        return report

    # -- pull ----------------------------------------------------------------------------------

    def _pull(self, user_id: str, report: SyncReport) -> None:
        calendar_id, token, _, links = self._state(user_id)
        try:
            page = self.provider.list_changes(calendar_id, token)
        except SyncTokenExpired:
            page = self.provider.list_changes(calendar_id, None)
            report.full_resync = True
        caller = Caller(user_id, frozenset({"sales_rep"}))
        for event in page.events:
            self._apply(caller, event, links.get(event.id), report)
        if report.full_resync:
            seen = {e.id for e in page.events}
            for remote_id, link in links.items():
                if remote_id not in seen:
                    self._apply(caller, RemoteEvent(remote_id, "", "", CANCELLED), link, report)
        with self.ctx.transaction() as uow:
            uow.calendar_sync.set_token(user_id, page.next_sync_token)

    def _apply(self, caller: Caller, event: RemoteEvent, link: SyncLink | None, report: SyncReport) -> None:
        if link is not None and link.etag == event.etag:
            report.echoes += 1
            return
        if event.status == CANCELLED:
            if link is not None:
                self._cancel_local(caller, link.activity_id)
                report.cancelled += 1
                with self.ctx.transaction() as uow:
                    uow.calendar_sync.drop_link(caller.user_id, event.id)
            return
        if event.start is None or event.end is None:
            return  # all-day events in the outside calendar are not synced (see README)
        form = ActivityForm(
            type="meeting",
            subject=event.summary or "(no title)",
            start_time=event.start,
            end_time=event.end,
            time_zone=event.time_zone or self.ctx.policy.default_time_zone,
        )
        activity_id = link.activity_id if link is not None else ""
        if not activity_id and event.ical_uid.endswith(UID_SUFFIX):
            activity_id = event.ical_uid.removesuffix(UID_SUFFIX)  # ours, link lost: relink
        try:
            if activity_id:
                saved = use_cases.update_activity(
                    self.ctx, caller, activity_id, form, TIME_PATHS, override=True
                ).activity.activity
                report.updated += 1
            else:
                saved = use_cases.create_activity(self.ctx, caller, form, override=True).activity.activity
                report.created += 1
        except (FailedPrecondition, NotFound) as refused:  # closed or gone locally: local wins
            report.refused.append(f"{event.id}: {refused}")
            return
        with self.ctx.transaction() as uow:
            uow.calendar_sync.put_link(
                caller.user_id, SyncLink(event.id, saved.id, event.etag, saved.version)
            )

    def _cancel_local(self, caller: Caller, activity_id: str) -> None:
        with contextlib.suppress(FailedPrecondition, NotFound):  # already closed or gone
            use_cases.cancel_activity(self.ctx, caller, activity_id, "deleted in the outside calendar", None)

    # -- push ----------------------------------------------------------------------------------

    def _push(self, user_id: str, report: SyncReport) -> None:
        calendar_id, _, _, links = self._state(user_id)
        by_activity = {link.activity_id: link for link in links.values()}
        now = self.ctx.clock()
        window = (
            now - dt.timedelta(days=self.ctx.policy.feed_days_back),
            now + dt.timedelta(days=self.ctx.policy.feed_days_ahead),
        )
        with self.ctx.reading() as uow:
            found = [s.activity for s in uow.activities.in_range(*window, user_ids=[user_id])]
        for activity in found:
            if (
                activity.owner_id != user_id
                or not isinstance(activity.timing, Timed)
                or activity.series is not None
            ):
                continue
            link = by_activity.get(activity.id)
            if link is not None and activity.version <= link.synced_version:
                continue
            self._push_one(user_id, calendar_id, activity, link, report)

    def _push_one(
        self, user_id: str, calendar_id: str, activity: Activity, link: SyncLink | None, report: SyncReport
    ) -> None:
        assert isinstance(activity.timing, Timed)
        try:
            if activity.status is not Status.PLANNED:
                if link is not None:
                    self.provider.delete_event(calendar_id, link.remote_id, if_match=link.etag)
                    report.deleted += 1
                    with self.ctx.transaction() as uow:
                        uow.calendar_sync.drop_link(user_id, link.remote_id)
                return
            draft = EventDraft(
                activity.id + UID_SUFFIX,
                activity.subject,
                activity.timing.start,
                activity.timing.end,
                activity.timing.zone,
                activity.description,
            )
            written = self.provider.upsert_event(
                calendar_id,
                draft,
                remote_id=None if link is None else link.remote_id,
                if_match=None if link is None else link.etag,
            )
        except (EtagMismatch, EventNotFound):
            return  # changed or deleted there meanwhile: the next pull reconciles
        report.pushed += 1
        with self.ctx.transaction() as uow:
            uow.calendar_sync.put_link(
                user_id, SyncLink(written.id, activity.id, written.etag, activity.version)
            )

    # -- push channels -------------------------------------------------------------------------

    def renew_channel(self, user_id: str) -> PushChannel | None:
        """Opens a new push channel when the current one expires within `renew_before`, then
        stops the old one (so no notification window is lost). None when still fresh."""
        calendar_id, _, channel, _ = self._state(user_id)
        now = self.ctx.clock()
        if not expires_soon(channel, now, self.renew_before):
            return None
        fresh = self.provider.watch(calendar_id, self.push_address, self.channel_ttl)
        with self.ctx.transaction() as uow:
            uow.calendar_sync.set_channel(user_id, fresh)
        if channel is not None:
            self.provider.stop_channel(channel)
        return fresh
