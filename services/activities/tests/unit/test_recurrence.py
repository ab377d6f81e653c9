"""Recurrence: local wall-clock times across DST, exceptions, splitting, refused rules."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from activities.domain.recurrence import OccurrenceChange, Series, series
from chassis.errors import InvalidArgument

UTC = dt.UTC
NY = ZoneInfo("America/New_York")
WIDE = (dt.datetime(2020, 1, 1, tzinfo=UTC), dt.datetime(2030, 1, 1, tzinfo=UTC))


def weekly_new_york(count: int = 4) -> Series:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=NY)
    return series(start, start + dt.timedelta(hours=1), "America/New_York", f"FREQ=WEEKLY;COUNT={count}")


def test_weekly_nine_oclock_new_york_stays_nine_local_across_march_dst() -> None:
    s = weekly_new_york()
    found = s.occurrences(*WIDE)
    assert [o.start.astimezone(NY).hour for o in found] == [9, 9, 9, 9]
    # 8 March 2026 is the change: 14:00Z before it, 13:00Z after.
    assert [o.start.strftime("%m-%d %H:%M") for o in found] == [
        "03-02 14:00",
        "03-09 13:00",
        "03-16 13:00",
        "03-23 13:00",
    ]


def test_bangkok_has_no_dst_and_utc_time_stays_put() -> None:
    bkk = ZoneInfo("Asia/Bangkok")
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=bkk)
    s = series(start, start + dt.timedelta(hours=1), "Asia/Bangkok", "FREQ=DAILY;COUNT=10")
    assert {o.start.hour for o in s.occurrences(*WIDE)} == {2}


def test_expansion_is_limited_to_the_window() -> None:
    s = weekly_new_york(52)
    window = (dt.datetime(2026, 3, 10, tzinfo=UTC), dt.datetime(2026, 3, 24, tzinfo=UTC))
    assert [o.start.day for o in s.occurrences(*window)] == [16, 23]


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("FREQ=WEEKLY", "never ends"),
        ("FREQ=WEEKLY;BYDAY=MO", "never ends"),
        ("FREQ=HOURLY;COUNT=3", "FREQ must be"),
        ("FREQ=WEEKLY;COUNT=5000", "COUNT must be"),
        ("FREQ=WEEKLY;COUNT=2;UNTIL=20260401T000000Z", "not both"),
        ("FREQ=WEEKLY;UNTIL=20400101T000000Z", "five years"),
        ("FREQ=WEEKLY;FOO=1;COUNT=2", "not supported"),
        ("FREQ=WEEKLY;BYDAY=XX;COUNT=2", "not a valid RRULE"),
    ],
)
def test_bad_rules_name_the_field(rule: str, reason: str) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=NY)
    with pytest.raises(InvalidArgument) as error:
        series(start, start + dt.timedelta(hours=1), "America/New_York", rule)
    assert error.value.violations[0].field == "recurrence.rrule"
    assert reason in error.value.violations[0].reason


def test_until_in_utc_is_inclusive() -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=NY)
    s = series(start, start + dt.timedelta(hours=1), "America/New_York", "FREQ=WEEKLY;UNTIL=20260316T130000Z")
    assert len(s.occurrences(*WIDE)) == 3


def test_editing_one_occurrence_moves_only_that_one() -> None:
    s = weekly_new_york()
    second = list(s.original_starts())[1]
    moved = s.with_exception(
        second, OccurrenceChange(start=second + dt.timedelta(hours=2), end=second + dt.timedelta(hours=3))
    )
    found = moved.occurrences(*WIDE)
    assert [o.start.astimezone(NY).hour for o in found] == [9, 11, 9, 9]
    assert found[1].original_start == second
    assert found[1].moved


def test_an_occurrence_moved_into_the_window_is_found() -> None:
    s = weekly_new_york()
    last = list(s.original_starts())[3]
    early = dt.datetime(2026, 3, 3, 15, tzinfo=UTC)
    moved = s.with_exception(last, OccurrenceChange(start=early, end=early + dt.timedelta(hours=1)))
    window = (dt.datetime(2026, 3, 3, tzinfo=UTC), dt.datetime(2026, 3, 4, tzinfo=UTC))
    assert [o.original_start for o in moved.occurrences(*window)] == [last]


def test_an_unknown_occurrence_is_refused() -> None:
    s = weekly_new_york()
    with pytest.raises(InvalidArgument) as error:
        s.with_exception(dt.datetime(2026, 3, 3, tzinfo=UTC), OccurrenceChange(status="cancelled"))
    assert error.value.violations[0].field == "occurrence_start"


def test_this_and_following_splits_the_series_and_keeps_the_count() -> None:
    s = weekly_new_york(6)
    originals = list(s.original_starts())
    head, tail = s.split_at(originals[2])
    assert [o.original_start for o in head.occurrences(*WIDE)] == originals[:2]
    assert [o.original_start for o in tail.occurrences(*WIDE)] == originals[2:]
    assert "COUNT=4" in tail.rule
    assert "UNTIL=" in head.rule


def test_start_that_the_rule_does_not_produce_is_refused() -> None:
    start = dt.datetime(2026, 3, 3, 9, 0, tzinfo=NY)  # a Tuesday
    with pytest.raises(InvalidArgument) as error:
        series(start, start + dt.timedelta(hours=1), "America/New_York", "FREQ=WEEKLY;BYDAY=MO;COUNT=3")
    assert error.value.violations[0].field == "start_time"
