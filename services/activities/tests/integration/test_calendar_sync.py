"""Two-way calendar sync through the `CalendarProvider` port against the fake provider, over
real databases: remote events become activities, local ones are pushed with their stable
UID, nothing echoes back, an expired sync token forces a full resync, deletions cross both
ways, and push channels are renewed before they expire."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from activities.adapters.fake_calendar import FakeCalendarProvider
from activities.application import activities as use_cases
from activities.application.calendar_sync import CalendarSync
from activities.domain.forms import ActivityForm
from activities.testing import REP, ActivitiesUnderTest, settings_for, start_activities, stop_activities

UTC = dt.UTC
CAL = "malee@example.com"


@pytest.fixture
def service(database_url: str, tmp_path: Path) -> Iterator[ActivitiesUnderTest]:
    running = start_activities(settings_for(database_url, None, tmp_path), serve=False)
    try:
        yield running
    finally:
        stop_activities(running)


def test_two_way_sync_without_echoes_with_full_resync_and_deletions(service: ActivitiesUnderTest) -> None:
    ctx = service.service.context
    google = FakeCalendarProvider()
    sync = CalendarSync(ctx, google)
    sync.connect(REP.user_id, CAL)
    tomorrow = dt.datetime.now(UTC).replace(microsecond=0) + dt.timedelta(days=1)

    remote = google.create(
        CAL, "Lunch with Siam Steel", tomorrow, tomorrow + dt.timedelta(hours=1), "Asia/Bangkok"
    )
    local = use_cases.create_activity(
        ctx,
        REP,
        ActivityForm(
            type="meeting",
            subject="Quarterly review",
            start_time=tomorrow + dt.timedelta(hours=3),
            end_time=tomorrow + dt.timedelta(hours=4),
            time_zone="Asia/Bangkok",
        ),
        override=False,
    ).activity.activity
    first = sync.sync(REP.user_id)
    assert (first.created, first.pushed) == (1, 1)
    [pushed] = [e for e in google.live(CAL) if e.ical_uid == f"{local.id}@activities.crm"]
    assert pushed.summary == "Quarterly review"

    writes = google.writes
    quiet = sync.sync(REP.user_id)  # our own write comes back once as a change: an echo
    assert (quiet.created, quiet.updated, quiet.pushed) == (0, 0, 0)
    assert google.writes == writes
    assert sync.sync(REP.user_id).echoes == 0

    google.edit(CAL, remote.id, summary="Lunch moved", start=tomorrow + dt.timedelta(hours=1))
    assert sync.sync(REP.user_id).updated == 1
    assert google.writes == writes  # applying a remote change does not push it back
    with ctx.reading() as uow:
        subjects = {
            s.activity.subject for s in uow.activities.in_range(tomorrow, tomorrow + dt.timedelta(days=1))
        }
    assert subjects == {"Lunch moved", "Quarterly review"}

    use_cases.update_activity(
        ctx, REP, local.id, replace(ActivityForm(), subject="Review (room 4)"), ["subject"]
    )
    assert sync.sync(REP.user_id).pushed == 1
    assert {e.summary for e in google.live(CAL)} == {"Lunch moved", "Review (room 4)"}

    google.expire_sync_tokens()
    google.delete(CAL, remote.id)
    resync = sync.sync(REP.user_id)
    assert resync.full_resync
    assert resync.cancelled == 1

    use_cases.cancel_activity(ctx, REP, local.id, "postponed", None)
    assert sync.sync(REP.user_id).deleted == 1
    assert google.live(CAL) == []


def test_push_channels_are_renewed_before_they_expire(service: ActivitiesUnderTest) -> None:
    now = dt.datetime(2026, 4, 1, tzinfo=UTC)
    google = FakeCalendarProvider(clock=lambda: now)
    ctx = replace(service.service.context, clock=lambda: now)
    sync = CalendarSync(
        ctx, google, push_address="https://crm.example/hooks/google", renew_before=dt.timedelta(days=1)
    )
    sync.connect(REP.user_id, CAL)
    first = sync.renew_channel(REP.user_id)
    assert first is not None
    assert sync.renew_channel(REP.user_id) is None  # fresh
    now = first.expires_at - dt.timedelta(hours=12)
    ctx = replace(ctx, clock=lambda: now)
    second = CalendarSync(ctx, google, push_address=sync.push_address).renew_channel(REP.user_id)
    assert second is not None
    assert list(google.channels) == [second.id]  # the old one stopped after the new one opened
