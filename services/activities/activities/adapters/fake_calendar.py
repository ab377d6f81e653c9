"""An in-memory `CalendarProvider` with Google Calendar's semantics (sync tokens that can
expire → `SyncTokenExpired`, etags with If-Match, cancelled tombstones in incremental
listings, push channels with a capped TTL). Tests use it as the outside calendar; it also
offers what a person does in the outside calendar (`edit`, `create`, `delete`) and what the
provider does on its own (`expire_sync_tokens`)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace

from activities.application.calendar_port import (
    CANCELLED,
    CONFIRMED,
    ChangePage,
    EtagMismatch,
    EventDraft,
    EventNotFound,
    PushChannel,
    RemoteEvent,
    SyncTokenExpired,
)

# Google caps events.watch channels at about a week.
MAX_CHANNEL_TTL = dt.timedelta(days=7)


@dataclass
class _Stored:
    event: RemoteEvent
    seq: int


class FakeCalendarProvider:
    def __init__(self, clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.clock = clock
        self._calendars: dict[str, dict[str, _Stored]] = {}
        self._seq = itertools.count(1)
        self._last = 0
        self._epoch = 0
        self._ids = itertools.count(1)
        self.channels: dict[str, PushChannel] = {}
        self.writes = 0  # writes through the port (tests count echoes with it)

    # -- the port ------------------------------------------------------------------------------

    def list_changes(self, calendar_id: str, sync_token: str | None) -> ChangePage:
        events = self._calendars.setdefault(calendar_id, {})
        if sync_token is None:
            found = [s.event for s in events.values() if s.event.status != CANCELLED]
        else:
            epoch, _, since = sync_token.partition(":")
            if not since.isdigit() or epoch != str(self._epoch):
                raise SyncTokenExpired(sync_token)
            found = [s.event for s in events.values() if s.seq > int(since)]
        return ChangePage(tuple(sorted(found, key=lambda e: e.id)), f"{self._epoch}:{self._last}")

    def upsert_event(
        self,
        calendar_id: str,
        draft: EventDraft,
        *,
        remote_id: str | None = None,
        if_match: str | None = None,
    ) -> RemoteEvent:
        self.writes += 1
        events = self._calendars.setdefault(calendar_id, {})
        if remote_id is not None:
            current = events.get(remote_id)
            if current is None or current.event.status == CANCELLED:
                raise EventNotFound(remote_id)
            if if_match is not None and if_match != current.event.etag:
                raise EtagMismatch(remote_id)
            uid = current.event.ical_uid
        else:
            remote_id, uid = f"evt{next(self._ids)}", draft.ical_uid
        return self._put(
            calendar_id,
            RemoteEvent(
                remote_id,
                uid,
                "",
                CONFIRMED,
                draft.summary,
                draft.start,
                draft.end,
                draft.time_zone,
                draft.description,
            ),
        )

    def delete_event(self, calendar_id: str, remote_id: str, *, if_match: str | None = None) -> None:
        self.writes += 1
        current = self._calendars.setdefault(calendar_id, {}).get(remote_id)
        if current is None or current.event.status == CANCELLED:
            raise EventNotFound(remote_id)
        if if_match is not None and if_match != current.event.etag:
            raise EtagMismatch(remote_id)
        self._put(calendar_id, replace(current.event, status=CANCELLED))

    def watch(self, calendar_id: str, address: str, ttl: dt.timedelta) -> PushChannel:
        channel = PushChannel(
            f"ch{next(self._ids)}", f"res-{calendar_id}", self.clock() + min(ttl, MAX_CHANNEL_TTL)
        )
        self.channels[channel.id] = channel
        return channel

    def stop_channel(self, channel: PushChannel) -> None:
        self.channels.pop(channel.id, None)

    # -- the outside world ---------------------------------------------------------------------

    def create(
        self, calendar_id: str, summary: str, start: dt.datetime, end: dt.datetime, zone: str
    ) -> RemoteEvent:
        """A person adds an event in the outside calendar."""
        remote_id = f"evt{next(self._ids)}"
        event = RemoteEvent(
            remote_id, f"{remote_id}@google.example", "", CONFIRMED, summary, start, end, zone
        )
        return self._put(calendar_id, event)

    def edit(self, calendar_id: str, remote_id: str, **changes: object) -> RemoteEvent:
        """A person changes an event there (summary, start, end, ...)."""
        current = self._calendars[calendar_id][remote_id]
        return self._put(calendar_id, replace(current.event, **changes))  # type: ignore[arg-type]

    def delete(self, calendar_id: str, remote_id: str) -> None:
        current = self._calendars[calendar_id][remote_id]
        self._put(calendar_id, replace(current.event, status=CANCELLED))

    def expire_sync_tokens(self) -> None:
        """The provider forgets every sync token (the next incremental listing gets 410)."""
        self._epoch += 1

    def live(self, calendar_id: str) -> list[RemoteEvent]:
        return [s.event for s in self._calendars.get(calendar_id, {}).values() if s.event.status != CANCELLED]

    def _put(self, calendar_id: str, event: RemoteEvent) -> RemoteEvent:
        seq = next(self._seq)
        self._last = seq
        stored = replace(event, etag=f'"{seq}"')
        self._calendars.setdefault(calendar_id, {})[event.id] = _Stored(stored, seq)
        return stored
