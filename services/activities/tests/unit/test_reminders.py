"""Reminder planning: limits, keys, re-planning after a move."""

from __future__ import annotations

import datetime as dt

import pytest
from activities.domain.reminders import Channel, OccurrenceTime, ReminderRule, plan, reminder_rules, replan
from chassis.errors import InvalidArgument

UTC = dt.UTC
NOW = dt.datetime(2026, 4, 7, 1, 0, tzinfo=UTC)


def test_at_most_five_reminders() -> None:
    with pytest.raises(InvalidArgument) as error:
        reminder_rules([("email", m) for m in range(6)])
    assert error.value.violations[0].field == "reminders"


def test_bad_channel_and_offset_name_the_item() -> None:
    with pytest.raises(InvalidArgument) as error:
        reminder_rules([("email", 10), ("sms", 5), ("in_app", -1), ("email", 10)])
    assert [v.field for v in error.value.violations] == [
        "reminders[1].channel",
        "reminders[2].minutes_before",
        "reminders[3]",
    ]


def test_one_reminder_per_occurrence_recipient_channel_and_offset() -> None:
    start = NOW + dt.timedelta(hours=2)
    rules = reminder_rules([("email", 30), ("in_app", 10)])
    planned = plan("act_1", [OccurrenceTime(start, start)], ["malee", "anan"], rules, NOW)
    assert len(planned) == 4
    assert len({p.key for p in planned}) == 4
    assert {p.due_at for p in planned} == {start - dt.timedelta(minutes=30), start - dt.timedelta(minutes=10)}


def test_a_reminder_whose_moment_passed_is_due_now_while_the_occurrence_is_ahead() -> None:
    start = NOW + dt.timedelta(minutes=5)
    planned = plan("a", [OccurrenceTime(start, start)], ["malee"], [ReminderRule(Channel.EMAIL, 15)], NOW)
    assert [p.due_at for p in planned] == [NOW]
    past = NOW - dt.timedelta(minutes=1)
    assert plan("a", [OccurrenceTime(past, past)], ["malee"], [ReminderRule(Channel.EMAIL, 15)], NOW) == []


def test_moving_replans_unsent_reminders_and_never_repeats_a_sent_key() -> None:
    start = NOW + dt.timedelta(hours=2)
    rules = reminder_rules([("email", 60), ("in_app", 10)])
    first = plan("a", [OccurrenceTime(start, start)], ["malee"], rules, NOW)
    sent = {p.key for p in first if p.minutes_before == 60}
    later = start + dt.timedelta(hours=3)
    again = replan(plan("a", [OccurrenceTime(start, later)], ["malee"], rules, NOW), sent)
    assert [(p.minutes_before, p.due_at) for p in again] == [(10, later - dt.timedelta(minutes=10))]
