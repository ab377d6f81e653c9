"""Queueing a mail: one `mail_outbox` row in the caller's open transaction (the mail exists
if and only if its cause was committed), and reading what failed for operators."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from chassis.events.outbox import OUTBOX_WRITTEN
from chassis.mail.message import MAX_SUBJECT, OutgoingMail
from chassis.mail.schema import FAILED, QUEUED, SENDING, MailTables


def queue_mail(
    session: Session,
    tables: MailTables,
    message: OutgoingMail,
    dedupe_key: str | None = None,
    *,
    not_before: datetime | None = None,
) -> str:
    """Writes `message` to the mail outbox inside `session`'s transaction and returns its id.

    With a `dedupe_key` the same logical mail is queued once: when a row with that key
    exists (this transaction's cause was retried), nothing is written and its id is
    returned. The commit wakes the dispatcher (Database commit listeners)."""
    message.validate()
    now = datetime.now(UTC)
    mail_id = str(uuid.uuid4())
    values = {
        "id": mail_id,
        "dedupe_key": dedupe_key,
        "to_addresses": json.dumps(list(message.to)),
        "cc_addresses": json.dumps(list(message.cc)),
        "subject": message.subject[:MAX_SUBJECT],
        "text_body": message.text,
        "html_body": message.html,
        "language": message.language,
        "headers": json.dumps([list(h) for h in message.headers]) if message.headers else None,
        "status": QUEUED,
        "attempts": 0,
        "next_attempt_at": not_before or now,
        "created_at": now,
    }
    if dedupe_key is None:
        session.execute(insert(tables.outbox), values)
    else:
        dialect = session.get_bind().dialect.name
        statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(tables.outbox)
        inserted = session.execute(
            statement.values(values)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(tables.outbox.c.id)
        ).first()
        if inserted is None:  # queued before, by an earlier try of the same cause
            existing = session.execute(
                select(tables.outbox.c.id).where(tables.outbox.c.dedupe_key == dedupe_key)
            ).scalar_one()
            return str(existing)
    if message.attachments:
        session.execute(
            insert(tables.attachments),
            [
                {
                    "mail_id": mail_id,
                    "position": position,
                    "filename": attachment.filename,
                    "content_type": attachment.content_type,
                    "content": attachment.content,
                }
                for position, attachment in enumerate(message.attachments)
            ],
        )
    # Database.transaction() runs its commit listeners (the dispatcher's wake) when set.
    session.info[OUTBOX_WRITTEN] = True
    return mail_id


@dataclass(frozen=True)
class FailedMail:
    """A mail given up on: shown to operators so they can fix the address or the server."""

    id: str
    to: tuple[str, ...]
    subject: str
    attempts: int
    last_error: str
    created_at: datetime
    failed_at: datetime | None


def failed_mail(
    session: Session, tables: MailTables, *, limit: int = 50, before: str = ""
) -> list[FailedMail]:
    """Failed mail, newest first; `before` is the id of the last row of the previous page."""
    t = tables.outbox
    query = select(t).where(t.c.status == FAILED)
    if before:
        pivot = select(t.c.created_at).where(t.c.id == before).scalar_subquery()
        query = query.where((t.c.created_at < pivot) | ((t.c.created_at == pivot) & (t.c.id < before)))
    rows = session.execute(query.order_by(t.c.created_at.desc(), t.c.id.desc()).limit(limit))
    return [
        FailedMail(
            id=row.id,
            to=tuple(json.loads(row.to_addresses)),
            subject=row.subject,
            attempts=row.attempts,
            last_error=row.last_error or "",
            created_at=row.created_at,
            failed_at=row.failed_at,
        )
        for row in rows
    ]


def mail_backlog(session: Session, tables: MailTables) -> int:
    """Mail not yet sent nor given up on (queued or being sent)."""
    t = tables.outbox
    count = session.execute(select(func.count()).select_from(t).where(t.c.status.in_((QUEUED, SENDING))))
    return int(count.scalar_one())
