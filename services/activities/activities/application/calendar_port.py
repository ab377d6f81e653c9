"""The `CalendarProvider` port: what two-way sync needs from an outside calendar (Google
Calendar first), in the words of its API, so the sync use case and its tests do not depend
on HTTP or OAuth.

Semantics every implementation keeps (checked by the contract suite in
tests/contract/test_calendar_provider_contract.py, run against `FakeCalendarProvider`):
- `list_changes(calendar, None)` is a full listing of live events plus a sync token;
  `list_changes(calendar, token)` lists what changed since the token, deletions as events
  with status "cancelled". An expired token raises `SyncTokenExpired` (Google: HTTP 410
  Gone); the caller then lists in full again.
- Every write returns the event with a new etag; `if_match` with a stale etag raises
  `EtagMismatch` (HTTP 412) and changes nothing.
- Events keep the iCalendar UID they were created with (`ical_uid`).
- `watch` opens a push channel that expires at `expires_at` (providers cap the TTL);
  channels are renewed by opening a new one before expiry and stopping the old one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

CONFIRMED = "confirmed"
CANCELLED = "cancelled"


class SyncTokenExpired(Exception):
    """The provider no longer knows the sync token (HTTP 410 Gone): list in full again."""


class EtagMismatch(Exception):
    """The event changed since the etag the writer had (HTTP 412 Precondition Failed)."""


class EventNotFound(Exception):
    """No such event (HTTP 404)."""


@dataclass(frozen=True)
class EventDraft:
    """A timed event as the CRM writes it (UTC instants plus the zone it was planned in)."""

    ical_uid: str
    summary: str
    start: dt.datetime
    end: dt.datetime
    time_zone: str
    description: str = ""


@dataclass(frozen=True)
class RemoteEvent:
    id: str
    ical_uid: str
    etag: str
    status: str
    summary: str = ""
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    time_zone: str = ""
    description: str = ""


@dataclass(frozen=True)
class ChangePage:
    """Every change since the token (the implementation follows the provider's page tokens)."""

    events: tuple[RemoteEvent, ...]
    next_sync_token: str


@dataclass(frozen=True)
class PushChannel:
    id: str
    resource_id: str
    expires_at: dt.datetime


class CalendarProvider(Protocol):
    def list_changes(self, calendar_id: str, sync_token: str | None) -> ChangePage: ...

    def upsert_event(
        self,
        calendar_id: str,
        draft: EventDraft,
        *,
        remote_id: str | None = None,
        if_match: str | None = None,
    ) -> RemoteEvent: ...

    def delete_event(self, calendar_id: str, remote_id: str, *, if_match: str | None = None) -> None: ...

    def watch(self, calendar_id: str, address: str, ttl: dt.timedelta) -> PushChannel: ...

    def stop_channel(self, channel: PushChannel) -> None: ...
