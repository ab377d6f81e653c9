"""A document table as a repository: domain objects in, domain objects out.

Rows keep the queried columns beside the JSON body (adapters.tables); `get(lock=True)` takes
the row lock (SELECT … FOR UPDATE on PostgreSQL; SQLite writers already hold the database
lock) so a use case that changes a document serialises with others changing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from chassis.errors import InvalidArgument
from sqlalchemy.orm import Session

from sales_docs.adapters.codec import dumps, loads

T = TypeVar("T")
MAX_PAGE = 200
DEFAULT_PAGE = 50


def page_bounds(page_size: int, page_token: str) -> tuple[int, int]:
    """(limit, offset) of a page; the token is the offset of the next page's first row."""
    if page_size < 0:
        raise InvalidArgument("page_size", "must not be negative")
    if page_token and not page_token.isdigit():
        raise InvalidArgument("page_token", "is not a token this service gave")
    return min(page_size or DEFAULT_PAGE, MAX_PAGE), int(page_token or 0)


class DocumentStore(Generic[T]):
    def __init__(self, session: Session, table: sa.Table, kind: type[T]) -> None:
        self.session = session
        self.table = table
        self.kind = kind

    def get(self, document_id: str, *, lock: bool = False) -> tuple[T, dict[str, Any]] | None:
        """The document and its row's columns (owner, team, extra JSON), or None."""
        query = sa.select(self.table).where(self.table.c.id == document_id)
        if lock and self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        if row is None:
            return None
        return loads(self.kind, row["body"]), dict(row)

    def add(self, document: Any, now: dt.datetime, **columns: Any) -> None:
        self.session.execute(
            sa.insert(self.table).values(
                id=document.id,
                body=dumps(document),
                version=getattr(document, "version", 1),
                created_at=now,
                updated_at=now,
                **columns,
            )
        )

    def update(self, document: Any, now: dt.datetime, **columns: Any) -> None:
        self.session.execute(
            sa.update(self.table)
            .where(self.table.c.id == document.id)
            .values(body=dumps(document), version=getattr(document, "version", 1), updated_at=now, **columns)
        )

    def find(
        self, where: Sequence[Any], page_size: int = 0, page_token: str = ""
    ) -> tuple[list[tuple[T, dict[str, Any]]], str]:
        """A page of documents matching `where`, newest first, and the next page's token."""
        limit, offset = page_bounds(page_size, page_token)
        query = (
            sa.select(self.table)
            .where(*where)
            .order_by(self.table.c.created_at.desc(), self.table.c.id)
            .limit(limit + 1)
            .offset(offset)
        )
        rows = list(self.session.execute(query).mappings())
        token = str(offset + limit) if len(rows) > limit else ""
        return [(loads(self.kind, r["body"]), dict(r)) for r in rows[:limit]], token

    def all(self, where: Sequence[Any]) -> list[tuple[T, dict[str, Any]]]:
        rows = self.session.execute(sa.select(self.table).where(*where).order_by(self.table.c.created_at))
        return [(loads(self.kind, r["body"]), dict(r)) for r in rows.mappings()]
