"""The contract every `CalendarProvider` implementation must pass, run here against the fake.

A real adapter (Google Calendar over HTTP with OAuth) subclasses `CalendarProviderContract`
and supplies `provider` and `world` fixtures for a test calendar of a test account; `world`
makes the out-of-band changes a person or the provider would (edit, delete, expire tokens).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import pytest
from activities.adapters.fake_calendar import MAX_CHANNEL_TTL, FakeCalendarProvider
from activities.application.calendar_port import (
    CANCELLED,
    CalendarProvider,
    EtagMismatch,
    EventDraft,
    SyncTokenExpired,
)

UTC = dt.UTC
CAL = "primary"
T0 = dt.datetime(2026, 4, 7, 3, 0, tzinfo=UTC)


class World(Protocol):
    def edit(self, calendar_id: str, remote_id: str, **changes: object) -> object: ...
    def delete(self, calendar_id: str, remote_id: str) -> None: ...
    def expire_sync_tokens(self) -> None: ...


def draft(uid: str = "act_1@activities.crm", summary: str = "Visit Siam Steel") -> EventDraft:
    return EventDraft(uid, summary, T0, T0 + dt.timedelta(hours=1), "Asia/Bangkok")


class CalendarProviderContract:
    def test_full_listing_then_incremental_changes_only(self, provider: CalendarProvider) -> None:
        first = provider.upsert_event(CAL, draft("a@activities.crm"))
        full = provider.list_changes(CAL, None)
        assert [e.id for e in full.events] == [first.id]
        assert provider.list_changes(CAL, full.next_sync_token).events == ()
        second = provider.upsert_event(CAL, draft("b@activities.crm"))
        changed = provider.list_changes(CAL, full.next_sync_token)
        assert [e.id for e in changed.events] == [second.id]
        assert changed.events[0].ical_uid == "b@activities.crm"

    def test_deletions_arrive_as_cancelled_in_incremental_listings(
        self, provider: CalendarProvider, world: World
    ) -> None:
        event = provider.upsert_event(CAL, draft())
        token = provider.list_changes(CAL, None).next_sync_token
        world.delete(CAL, event.id)
        [gone] = provider.list_changes(CAL, token).events
        assert (gone.id, gone.status) == (event.id, CANCELLED)
        assert provider.list_changes(CAL, None).events == ()

    def test_an_expired_sync_token_is_410_and_a_full_listing_recovers(
        self, provider: CalendarProvider, world: World
    ) -> None:
        provider.upsert_event(CAL, draft())
        token = provider.list_changes(CAL, None).next_sync_token
        world.expire_sync_tokens()
        with pytest.raises(SyncTokenExpired):
            provider.list_changes(CAL, token)
        assert len(provider.list_changes(CAL, None).events) == 1

    def test_writes_change_the_etag_and_a_stale_if_match_changes_nothing(
        self, provider: CalendarProvider, world: World
    ) -> None:
        event = provider.upsert_event(CAL, draft())
        moved = provider.upsert_event(CAL, draft(summary="Moved"), remote_id=event.id, if_match=event.etag)
        assert moved.etag != event.etag
        assert moved.ical_uid == event.ical_uid
        with pytest.raises(EtagMismatch):
            provider.upsert_event(CAL, draft(summary="Lost update"), remote_id=event.id, if_match=event.etag)
        with pytest.raises(EtagMismatch):
            provider.delete_event(CAL, event.id, if_match=event.etag)
        [live] = provider.list_changes(CAL, None).events
        assert live.summary == "Moved"

    def test_push_channels_expire_within_the_cap_and_can_be_stopped(self, provider: CalendarProvider) -> None:
        channel = provider.watch(CAL, "https://crm.example/hooks/calendar", dt.timedelta(days=30))
        assert channel.expires_at <= dt.datetime.now(UTC) + MAX_CHANNEL_TTL + dt.timedelta(minutes=1)
        provider.stop_channel(channel)


class TestFakeCalendarProvider(CalendarProviderContract):
    @pytest.fixture
    def fake(self) -> FakeCalendarProvider:
        return FakeCalendarProvider()

    @pytest.fixture
    def provider(self, fake: FakeCalendarProvider) -> CalendarProvider:
        return fake

    @pytest.fixture
    def world(self, fake: FakeCalendarProvider) -> World:
        return fake
