"""The Message-IDs the desk knows (received and sent) and their cases: the threading lookup and
the duplicate guard of e-mail intake. A Message-ID is recorded once (conditional insert), so a
mail delivered twice, or by two listeners at once, is taken in once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service_desk.adapters.tables import cases, mail_threads

INBOUND = "in"
OUTBOUND = "out"


class MailThreadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def known(self, message_ids: Iterable[str]) -> dict[str, str]:
        """Message-ID → case id for those of `message_ids` the desk knows."""
        ids = sorted(set(message_ids))
        if not ids:
            return {}
        query = sa.select(mail_threads.c.message_id, mail_threads.c.case_id).where(
            mail_threads.c.message_id.in_(ids)
        )
        return {str(m): str(c) for m, c in self.session.execute(query)}

    def claim(self, message_id: str, case_id: str, direction: str, at: dt.datetime) -> bool:
        """Records `message_id` for `case_id` unless known already; True when this transaction
        recorded it (False: a duplicate)."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(mail_threads)
            .values(message_id=message_id, case_id=case_id, direction=direction, at=at)
            .on_conflict_do_nothing(index_elements=["message_id"])
            .returning(mail_threads.c.message_id)
        )
        return self.session.execute(statement).first() is not None

    def thread_of(self, case_id: str) -> list[str]:
        """The case's Message-IDs, oldest first (for the References of a reply); at one instant
        what came in goes before what went out (an acknowledgement answers its mail)."""
        query = (
            sa.select(mail_threads.c.message_id)
            .where(mail_threads.c.case_id == case_id)
            .order_by(mail_threads.c.at, mail_threads.c.direction, mail_threads.c.message_id)
        )
        return [str(m) for m in self.session.execute(query).scalars()]

    def case_with_id_prefix(self, prefix: str) -> str | None:
        """The one case whose id starts with `prefix` (a subject reference), None when none or
        several do."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = sa.select(cases.c.id).where(cases.c.id.like(f"{escaped}%", escape="\\")).limit(2)
        found = [str(id) for id in self.session.execute(query).scalars()]
        return found[0] if len(found) == 1 else None
