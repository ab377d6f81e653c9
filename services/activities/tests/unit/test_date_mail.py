"""When a date rule is due: worked examples in Bangkok (no DST), New York (DST) and 29 February."""

from __future__ import annotations

import datetime as dt

import pytest
from activities.domain.date_mail import (
    DateField,
    Recurrence,
    RuleForm,
    date_in_year,
    due_at,
    occurrences,
    parse_rule,
)
from chassis.errors import InvalidArgument

NOON = dt.time(9, 0)
UTC = dt.UTC


def bkk(date: dt.date, year: int, offset: int = 0, at: dt.time = NOON) -> dt.datetime | None:
    return due_at(date, year, annual=True, offset_days=offset, send_time=at, zone="Asia/Bangkok")


def test_birthday_ignores_the_year_and_is_due_at_nine_bangkok() -> None:
    assert bkk(dt.date(1985, 4, 7), 2026) == dt.datetime(2026, 4, 7, 2, 0, tzinfo=UTC)


def test_a_negative_offset_can_fall_in_the_previous_year() -> None:
    # A greeting a week before a 3 January birthday goes out on 27 December (of 2026 for 2027's).
    assert bkk(dt.date(1990, 1, 3), 2027, offset=-7) == dt.datetime(2026, 12, 27, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2027, dt.date(2027, 2, 28)), (2028, dt.date(2028, 2, 29)), (2100, dt.date(2100, 2, 28))],
)
def test_29_february_is_sent_on_28_february_in_years_without_one(year: int, expected: dt.date) -> None:
    assert date_in_year(dt.date(2000, 2, 29), year) == expected
    at = bkk(dt.date(2000, 2, 29), year)
    assert at is not None
    assert at.astimezone(dt.timezone(dt.timedelta(hours=7))).date() == expected


def test_29_february_plus_one_day_is_1_march_in_a_common_year() -> None:
    assert bkk(dt.date(2000, 2, 29), 2027, offset=1) == dt.datetime(2027, 3, 1, 2, 0, tzinfo=UTC)


def test_new_york_nine_o_clock_follows_daylight_saving() -> None:
    ny = dict(annual=True, offset_days=0, send_time=NOON, zone="America/New_York")
    # 7 March 2026 is EST (UTC-5), 8 March is EDT (UTC-4): both at 09:00 local.
    assert due_at(dt.date(1980, 3, 7), 2026, **ny) == dt.datetime(2026, 3, 7, 14, 0, tzinfo=UTC)  # type: ignore[arg-type]
    assert due_at(dt.date(1980, 3, 8), 2026, **ny) == dt.datetime(2026, 3, 8, 13, 0, tzinfo=UTC)  # type: ignore[arg-type]


def test_a_send_time_skipped_by_dst_moves_forward_and_a_repeated_one_takes_the_first() -> None:
    gap = due_at(
        dt.date(1980, 3, 8),
        2026,
        annual=True,
        offset_days=0,
        send_time=dt.time(2, 30),
        zone="America/New_York",
    )
    assert gap == dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT
    repeated = due_at(
        dt.date(1980, 11, 1),
        2026,
        annual=True,
        offset_days=0,
        send_time=dt.time(1, 30),
        zone="America/New_York",
    )
    assert repeated == dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # the first 01:30 (EDT)


def test_a_contract_end_happens_only_in_its_own_year() -> None:
    end = dt.date(2026, 6, 30)
    kw = dict(annual=False, offset_days=-30, send_time=NOON, zone="Asia/Bangkok")
    assert due_at(end, 2026, **kw) == dt.datetime(2026, 5, 31, 2, 0, tzinfo=UTC)  # type: ignore[arg-type]
    assert due_at(end, 2027, **kw) is None  # type: ignore[arg-type]


def test_occurrences_lists_each_send_inside_the_window_with_its_year() -> None:
    found = list(
        occurrences(
            dt.date(1990, 1, 3),
            annual=True,
            offset_days=-7,
            send_time=NOON,
            zone="Asia/Bangkok",
            start=dt.datetime(2026, 12, 1, tzinfo=UTC),
            end=dt.datetime(2027, 12, 1, tzinfo=UTC),
        )
    )
    assert found == [(2027, dt.datetime(2026, 12, 27, 2, 0, tzinfo=UTC))]


def test_once_rules_have_one_key_whatever_the_year() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    once = parse_rule(
        RuleForm(name="Hi", field="birthday", recurrence="once"), "r1", "Asia/Bangkok", "u", now
    )
    yearly = parse_rule(RuleForm(name="Hi", field="birthday"), "r2", "Asia/Bangkok", "u", now)
    assert once.key("contact", "c1", "c1", 2026) == once.key("contact", "c1", "c1", 2027)
    assert yearly.key("contact", "c1", "c1", 2026) != yearly.key("contact", "c1", "c1", 2027)
    assert yearly.recurrence is Recurrence.YEARLY
    assert yearly.template == "birthday"
    assert yearly.send_time == NOON
    assert yearly.time_zone == "Asia/Bangkok"


def test_bad_rules_name_every_field() -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_rule(
            RuleForm(
                name="",
                field="contract_end",
                offset_days=400,
                send_time="25:00",
                time_zone="Mars/Base",
                template="nope",
                language="fr",
                recurrence="yearly",
            ),
            "r",
            "Asia/Bangkok",
            "u",
            dt.datetime(2026, 1, 1, tzinfo=UTC),
        )
    fields = {v.field for v in caught.value.violations}
    assert fields == {"name", "offset_days", "send_time", "time_zone", "template", "language", "recurrence"}


def test_contract_end_is_service_mail_and_birthdays_are_marketing() -> None:
    assert not DateField.CONTRACT_END.marketing
    assert DateField.BIRTHDAY.marketing
