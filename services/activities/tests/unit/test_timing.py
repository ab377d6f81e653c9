"""Time rules with worked times in several zones."""

from __future__ import annotations

import datetime as dt

import pytest
from activities.domain.timing import (
    CalendarView,
    DueState,
    all_day,
    due_state,
    timed,
    view_window,
    zone_of,
)
from chassis.errors import InvalidArgument

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("due", "now", "zone", "state"),
    [
        # 17:30Z on the 6th is 00:30 on the 7th in Bangkok (+07): due today.
        ("2026-04-07", "2026-04-06T17:30:00+00:00", "Asia/Bangkok", DueState.TODAY),
        # The same instant in New York (-04) is still the 6th: planned.
        ("2026-04-07", "2026-04-06T17:30:00+00:00", "America/New_York", DueState.PLANNED),
        # 16:59Z on the 6th is 23:59 on the 6th in Bangkok: still planned.
        ("2026-04-07", "2026-04-06T16:59:00+00:00", "Asia/Bangkok", DueState.PLANNED),
        # Auckland (+12) is already on the 8th at 12:30Z on the 7th: overdue.
        ("2026-04-07", "2026-04-07T12:30:00+00:00", "Pacific/Auckland", DueState.OVERDUE),
        ("2026-04-07", "2026-04-07T12:30:00+00:00", "Asia/Bangkok", DueState.TODAY),
    ],
)
def test_a_task_is_judged_in_its_owners_zone(due: str, now: str, zone: str, state: DueState) -> None:
    assert due_state(dt.date.fromisoformat(due), at(now), zone) is state


def test_timed_activity_is_stored_in_utc_with_its_zone() -> None:
    span = timed(at("2026-04-07T09:00:00+07:00"), at("2026-04-07T10:00:00+07:00"), "Asia/Bangkok")
    assert span.start == dt.datetime(2026, 4, 7, 2, 0, tzinfo=UTC)
    assert span.local_start().hour == 9
    assert span.zone == "Asia/Bangkok"


def test_end_before_start_names_end_time() -> None:
    with pytest.raises(InvalidArgument) as error:
        timed(at("2026-04-07T10:00:00+07:00"), at("2026-04-07T09:00:00+07:00"), "Asia/Bangkok")
    assert error.value.violations[0].field == "end_time"


@pytest.mark.parametrize("name", ["Asia/Bangkokk", "", "../etc/passwd", "Mars/Olympus"])
def test_unknown_zone_names_the_field(name: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        zone_of(name)
    assert error.value.violations[0].field == "time_zone"


def test_naive_time_is_refused() -> None:
    with pytest.raises(InvalidArgument) as error:
        timed(dt.datetime(2026, 4, 7, 9), dt.datetime(2026, 4, 7, 10), "Asia/Bangkok")
    assert error.value.violations[0].field == "start_time"


def test_all_day_end_is_exclusive_and_defaults_to_next_day() -> None:
    day = all_day(dt.date(2026, 4, 13), None, "Asia/Bangkok")
    assert day.end == dt.date(2026, 4, 14)
    assert day.instants() == (at("2026-04-12T17:00:00+00:00"), at("2026-04-13T17:00:00+00:00"))
    with pytest.raises(InvalidArgument) as error:
        all_day(dt.date(2026, 4, 13), dt.date(2026, 4, 13), "Asia/Bangkok")
    assert error.value.violations[0].field == "end_date"


def test_week_view_across_the_us_dst_change_is_167_hours() -> None:
    start, end = view_window(CalendarView.WEEK, dt.date(2026, 3, 11), "America/New_York")
    assert start == at("2026-03-09T04:00:00+00:00")  # Monday 00:00 EDT
    start, end = view_window(CalendarView.WEEK, dt.date(2026, 3, 4), "America/New_York")
    assert start == at("2026-03-02T05:00:00+00:00")  # Monday 00:00 EST
    assert end - start == dt.timedelta(hours=167)


def test_day_and_month_views_start_at_local_midnight() -> None:
    assert view_window(CalendarView.DAY, dt.date(2026, 4, 7), "Asia/Bangkok") == (
        at("2026-04-06T17:00:00+00:00"),
        at("2026-04-07T17:00:00+00:00"),
    )
    start, end = view_window(CalendarView.MONTH, dt.date(2026, 2, 14), "Asia/Bangkok")
    assert (start, end) == (at("2026-01-31T17:00:00+00:00"), at("2026-02-28T17:00:00+00:00"))
