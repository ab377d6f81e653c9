"""Business calendars: validation, choice, and business-minute arithmetic with worked times."""

import datetime as dt

import pytest
from chassis.errors import InvalidArgument
from hypothesis import given, settings
from hypothesis import strategies as st
from service_desk.domain.calendars import (
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    Holiday,
    WorkingWindow,
    add_business_minutes,
    business_calendar,
    business_days_after,
    business_minutes_between,
    choose_calendar,
    parse_clock,
    with_holidays_for_year,
)
from service_desk.testing import BANGKOK, bkk
from service_desk.testing import office_business_calendar as office_calendar


def test_the_issue_example_response_due_tuesday_nine(office: BusinessCalendar) -> None:
    due = add_business_minutes(office, bkk(2026, 4, 3, 16, 0), 120)
    assert due == bkk(2026, 4, 7, 9, 0)
    assert business_minutes_between(office, bkk(2026, 4, 3, 16, 0), due) == 120


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        (bkk(2026, 4, 7, 9, 0), 0, bkk(2026, 4, 7, 9, 0)),
        (bkk(2026, 4, 7, 9, 0), 60, bkk(2026, 4, 7, 10, 0)),
        # across lunch: 11:30 + 60 → 30 before lunch, 30 after 13:00
        (bkk(2026, 4, 7, 11, 30), 60, bkk(2026, 4, 7, 13, 30)),
        # ending exactly at a close gives the close, not the next opening
        (bkk(2026, 4, 7, 11, 0), 60, bkk(2026, 4, 7, 12, 0)),
        # during lunch the clock waits until 13:00
        (bkk(2026, 4, 7, 12, 15), 10, bkk(2026, 4, 7, 13, 10)),
        # before opening and after closing
        (bkk(2026, 4, 7, 6, 0), 15, bkk(2026, 4, 7, 8, 45)),
        (bkk(2026, 4, 7, 19, 0), 15, bkk(2026, 4, 8, 8, 45)),
        # Saturday start waits for Monday (2026-04-13 is an ordinary Monday)
        (bkk(2026, 4, 11, 10, 0), 30, bkk(2026, 4, 13, 9, 0)),
        # a full day is 480 minutes: Tue 08:30 + 480 → Tue 17:30
        (bkk(2026, 4, 7, 8, 30), 480, bkk(2026, 4, 7, 17, 30)),
        # three weeks and a bit from Tue: 15 business days (7,200) + 30
        (bkk(2026, 4, 7, 8, 30), 15 * 480 + 30, bkk(2026, 4, 28, 9, 0)),
        # over the holiday Monday from the Friday before
        (bkk(2026, 4, 3, 17, 0), 480, bkk(2026, 4, 7, 17, 0)),
    ],
)
def test_adding_business_minutes(
    office: BusinessCalendar, start: dt.datetime, minutes: int, due: dt.datetime
) -> None:
    assert add_business_minutes(office, start, minutes) == due


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        (bkk(2026, 4, 7, 9, 0), bkk(2026, 4, 7, 9, 0), 0),
        (bkk(2026, 4, 7, 10, 0), bkk(2026, 4, 7, 9, 0), 0),
        (bkk(2026, 4, 7, 11, 0), bkk(2026, 4, 7, 14, 0), 120),
        (bkk(2026, 4, 7, 12, 10), bkk(2026, 4, 7, 12, 50), 0),
        (bkk(2026, 4, 3, 17, 0), bkk(2026, 4, 7, 9, 0), 60),
        # a whole ordinary week is 5 × 480
        (bkk(2026, 4, 13, 0, 0), bkk(2026, 4, 20, 0, 0), 2400),
        # four weeks from the Friday of the holiday weekend: 20 days less the holiday
        (bkk(2026, 4, 3, 0, 0), bkk(2026, 5, 1, 0, 0), 19 * 480),
    ],
)
def test_business_minutes_between(
    office: BusinessCalendar, start: dt.datetime, end: dt.datetime, minutes: int
) -> None:
    assert business_minutes_between(office, start, end) == minutes


def test_a_part_day_holiday_closes_only_its_hours() -> None:
    # New Year's Eve afternoon off: Wed 2026-12-30 13:00–17:30 closed
    calendar = office_calendar(Holiday(dt.date(2026, 12, 30), "afternoon off", 13 * 60, 17 * 60 + 30))
    assert add_business_minutes(calendar, bkk(2026, 12, 30, 11, 0), 90) == bkk(2026, 12, 31, 9, 0)
    assert calendar.is_business_day(dt.date(2026, 12, 30))


def test_instants_from_another_zone_are_read_in_the_calendar_zone(office: BusinessCalendar) -> None:
    start = dt.datetime(2026, 4, 3, 9, 0, tzinfo=dt.UTC)  # 16:00 in Bangkok
    assert add_business_minutes(office, start, 120) == bkk(2026, 4, 7, 9, 0)


def test_daylight_saving_counts_real_time() -> None:
    # New York springs forward on Sun 2026-03-08 at 02:00; a 24×7 local calendar there has
    # 23 real hours that day.
    windows = [WorkingWindow(day, 0, 1440) for day in range(7)]
    calendar = business_calendar("ny", "New York", "America/New_York", windows)
    start = dt.datetime(2026, 3, 8, 0, 0, tzinfo=calendar.tz)
    end = dt.datetime(2026, 3, 9, 0, 0, tzinfo=calendar.tz)
    assert business_minutes_between(calendar, start, end) == 23 * 60
    assert add_business_minutes(calendar, start, 23 * 60) == end


