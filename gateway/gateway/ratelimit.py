"""Fixed-window rate limits with a counter store that every gunicorn worker shares.

An in-memory counter per worker would let N workers allow N times the limit (DESIGN §9), so
counts live in the gateway database (one atomic upsert ... RETURNING per hit) or, when
REDIS_URL is set, in Redis (INCR + EXPIRE in one transaction).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from chassis.db import Database
from sqlalchemy.dialects import postgresql, sqlite

from gateway.adapters.tables import rate_limit_counters
from gateway.problems import ProblemError

# Old windows are deleted now and then, not on every hit.
CLEANUP_PROBABILITY = 0.01


@dataclass(frozen=True)
class Limit:
    """At most `limit` hits per `window_seconds` for one key."""

    name: str
    limit: int
    window_seconds: int


class CounterStore(Protocol):
    def hit(self, key: str, window_seconds: int, now: float) -> tuple[int, int]:
        """Counts one hit; returns (hits in the current window, seconds until it ends)."""
        ...


class DatabaseCounters:
    """Counters in the rate_limit_counters table; each hit is one atomic statement."""

    def __init__(self, database: Database, cleanup_probability: float = CLEANUP_PROBABILITY) -> None:
        self.database = database
        self.cleanup_probability = cleanup_probability

    def hit(self, key: str, window_seconds: int, now: float) -> tuple[int, int]:
        window_start = int(now) - int(now) % window_seconds
        dialect = sqlite if self.database.is_sqlite else postgresql
        table = rate_limit_counters
        expires_at = window_start + window_seconds
        statement: Any = dialect.insert(table).values(
            key=key, window_start=window_start, hits=1, expires_at=expires_at
        )
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key, table.c.window_start], set_={"hits": table.c.hits + 1}
        ).returning(table.c.hits)
        with self.database.transaction() as session:
            hits = int(session.execute(statement).scalar_one())
            if random.random() < self.cleanup_probability:
                self._delete_ended(session, int(now))
        return hits, expires_at - int(now)

    @staticmethod
    def _delete_ended(session: Any, now: int) -> None:
        """Removes the counters of windows that have ended (each key's own window length), and
        rows from before expires_at existed once they are a day old."""
        table = rate_limit_counters
        session.execute(
            table.delete().where(
                sa.or_(
                    table.c.expires_at < now,
                    sa.and_(table.c.expires_at.is_(None), table.c.window_start < now - 86_400),
                )
            )
        )


class RedisCounters:
    """Counters in Redis, for deployments that set REDIS_URL."""

    def __init__(self, url: str, prefix: str = "crm:gateway:ratelimit:") -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix

    def hit(self, key: str, window_seconds: int, now: float) -> tuple[int, int]:
        window_start = int(now) - int(now) % window_seconds
        redis_key = f"{self.prefix}{key}:{window_start}"
        pipeline = self.client.pipeline(transaction=True)
        pipeline.incr(redis_key)
        pipeline.expire(redis_key, window_seconds + 1)
        hits, _ = pipeline.execute()
        return int(hits), window_start + window_seconds - int(now)


class RateLimiter:
    """Checks hits against limits; raises a 429 problem with Retry-After when one is over."""

    def __init__(self, store: CounterStore, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    def hit(self, checks: Sequence[tuple[Limit, str]]) -> None:
        """Counts a hit on every (limit, key); all are counted even when one is over, so a
        client that keeps hammering keeps being refused."""
        now = self.clock()
        retry_after = 0
        exceeded: list[str] = []
        for limit, key in checks:
            hits, remaining = self.store.hit(f"{limit.name}:{key}", limit.window_seconds, now)
            if hits > limit.limit:
                exceeded.append(limit.name)
                retry_after = max(retry_after, remaining)
        if exceeded:
            raise ProblemError(
                429,
                "too many attempts; wait before trying again",
                slug="rate-limited",
                headers={"Retry-After": str(max(retry_after, 1))},
                extra={"limits": exceeded},
            )


def make_counter_store(database: Database, redis_url: str) -> CounterStore:
    return RedisCounters(redis_url) if redis_url else DatabaseCounters(database)
