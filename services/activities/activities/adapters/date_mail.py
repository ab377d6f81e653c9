"""Date mail rules, the dates they look at, their sends (one row per exactly-once key), and
marketing consent with its log and unsubscribe tokens, in the database.

A send is delivered once because the scheduler's conditional UPDATE (`status='planned'` →
`sent`/`skipped`) and its effect (the mail-outbox row, dedupe key = the send key) commit in
one transaction; a second scheduler's UPDATE of the same key matches nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from chassis.mail import FAILED, QUEUED
from sqlalchemy import Table, and_, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from activities.adapters import tables as t
from activities.adapters.activities import aware
from activities.domain.date_mail import DateField, DateMailRule, Recurrence

PLANNED = "planned"
SENT = "sent"
SKIPPED = "skipped"


@dataclass(frozen=True)
class MailDate:
    field: DateField
    subject_id: str
    recipient_kind: str
    recipient_id: str
    date: dt.date


@dataclass(frozen=True)
class PlannedSend:
    key: str
    rule_id: str
    field: str
    subject_id: str
    recipient_kind: str
    recipient_id: str
    year: int
    due_at: dt.datetime


@dataclass(frozen=True)
class ConsentEntry:
    granted: bool
    at: dt.datetime
    source: str
    actor: str
    note: str


def _upsert(session: Session, table: Table, values: dict[str, Any], keys: list[str]) -> int:
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    result = session.execute(statement.values(values).on_conflict_do_nothing(index_elements=keys))
    return int(getattr(result, "rowcount", 0) or 0)


def _rule(r: Any) -> DateMailRule:
    return DateMailRule(
        r.id, r.name, DateField(r.field), r.offset_days, dt.time.fromisoformat(r.send_time),
        r.time_zone, r.template, r.language, Recurrence(r.recurrence), r.active, r.version,
        aware(r.created_at), r.created_by,
    )  # fmt: skip


class DateMailStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- rules ---------------------------------------------------------------------------------

    def _rule_values(self, rule: DateMailRule) -> dict[str, Any]:
        return {
            "name": rule.name, "field": rule.field.value, "offset_days": rule.offset_days,
            "send_time": rule.send_time.strftime("%H:%M"), "time_zone": rule.time_zone,
            "template": rule.template, "language": rule.language, "recurrence": rule.recurrence.value,
            "active": rule.active, "version": rule.version,
        }  # fmt: skip

    def add_rule(self, rule: DateMailRule) -> None:
        self.session.execute(
            insert(t.date_mail_rules).values(
                id=rule.id,
                deleted=False,
                created_at=rule.created_at,
                created_by=rule.created_by,
                **self._rule_values(rule),
            )
        )

    def save_rule(self, rule: DateMailRule) -> None:
        self.session.execute(
            update(t.date_mail_rules)
            .where(t.date_mail_rules.c.id == rule.id)
            .values(**self._rule_values(rule))
        )

    def delete_rule(self, rule_id: str) -> None:
        """Soft delete: sends keep their rule id; planned sends are dropped."""
        self.session.execute(
            update(t.date_mail_rules)
            .where(t.date_mail_rules.c.id == rule_id)
            .values(deleted=True, active=False)
        )
        self.drop_planned(rule_id=rule_id)

    def rule(self, rule_id: str, *, for_update: bool = False) -> DateMailRule | None:
        c = t.date_mail_rules.c
        query = select(t.date_mail_rules).where(c.id == rule_id, c.deleted.is_(False))
        row = self.session.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _rule(row)

    def rules(self, *, active_only: bool = False) -> list[DateMailRule]:
        c = t.date_mail_rules.c
        query = select(t.date_mail_rules).where(c.deleted.is_(False))
        if active_only:
            query = query.where(c.active.is_(True))
        return [_rule(r) for r in self.session.execute(query.order_by(c.created_at, c.id))]

    # -- dates ---------------------------------------------------------------------------------

    def set_date(self, date: MailDate | None, field: DateField, subject_id: str, version: int) -> bool:
        """Stores (or with None removes) the date of a record; False when `version` is stale.
        A changed date drops the record's planned sends, so they are planned anew."""
        c = t.mail_dates.c
        where = and_(c.field == field.value, c.subject_id == subject_id)
        row = self.session.execute(select(t.mail_dates).where(where)).first()
        if row is not None and version and version <= row.version:
            return False
        same = (
            row is not None
            and date is not None
            and row.date == date.date
            and row.recipient_id == date.recipient_id
        )
        if same:
            self.session.execute(update(t.mail_dates).where(where).values(version=version))
            return True
        self.session.execute(delete(t.mail_dates).where(where))
        self.session.execute(
            delete(t.date_mail_sends).where(
                t.date_mail_sends.c.field == field.value,
                t.date_mail_sends.c.subject_id == subject_id,
                t.date_mail_sends.c.status == PLANNED,
            )
        )
        if date is not None:
            self.session.execute(
                insert(t.mail_dates).values(
                    field=field.value,
                    subject_id=subject_id,
                    recipient_kind=date.recipient_kind,
                    recipient_id=date.recipient_id,
                    date=date.date,
                    month_day=date.date.month * 100 + date.date.day,
                    version=version,
                )
            )
        return True

    def date(self, field: DateField, subject_id: str) -> MailDate | None:
        c = t.mail_dates.c
        row = self.session.execute(
            select(t.mail_dates).where(c.field == field.value, c.subject_id == subject_id)
        ).first()
        return (
            None
            if row is None
            else MailDate(field, row.subject_id, row.recipient_kind, row.recipient_id, row.date)
        )

    def dates(
        self,
        field: DateField,
        *,
        month_days: Iterable[int] = (),
        between: tuple[dt.date, dt.date] | None = None,
    ) -> list[MailDate]:
        """Annual dates whose month*100+day is in `month_days`, or absolute ones `between`."""
        c = t.mail_dates.c
        query = select(t.mail_dates).where(c.field == field.value)
        if between is not None:
            query = query.where(c.date >= between[0], c.date <= between[1])
        else:
            query = query.where(c.month_day.in_(sorted(set(month_days))))
        return [
            MailDate(field, r.subject_id, r.recipient_kind, r.recipient_id, r.date)
            for r in self.session.execute(query.order_by(c.subject_id))
        ]

    # -- sends ---------------------------------------------------------------------------------

    def plan(self, sends: Sequence[PlannedSend]) -> int:
        """Inserts planned sends; keys that exist (planned, sent or skipped) are left alone."""
        count = 0
        for s in sends:
            count += _upsert(
                self.session,
                t.date_mail_sends,
                {**s.__dict__, "status": PLANNED, "reason": "", "mail_id": None, "done_at": None},
                ["key"],
            )
        return count

    def drop_planned(self, *, rule_id: str) -> None:
        c = t.date_mail_sends.c
        self.session.execute(delete(t.date_mail_sends).where(c.rule_id == rule_id, c.status == PLANNED))

    def due(self, now: dt.datetime, limit: int) -> list[PlannedSend]:
        c = t.date_mail_sends.c
        rows = self.session.execute(
            select(t.date_mail_sends)
            .where(c.status == PLANNED, c.due_at <= now)
            .order_by(c.due_at, c.key)
            .limit(limit)
        )
        return [
            PlannedSend(
                r.key,
                r.rule_id,
                r.field,
                r.subject_id,
                r.recipient_kind,
                r.recipient_id,
                r.year,
                aware(r.due_at),
            )
            for r in rows
        ]

    def claim(self, key: str, now: dt.datetime, status: str = SENT, reason: str = "") -> bool:
        """The conditional UPDATE that gives a due send to exactly one scheduler."""
        c = t.date_mail_sends.c
        result = self.session.execute(
            update(t.date_mail_sends)
            .where(c.key == key, c.status == PLANNED)
            .values(status=status, reason=reason, done_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    def set_mail_id(self, key: str, mail_id: str) -> None:
        self.session.execute(
            update(t.date_mail_sends).where(t.date_mail_sends.c.key == key).values(mail_id=mail_id)
        )

    def withdraw_queued_mail(
        self, recipient_kind: str, recipient_id: str, mail: Table, now: dt.datetime
    ) -> int:
        """Fails marketing mail queued for the recipient but not yet handed to SMTP, so a
        withdrawal takes effect before the next send (a row already being sent is past recall)."""
        c = t.date_mail_sends.c
        marketing = [f.value for f in DateField if f.marketing]
        ids = select(c.mail_id).where(
            c.recipient_kind == recipient_kind, c.recipient_id == recipient_id,
            c.status == SENT, c.field.in_(marketing), c.mail_id.is_not(None),
        )  # fmt: skip
        result = self.session.execute(
            update(mail)
            .where(mail.c.id.in_(ids), mail.c.status == QUEUED)
            .values(status=FAILED, last_error="marketing consent withdrawn", failed_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # -- consent -------------------------------------------------------------------------------

    def consent(self, kind: str, ref_id: str) -> tuple[bool, str, dt.datetime | None, bool | None]:
        """(granted, source, changed_at, last value from contacts); no row = not granted."""
        c = t.marketing_consents.c
        row = self.session.execute(
            select(t.marketing_consents).where(c.recipient_kind == kind, c.recipient_id == ref_id)
        ).first()
        if row is None:
            return False, "", None, None
        return bool(row.granted), row.source, aware(row.changed_at), row.contacts_value

    def set_consent(
        self,
        kind: str,
        ref_id: str,
        granted: bool,
        now: dt.datetime,
        source: str,
        contacts_value: bool | None,
    ) -> None:
        c = t.marketing_consents.c
        where = and_(c.recipient_kind == kind, c.recipient_id == ref_id)
        values = {"granted": granted, "changed_at": now, "source": source, "contacts_value": contacts_value}
        if self.session.execute(select(c.recipient_id).where(where)).first() is None:
            self.session.execute(
                insert(t.marketing_consents).values(recipient_kind=kind, recipient_id=ref_id, **values)
            )
        else:
            self.session.execute(update(t.marketing_consents).where(where).values(**values))

    def log_consent(self, entry_id: str, kind: str, ref_id: str, entry: ConsentEntry) -> None:
        self.session.execute(
            insert(t.consent_log).values(
                id=entry_id,
                recipient_kind=kind,
                recipient_id=ref_id,
                granted=entry.granted,
                at=entry.at,
                source=entry.source,
                actor=entry.actor[:255],
                note=entry.note[:500],
            )
        )

    def consent_log(self, kind: str, ref_id: str) -> list[ConsentEntry]:
        c = t.consent_log.c
        rows = self.session.execute(
            select(t.consent_log)
            .where(c.recipient_kind == kind, c.recipient_id == ref_id)
            .order_by(c.at, c.id)
        )
        return [ConsentEntry(r.granted, aware(r.at), r.source, r.actor, r.note) for r in rows]

    # -- unsubscribe tokens --------------------------------------------------------------------

    def add_token(self, token_hash: str, kind: str, ref_id: str, send_key: str, now: dt.datetime) -> None:
        self.session.execute(
            insert(t.unsubscribe_tokens).values(
                token_hash=token_hash,
                recipient_kind=kind,
                recipient_id=ref_id,
                send_key=send_key,
                created_at=now,
            )
        )

    def token(self, token_hash: str) -> tuple[str, str, str] | None:
        """(recipient kind, recipient id, send key) of a token."""
        row = self.session.execute(
            select(t.unsubscribe_tokens).where(t.unsubscribe_tokens.c.token_hash == token_hash)
        ).first()
        return None if row is None else (row.recipient_kind, row.recipient_id, row.send_key)

    def token_used(self, token_hash: str, now: dt.datetime) -> None:
        c = t.unsubscribe_tokens.c
        self.session.execute(
            update(t.unsubscribe_tokens)
            .where(c.token_hash == token_hash, c.used_at.is_(None))
            .values(used_at=now)
        )

    def count(self, status: str) -> int:
        return int(
            self.session.execute(
                select(func.count())
                .select_from(t.date_mail_sends)
                .where(t.date_mail_sends.c.status == status)
            ).scalar_one()
        )
