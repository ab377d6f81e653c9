"""Reminder planning: up to five rules per activity (e-mail or in-app, some minutes before),
turned into planned reminders for each occurrence and recipient.

A planned reminder's key is (activity, occurrence, recipient, channel, minutes before); the
store keeps it unique and marks it sent in the transaction that queues the mail or writes
the notification, so each key is delivered exactly once. Re-planning after a move replaces
only the keys not yet sent: an already sent key is never planned again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from chassis.errors import InvalidArgument, ViolationCollector

MAX_REMINDERS = 5
# The occurrence key of an activity that does not recur: it has one occurrence whatever its
# time, so moving it keeps the keys of reminders already sent.
SINGLE_OCCURRENCE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Four weeks: a reminder earlier than that is a planning note, not a reminder.
MAX_MINUTES_BEFORE = 28 * 24 * 60


class Channel(StrEnum):
    EMAIL = "email"
    IN_APP = "in_app"


@dataclass(frozen=True)
class ReminderRule:
    channel: Channel
    minutes_before: int


def reminder_rules(raw: Iterable[tuple[str, int]]) -> tuple[ReminderRule, ...]:
    """Validated rules from (channel, minutes) pairs; names the offending `reminders[i]`."""
    items = list(raw)
    if len(items) > MAX_REMINDERS:
        raise InvalidArgument("reminders", f"at most {MAX_REMINDERS} reminders per activity")
    errors = ViolationCollector()
    rules: list[ReminderRule] = []
    for index, (channel, minutes) in enumerate(items):
        try:
            kind = Channel(channel)
        except ValueError:
            errors.add(f"reminders[{index}].channel", "must be email or in_app")
            continue
        if not 0 <= minutes <= MAX_MINUTES_BEFORE:
            errors.add(f"reminders[{index}].minutes_before", f"must be 0 to {MAX_MINUTES_BEFORE}")
            continue
        rule = ReminderRule(kind, minutes)
        if rule in rules:
            errors.add(f"reminders[{index}]", "is given twice")
            continue
        rules.append(rule)
    errors.raise_if_any()
    return tuple(rules)


@dataclass(frozen=True)
class PlannedReminder:
    """One reminder to deliver: for which occurrence (its original start), to whom, how, when."""

    activity_id: str
    occurrence_start: dt.datetime
    recipient_id: str
    channel: Channel
    minutes_before: int
    due_at: dt.datetime
    # The occurrence's actual start (differs from occurrence_start when it was moved).
    starts_at: dt.datetime

    @property
    def key(self) -> str:
        """Unique per (occurrence, recipient, channel, offset): the exactly-once key."""
        stamp = (
            "single"
            if self.occurrence_start == SINGLE_OCCURRENCE
            else self.occurrence_start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        )
        return f"{self.activity_id}:{stamp}:{self.recipient_id}:{self.channel.value}:{self.minutes_before}"


@dataclass(frozen=True)
class OccurrenceTime:
    original_start: dt.datetime
    start: dt.datetime


def plan(
    activity_id: str,
    occurrences: Sequence[OccurrenceTime],
    recipients: Sequence[str],
    rules: Sequence[ReminderRule],
    now: dt.datetime,
) -> list[PlannedReminder]:
    """The reminders still to come: one per occurrence × recipient × rule whose occurrence has
    not started yet (a reminder whose moment passed while the occurrence is still ahead is
    due at once, so a meeting created 5 minutes ahead still gets its 15-minute reminder)."""
    planned: list[PlannedReminder] = []
    for occurrence in occurrences:
        if occurrence.start <= now:
            continue
        for recipient in recipients:
            for rule in rules:
                planned.append(
                    PlannedReminder(
                        activity_id=activity_id,
                        occurrence_start=occurrence.original_start,
                        recipient_id=recipient,
                        channel=rule.channel,
                        minutes_before=rule.minutes_before,
                        due_at=max(occurrence.start - dt.timedelta(minutes=rule.minutes_before), now),
                        starts_at=occurrence.start,
                    )
                )
    return planned


def replan(planned: Sequence[PlannedReminder], sent_keys: Iterable[str]) -> list[PlannedReminder]:
    """What to store after a change: the new plan without the keys already sent."""
    sent = set(sent_keys)
    return [reminder for reminder in planned if reminder.key not in sent]