def test_calendar_choice_runs_policy_team_company_then_round_the_clock(office: BusinessCalendar) -> None:
    team = office_calendar()
    assert choose_calendar(office, team, None) is office
    assert choose_calendar(None, team, office) is team
    assert choose_calendar(None, None, office) is office
    assert choose_calendar(None, None, None) is TWENTY_FOUR_SEVEN
    start = dt.datetime(2026, 4, 4, 23, 0, tzinfo=dt.UTC)
    assert add_business_minutes(TWENTY_FOUR_SEVEN, start, 120) == start + dt.timedelta(hours=2)


def test_overlapping_windows_are_refused_naming_the_later_one() -> None:
    windows = [WorkingWindow.of(0, "08:30", "12:00"), WorkingWindow.of(0, "11:00", "17:30")]
    with pytest.raises(InvalidArgument) as caught:
        business_calendar("c", "Office", "Asia/Bangkok", windows)
    assert [v.field for v in caught.value.violations] == ["windows[1]"]
    assert "overlaps windows[0]" in caught.value.violations[0].reason


@pytest.mark.parametrize(
    ("zone", "windows", "holidays", "fields"),
    [
        ("Asia/Bangkok", [], [], ["windows"]),
        ("Mars/Olympus", [WorkingWindow(0, 0, 60)], [], ["zone"]),
        ("Asia/Bangkok", [WorkingWindow(7, 0, 60)], [], ["windows[0].weekday"]),
        ("Asia/Bangkok", [WorkingWindow(0, 600, 540)], [], ["windows[0]"]),
        (
            "Asia/Bangkok",
            [WorkingWindow(0, 0, 60)],
            [Holiday(dt.date(2026, 4, 13)), Holiday(dt.date(2026, 4, 13), "", 600, 660)],
            ["holidays[1]"],
        ),
        (
            "Asia/Bangkok",
            [WorkingWindow(0, 0, 60)],
            [Holiday(dt.date(2026, 4, 13), "", 700, 600)],
            ["holidays[0]"],
        ),
    ],
)
def test_bad_calendars_name_their_fields(
    zone: str, windows: list[WorkingWindow], holidays: list[Holiday], fields: list[str]
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        business_calendar("c", "Office", zone, windows, holidays)
    assert [v.field for v in caught.value.violations] == fields


@pytest.mark.parametrize(("text", "minute"), [("08:30", 510), ("00:00", 0), ("24:00", 1440)])
def test_clock_texts(text: str, minute: int) -> None:
    assert parse_clock(text) == minute


@pytest.mark.parametrize("text", ["8", "24:01", "12:60", "ab:cd", "12:5"])
def test_bad_clock_texts(text: str) -> None:
    with pytest.raises(ValueError, match=r"time of day|between"):
        parse_clock(text)


def test_a_years_holidays_are_replaced_and_others_kept(office: BusinessCalendar) -> None:
    songkran = [Holiday(dt.date(2027, 4, 13), "สงกรานต์"), Holiday(dt.date(2027, 4, 14), "สงกรานต์")]
    updated = with_holidays_for_year(office, 2027, songkran)
    assert [h.date for h in updated.holidays] == [
        dt.date(2026, 4, 6),
        dt.date(2027, 4, 13),
        dt.date(2027, 4, 14),
    ]
    again = with_holidays_for_year(updated, 2027, [Holiday(dt.date(2027, 4, 15))])
    assert [h.date for h in again.holidays] == [dt.date(2026, 4, 6), dt.date(2027, 4, 15)]
    with pytest.raises(InvalidArgument, match=r"holidays\[0\]\.date"):
        with_holidays_for_year(office, 2027, [Holiday(dt.date(2026, 5, 1))])


def test_business_days_after_skip_weekends_and_holidays(office: BusinessCalendar) -> None:
    # resolved Thu 2026-04-02: Fri 3, (Mon 6 holiday) Tue 7, Wed 8, Thu 9 → closes Thu 17:30
    assert business_days_after(office, bkk(2026, 4, 2, 15, 0), 4) == bkk(2026, 4, 9, 17, 30)


_SIX_MONTHS_MINUTES = st.integers(min_value=0, max_value=480 * 130)
_STARTS = st.datetimes(
    min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.just(BANGKOK)
)


@settings(max_examples=150, deadline=None)
@given(start=_STARTS, minutes=_SIX_MONTHS_MINUTES)
def test_adding_then_measuring_gives_the_minutes_back(start: dt.datetime, minutes: int) -> None:
    calendar = office_calendar(
        Holiday(dt.date(2026, 4, 6)),
        Holiday(dt.date(2026, 4, 13)),
        Holiday(dt.date(2026, 12, 31), "", 780, 1050),
    )
    start = start.replace(second=0, microsecond=0)
    due = add_business_minutes(calendar, start, minutes)
    assert business_minutes_between(calendar, start, due) == minutes
    if minutes:
        # the due instant is the earliest: a minute earlier is a minute short
        assert business_minutes_between(calendar, start, due - dt.timedelta(minutes=1)) == minutes - 1


@settings(max_examples=100, deadline=None)
@given(start=_STARTS, middle=st.integers(0, 60 * 24 * 40), end=st.integers(0, 60 * 24 * 40))
def test_business_minutes_add_up_over_consecutive_spans(start: dt.datetime, middle: int, end: int) -> None:
    calendar = office_calendar(Holiday(dt.date(2026, 4, 6)), Holiday(dt.date(2027, 1, 1)))
    start = start.replace(second=0, microsecond=0)
    mid = start + dt.timedelta(minutes=middle)
    last = mid + dt.timedelta(minutes=end)
    assert business_minutes_between(calendar, start, mid) + business_minutes_between(
        calendar, mid, last
    ) == business_minutes_between(calendar, start, last)
