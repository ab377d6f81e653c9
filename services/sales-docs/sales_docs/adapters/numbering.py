"""Gapless document numbers from counter rows (DESIGN §9 Numbering).

A number is taken inside the document's own transaction by one upsert: the counter row is
created when missing, else `next = next + 1` (`INSERT … ON CONFLICT DO UPDATE … RETURNING`),
which locks the row until the transaction ends. A
concurrent creator waits for the lock and sees the committed value; a rolled-back transaction
gives its number back. SQLite runs every writer under BEGIN IMMEDIATE (chassis Database), so
the same statements are serialised there. PostgreSQL sequences are never used: they leave gaps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sales_docs.adapters.tables import counters
from sales_docs.domain.numbering import CounterKey, DocumentType, Era, NumberingScheme, default_scheme
from sales_docs.domain.parties import HEAD_OFFICE


def next_sequence(session: Session, key: CounterKey) -> int:
    """The next sequence of counter `key` (1 for the first), held until the transaction ends.

    One statement, one round trip: `INSERT … ON CONFLICT DO UPDATE SET next = next + 1
    RETURNING next` creates the row for the first number (racing creators of it wait on the
    primary key and then update) and otherwise takes and locks it like `UPDATE … RETURNING`."""
    values = {"document_type": key.document_type.value, "year": key.year, "branch": key.branch, "next": 2}
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(counters).values(values)
    taken = session.execute(
        insert.on_conflict_do_update(
            index_elements=[counters.c.document_type, counters.c.year, counters.c.branch],
            set_={"next": counters.c.next + 1},
        ).returning(counters.c.next)
    ).scalar_one()
    return int(taken) - 1


class Numbering:
    """The configured schemes; `take` gives a document its number in the caller's transaction."""

    def __init__(
        self, era: Era = Era.BUDDHIST, patterns: Mapping[str, str] | None = None, branch: str = HEAD_OFFICE
    ) -> None:
        self.branch = branch
        self.schemes = {t: default_scheme(t, era) for t in DocumentType}
        for name, pattern in (patterns or {}).items():
            document_type = DocumentType(name)
            self.schemes[document_type] = NumberingScheme(document_type, pattern, era)

    def take(self, session: Session, document_type: DocumentType, day: dt.date) -> str:
        scheme = self.schemes[document_type]
        key = scheme.counter_key(day, self.branch)
        return scheme.format(key, next_sequence(session, key), day)
