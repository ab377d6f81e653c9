"""Per-user in-app notifications (read/unread) and iCalendar feed tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from activities.adapters import tables as t
from activities.adapters.activities import aware


@dataclass(frozen=True)
class Notification:
    id: str
    user_id: str
    title: str
    body: str
    activity_id: str
    created_at: dt.datetime
    read: bool


@dataclass(frozen=True)
class Feed:
    id: str
    user_id: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_fetch_at: dt.datetime | None


class Notifications:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, n: Notification, source_key: str | None = None) -> bool:
        """Stores a notification; with `source_key` at most one per key (False when it exists)."""
        values = {
            "id": n.id,
            "user_id": n.user_id,
            "title": n.title[:300],
            "body": n.body,
            "activity_id": n.activity_id,
            "source_key": source_key,
            "created_at": n.created_at,
            "read_at": None,
        }
        dialect = self.session.get_bind().dialect.name
        statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(t.notifications)
        result = self.session.execute(
            statement.values(values).on_conflict_do_nothing(index_elements=["source_key"])
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    def page(
        self, user_id: str, *, unread_only: bool, after: tuple[dt.datetime, str] | None, size: int
    ) -> list[Notification]:
        c = t.notifications.c
        query = select(t.notifications).where(c.user_id == user_id)
        if unread_only:
            query = query.where(c.read_at.is_(None))
        if after is not None:
            query = query.where(or_(c.created_at < after[0], and_(c.created_at == after[0], c.id < after[1])))
        rows = self.session.execute(query.order_by(c.created_at.desc(), c.id.desc()).limit(size))
        return [
            Notification(
                r.id, r.user_id, r.title, r.body, r.activity_id, aware(r.created_at), r.read_at is not None
            )
            for r in rows
        ]

    def unread_count(self, user_id: str) -> int:
        c = t.notifications.c
        query = (
            select(func.count()).select_from(t.notifications).where(c.user_id == user_id, c.read_at.is_(None))
        )
        return int(self.session.execute(query).scalar_one())

    def mark_read(self, user_id: str, ids: list[str] | None, now: dt.datetime) -> int:
        """Marks the user's notifications read (`ids` None = all); others' ids are ignored."""
        c = t.notifications.c
        query = update(t.notifications).where(c.user_id == user_id, c.read_at.is_(None))
        if ids is not None:
            query = query.where(c.id.in_(ids))
        result = self.session.execute(query.values(read_at=now))
        return int(getattr(result, "rowcount", 0) or 0)


class Feeds:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, feed_id: str, user_id: str, token_hash: str, now: dt.datetime) -> Feed:
        self.session.execute(
            insert(t.calendar_feeds).values(
                id=feed_id, user_id=user_id, token_hash=token_hash, created_at=now
            )
        )
        return Feed(feed_id, user_id, now, None, None)

    @staticmethod
    def _feed(r: object) -> Feed:
        revoked = getattr(r, "revoked_at", None)
        fetched = getattr(r, "last_fetch_at", None)
        return Feed(
            r.id,  # type: ignore[attr-defined]
            r.user_id,  # type: ignore[attr-defined]
            aware(r.created_at),  # type: ignore[attr-defined]
            aware(revoked) if revoked else None,
            aware(fetched) if fetched else None,
        )

    def of_user(self, user_id: str) -> list[Feed]:
        rows = self.session.execute(
            select(t.calendar_feeds)
            .where(t.calendar_feeds.c.user_id == user_id)
            .order_by(t.calendar_feeds.c.created_at)
        )
        return [self._feed(r) for r in rows]

    def get(self, feed_id: str) -> Feed | None:
        row = self.session.execute(select(t.calendar_feeds).where(t.calendar_feeds.c.id == feed_id)).first()
        return None if row is None else self._feed(row)

    def by_token_hash(self, token_hash: str) -> Feed | None:
        row = self.session.execute(
            select(t.calendar_feeds).where(t.calendar_feeds.c.token_hash == token_hash)
        ).first()
        return None if row is None else self._feed(row)

    def revoke(self, feed_id: str, now: dt.datetime) -> None:
        self.session.execute(
            update(t.calendar_feeds)
            .where(t.calendar_feeds.c.id == feed_id, t.calendar_feeds.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def fetched(self, feed_id: str, now: dt.datetime) -> None:
        self.session.execute(
            update(t.calendar_feeds).where(t.calendar_feeds.c.id == feed_id).values(last_fetch_at=now)
        )
