"""Whether a token's user is still active, without a database read on every request.

The bearer guard must refuse a deactivated user's access tokens long before they expire.
Reading the user (and its roles and teams) on every request cost three SQL statements and
about half of the gateway's time per request, so each worker keeps the user's active flag
for a few seconds (GATEWAY `ACTIVE_USER_CACHE_SECONDS`, 0 = always read). A miss costs one
indexed statement on the primary key. The worker that deactivates a user forgets the entry at
once; the other workers (and other gateway instances) notice within the cache's lifetime.

Thread-safe without a lock: gthread workers share one instance, entries are replaced whole,
and a generation counter stops a read that started before a deactivation from putting the
old "active" answer back after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlalchemy as sa
from chassis.db import Database

from gateway.adapters.tables import users

# Prebuilt once: only the bind value changes per call.
_ACTIVE_FLAG = sa.select(users.c.active).where(users.c.id == sa.bindparam("user_id"))
# Upper bound on cached users per worker; the cache is cleared when it is reached.
MAX_ENTRIES = 50_000


class ActiveUsers:
    """A per-process cache of users' active flags with a short time to live."""

    def __init__(
        self, database: Database, ttl_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._database = database
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: dict[str, tuple[bool, float]] = {}
        self._generation = 0

    def is_active(self, user_id: str) -> bool:
        """True when the user exists and is active (cached for up to the TTL)."""
        now = self._clock()
        entry = self._entries.get(user_id)
        if entry is not None and entry[1] > now:
            return entry[0]
        generation = self._generation
        with self._database.read() as session:
            active = bool(session.execute(_ACTIVE_FLAG, {"user_id": user_id}).scalar())
        if self._ttl > 0 and generation == self._generation:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries = {}
            self._entries[user_id] = (active, now + self._ttl)
        return active

    def forget(self, user_id: str) -> None:
        """Called after a change to the user committed (deactivation): the next request reads
        the database."""
        self._generation += 1
        self._entries.pop(user_id, None)
