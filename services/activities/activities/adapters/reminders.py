"""Planned reminders and in-app notifications in the database.

Delivery is exactly once because the reminder's conditional UPDATE (`status='planned'` →
`sent`) and its effect (the notification row, or the mail-outbox row with the reminder key
as dedupe key) commit in one transaction: two schedulers (replicas, or one before and after a
restart) can both see a due row, but only the one whose UPDATE changed it goes on; the other's
UPDATE matches nothing (PostgreSQL re-checks the condition after the first commits; SQLite
writes under BEGIN IMMEDIATE).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from activities.adapters import tables as t
from activities.adapters.activities import aware
from activities.domain.reminders import Channel, PlannedReminder

PLANNED = "planned"
SENT = "sent"
SKIPPED = "skipped"


@dataclass(frozen=True)
class DueReminder:
    key: str
    activity_id: str
    occurrence_start: dt.datetime
    recipient_id: str
    channel: Channel
    minutes_before: int
    starts_at: dt.datetime


class ReminderStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def sent_keys(self, activity_id: str) -> set[str]:
        rows = self.session.execute(
            select(t.reminders.c.key).where(
                t.reminders.c.activity_id == activity_id, t.reminders.c.status != PLANNED
            )
        )
        return {r.key for r in rows}

    def replace_planned(self, activity_id: str, planned: Sequence[PlannedReminder]) -> None:
        """Drops the activity's unsent reminders and stores `planned` (keys already sent or
        skipped are left alone: insert-or-ignore on the key)."""
        self.session.execute(
            delete(t.reminders).where(
                t.reminders.c.activity_id == activity_id, t.reminders.c.status == PLANNED
            )
        )
        self.add_planned(planned)

    def add_planned(self, planned: Sequence[PlannedReminder]) -> int:
        if not planned:
            return 0
        dialect = self.session.get_bind().dialect.name
        statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(t.reminders)
        result = self.session.execute(
            statement.values(
                [
                    {
                        "key": p.key,
                        "activity_id": p.activity_id,
                        "occurrence_start": p.occurrence_start,
                        "recipient_id": p.recipient_id,
                        "channel": p.channel.value,
                        "minutes_before": p.minutes_before,
                        "due_at": p.due_at,
                        "starts_at": p.starts_at,
                        "status": PLANNED,
                    }
                    for p in planned
                ]
            ).on_conflict_do_nothing(index_elements=["key"])
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def drop_planned(self, activity_id: str) -> None:
        self.session.execute(
            delete(t.reminders).where(
                t.reminders.c.activity_id == activity_id, t.reminders.c.status == PLANNED
            )
        )

    def due(self, now: dt.datetime, limit: int) -> list[DueReminder]:
        rows = self.session.execute(
            select(t.reminders)
            .where(t.reminders.c.status == PLANNED, t.reminders.c.due_at <= now)
            .order_by(t.reminders.c.due_at, t.reminders.c.key)
            .limit(limit)
        )
        return [
            DueReminder(
                r.key,
                r.activity_id,
                aware(r.occurrence_start),
                r.recipient_id,
                Channel(r.channel),
                r.minutes_before,
                aware(r.starts_at),
            )
            for r in rows
        ]

    def claim(self, key: str, now: dt.datetime, status: str = SENT) -> bool:
        """The conditional UPDATE that gives a due reminder to exactly one scheduler."""
        result = self.session.execute(
            update(t.reminders)
            .where(and_(t.reminders.c.key == key, t.reminders.c.status == PLANNED))
            .values(status=status, sent_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    def count(self, status: str) -> int:
        return int(
            self.session.execute(
                select(func.count()).select_from(t.reminders).where(t.reminders.c.status == status)
            ).scalar_one()
        )
