"""The outbox relay: publishes committed outbox rows to JetStream, in `seq` order, once.

Rules it keeps (DESIGN §9):
- It selects `published_at IS NULL ORDER BY seq`, never `seq > last_sent`: a row whose
  transaction commits late is picked up by the next poll instead of being skipped.
- Every publish carries `Nats-Msg-Id` = the event id, the same on every retry, so JetStream
  drops a re-send inside its duplicate window (and consumers' inboxes drop later ones).
- Publishes are pipelined (`js.publish_async`, up to `max_in_flight` PubAcks outstanding,
  sent in seq order on one connection, so the stream holds them in seq order), but a row is
  sent only after the PubAck of its aggregate's previous row in flight, and the first failure
  seen stops further sends. So a failed event is never overtaken by a later event of its own
  aggregate: per-aggregate order holds even under partial failure, without relying on
  consumers dropping stale versions. Events of other aggregates may overtake it (acked, they
  are marked; the stream promises no order across aggregates).
- Nothing is marked published without its PubAck: every acknowledged row of the batch is
  marked in one UPDATE; the failed row gets `attempts`/`last_error`; the unacknowledged rest
  is retried in seq order after a growing backoff (re-sends that were in fact stored are
  dropped by the duplicate window).
- The backlog gauge costs no query once a batch drains the outbox, and at most one
  COUNT(*) per second while a backlog lasts or publishing fails.
- Only one relay per database publishes: on PostgreSQL it holds `pg_try_advisory_lock` on a
  dedicated connection (SKIP LOCKED would let two relays reorder an aggregate's events); on
  SQLite (several gunicorn workers share one file) an exclusive `flock` on a file beside the
  database; another process takes over when the holder exits.
- It is woken right after a commit that wrote outbox rows (`wake()`, registered with
  `Database.add_commit_listener`) and polls otherwise; NATS being down only delays it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import json
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from nats.js import JetStreamContext
from nats.js.api import PubAck
from sqlalchemy import Connection, func, select, text

from chassis.db import Database
from chassis.events.connection import close_quietly, connect_until_stopped, keep_running, sleep_or_stop
from chassis.events.envelope import HEADER_MSG_ID
from chassis.events.metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG, PUBLISH_FAILURES
from chassis.events.pipeline import PendingEvent, PublishFailure, PublishWindow, acked
from chassis.events.schema import EventTables
from chassis.events.stream import EVENTS_STREAM, ensure_streams

log = logging.getLogger(__name__)

LEADERSHIP_RETRY_SECONDS = 1.0
BACKLOG_REFRESH_SECONDS = 1.0
PURGE_INTERVAL_SECONDS = 600.0
FIRST_BACKOFF_SECONDS = 0.05


class _BrokenPublisherError(Exception):
    """A send failed inside nats-py before its PubAck future existed; the connection is
    replaced so that the window slot it kept is not lost for good."""


class OutboxRelay:
    """Publishes a service's outbox to JetStream until `run`'s stop event is set."""

    def __init__(
        self,
        db: Database,
        tables: EventTables,
        nats_url: str,
        *,
        stream: str = EVENTS_STREAM,
        poll_seconds: float = 0.05,
        batch_size: int = 200,
        service: str = "service",
        publish_timeout: float = 2.0,
        max_in_flight: int = 256,
        max_backoff_seconds: float = 5.0,
        retain_published_days: float | None = None,
    ) -> None:
        self._db = db
        self._tables = tables
        self._outbox = tables.outbox
        self._nats_url = nats_url
        self._stream = stream
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._service = service
        self._publish_timeout = publish_timeout
        self._max_in_flight = max_in_flight
        self._max_backoff = max_backoff_seconds
        self._retain_published = (
            timedelta(days=retain_published_days) if retain_published_days is not None else None
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._failures = 0
        self._lock_connection: Connection | None = None
        self._lock_file: IO[bytes] | None = None
        self._lock_key = _advisory_lock_key(f"crm-outbox-relay:{self._outbox.fullname}")
        self._backlog_refreshed = 0.0
        self._purged = 0.0

    @property
    def is_leader(self) -> bool:
        """Whether this relay may publish (it holds the database's relay lock)."""
        return self._lock_connection is not None or self._lock_file is not None or self._private_database

    @property
    def _private_database(self) -> bool:
        """An in-memory SQLite database belongs to one process: nobody to share it with."""
        return self._db.is_sqlite and self._db.url.database in (None, "", ":memory:")

    def wake(self) -> None:
        """Publish now instead of at the next poll. Safe from any thread (commit listeners
        run in whatever thread committed)."""
        loop, wakeup = self._loop, self._wakeup
        if loop is None or wakeup is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(wakeup.set)

    def backlog(self) -> int:
        """Outbox rows not yet published (also the `crm_outbox_backlog` gauge)."""
        with self._db.read() as session:
            count = session.execute(
                select(func.count()).select_from(self._outbox).where(self._outbox.c.published_at.is_(None))
            ).scalar_one()
        OUTBOX_BACKLOG.labels(self._service).set(count)
        return int(count)

    def purge_published(self, older_than: timedelta) -> int:
        """Deletes rows published before now minus `older_than`; the stream keeps the events."""
        cutoff = datetime.now(UTC) - older_than
        with self._db.transaction() as session:
            result = session.execute(
                self._outbox.delete().where(
                    self._outbox.c.published_at.is_not(None), self._outbox.c.published_at < cutoff
                )
            )
        return int(getattr(result, "rowcount", 0) or 0)

    async def run(self, stop: asyncio.Event) -> None:
        """Relays until `stop` is set; reconnects to NATS and retries for as long as needed."""
        self._loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        wakeup = self._wakeup
        forward_stop = asyncio.create_task(_set_when(stop, wakeup))
        try:
            while keep_running(stop):
                try:
                    client = await connect_until_stopped(self._nats_url, stop, name=f"{self._service}-relay")
                except Exception:
                    log.exception("outbox relay: cannot connect to %s", self._nats_url)
                    await sleep_or_stop(stop, self._next_backoff())
                    continue
                if client is None:
                    break
                js = client.jetstream(
                    timeout=self._publish_timeout, publish_async_max_pending=self._max_in_flight
                )
                try:
                    await self._relay(js, stop, wakeup)
                except _BrokenPublisherError:  # already logged and marked
                    await sleep_or_stop(stop, self._next_backoff())
                except Exception:
                    log.exception("outbox relay: error, retrying")
                    await sleep_or_stop(stop, self._next_backoff())
                finally:
                    await close_quietly(client)
        finally:
            forward_stop.cancel()
            self._loop = None
            self._wakeup = None
            await asyncio.to_thread(self._release_leadership)

    async def _relay(self, js: JetStreamContext, stop: asyncio.Event, wakeup: asyncio.Event) -> None:
        await ensure_streams(js)
        prefetched: list[PendingEvent] | None = None
        rows: list[PendingEvent] | None
        while keep_running(stop):
            if prefetched is not None:  # read in the same thread hop as the last mark
                rows, prefetched = prefetched, None
            else:
                wakeup.clear()
                rows = await asyncio.to_thread(self._read_batch)
            if rows is None:  # another relay holds the lock
                await sleep_or_stop(stop, LEADERSHIP_RETRY_SECONDS)
                continue
            if rows:
                published, prefetched = await self._publish(js, rows, wakeup)
                if not published:
                    await self._refresh_gauges(drained=False)
                    await sleep_or_stop(stop, self._next_backoff())
                    continue
                self._failures = 0
                if len(rows) == self._batch_size:
                    await self._refresh_gauges(drained=False)
                continue
            # A read found nothing after a batch went out: the backlog is (about) empty, so the
            # gauge needs no COUNT(*) here; housekeeping costs a thread hop only when due.
            await self._refresh_gauges(drained=True)
            await _wait(wakeup, self._poll_seconds)

    async def _publish(
        self, js: JetStreamContext, rows: Sequence[PendingEvent], wakeup: asyncio.Event
    ) -> tuple[bool, list[PendingEvent] | None]:
        """Publishes `rows` pipelined, in seq order, and marks the acknowledged ones in one
        UPDATE; returns whether all went out and, if so, the next batch, read in the same
        thread hop as the mark (None: no longer the leader). A row waits for the PubAck of
        its aggregate's previous row in flight and the first failure stops further sends, so
        nothing overtakes an earlier event of its aggregate. Raises `_BrokenPublisherError`
        (after marking) when a send failed before its future existed: nats-py then holds a
        slot of its in-flight window forever."""
        window = PublishWindow(self._publish_timeout)
        last_of_aggregate: dict[tuple[str, str], asyncio.Future[PubAck]] = {}
        broken = False
        for row in rows:
            key = (row.aggregate_type, row.aggregate_id)
            earlier = last_of_aggregate.get(key)
            if earlier is not None and not acked(earlier):
                await window.settle_through(earlier)
            if window.failure is not None:
                break
            headers: dict[str, str] = json.loads(row.headers)
            headers[HEADER_MSG_ID] = row.id
            try:
                future = await js.publish_async(
                    row.subject,
                    row.payload,
                    wait_stall=self._publish_timeout,
                    stream=self._stream,
                    headers=headers,
                )
            except Exception as error:
                window.fail(row, error)
                broken = True
                break
            window.add(row, future)
            last_of_aggregate[key] = future
        await window.settle_all()
        failure = window.failure
        if failure is not None:
            PUBLISH_FAILURES.inc()
            log.warning(
                "outbox relay: publishing %s (%s) failed: %s",
                failure.event_id,
                failure.subject,
                failure.error,
            )
        for subject in window.new_subjects:
            EVENTS_PUBLISHED.labels(subject).inc()
        if failure is not None:
            await asyncio.to_thread(self._mark, window.published, failure)
            if broken:
                raise _BrokenPublisherError
            return False, None
        wakeup.clear()  # before the read: a commit from now on wakes the relay again
        return True, await asyncio.to_thread(self._mark_and_read, window.published)

    def _read_batch(self) -> list[PendingEvent] | None:
        if not self._hold_leadership():
            return None
        outbox = self._outbox
        query = (
            select(
                outbox.c.seq,
                outbox.c.id,
                outbox.c.subject,
                outbox.c.payload,
                outbox.c.headers,
                outbox.c.aggregate_type,
                outbox.c.aggregate_id,
            )
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.seq)
            .limit(self._batch_size)
        )
        with self._db.read() as session:
            return [PendingEvent(*row) for row in session.execute(query)]

    def _mark_and_read(self, published: list[int]) -> list[PendingEvent] | None:
        self._mark(published, None)
        return self._read_batch()

    def _mark(self, published: list[int], failure: PublishFailure | None) -> None:
        outbox = self._outbox
        with self._db.transaction() as session:
            if published:
                session.execute(
                    outbox.update()
                    .where(outbox.c.seq.in_(published))
                    .values(published_at=datetime.now(UTC), attempts=outbox.c.attempts + 1, last_error=None)
                )
            if failure is not None:
                session.execute(
                    outbox.update()
                    .where(outbox.c.seq == failure.seq)
                    .values(attempts=outbox.c.attempts + 1, last_error=failure.error[:2000])
                )

    async def _refresh_gauges(self, *, drained: bool) -> None:
        """Keeps `crm_outbox_backlog` cheap: 0 without a query once a batch drained the outbox,
        else a COUNT(*) at most once per BACKLOG_REFRESH_SECONDS; purges when due."""
        if drained:
            OUTBOX_BACKLOG.labels(self._service).set(0)
        count_due = not drained and time.monotonic() - self._backlog_refreshed >= BACKLOG_REFRESH_SECONDS
        if count_due or self._purge_due():
            await asyncio.to_thread(self._housekeeping, count_due)

    def _housekeeping(self, count_backlog: bool) -> None:
        now = time.monotonic()
        if count_backlog:
            self._backlog_refreshed = now
            self.backlog()
        if self._retain_published is not None and self._purge_due():
            self._purged = now
            purged = self.purge_published(self._retain_published)
            if purged:
                log.info("outbox relay: purged %d published rows", purged)

    def _purge_due(self) -> bool:
        return (
            self._retain_published is not None and time.monotonic() - self._purged >= PURGE_INTERVAL_SECONDS
        )

    def _next_backoff(self) -> float:
        self._failures += 1
        return float(min(self._max_backoff, FIRST_BACKOFF_SECONDS * 2 ** min(self._failures - 1, 16)))

    def _hold_leadership(self) -> bool:
        """PostgreSQL: keep (or try to take) the advisory lock on a dedicated connection; the
        `SELECT 1` notices a lost connection, whose lock the server has released."""
        if self._db.is_sqlite:
            return self._hold_file_lock()
        if self._lock_connection is not None:
            try:
                self._lock_connection.execute(text("SELECT 1"))
                self._lock_connection.commit()
                return True
            except Exception:
                log.warning("outbox relay: lost the connection holding the relay lock")
                self._discard_lock_connection()
                return False
        connection: Connection | None = None
        try:
            connection = self._db.engine.connect()
            locked = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._lock_key}
            ).scalar_one()
            connection.commit()
        except Exception:
            log.warning("outbox relay: cannot try the relay lock", exc_info=True)
            if connection is not None:
                connection.invalidate()
                connection.close()
            return False
        if locked:
            self._lock_connection = connection
            log.info("outbox relay: this process now publishes the outbox")
            return True
        connection.close()
        return False

    def _hold_file_lock(self) -> bool:
        """SQLite: an exclusive, non-blocking flock on `<database>.relay.lock`; the kernel
        releases it when the holding process dies."""
        if self._lock_file is not None or self._private_database:
            return True
        path = Path(self._db.url.database or "")
        handle = path.with_name(path.name + ".relay.lock").open("ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._lock_file = handle
        log.info("outbox relay: this process now publishes the outbox")
        return True

    def _release_leadership(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None
        connection = self._lock_connection
        if connection is None:
            return
        try:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._lock_key})
            connection.commit()
            connection.close()
        except Exception:
            self._discard_lock_connection()
        self._lock_connection = None

    def _discard_lock_connection(self) -> None:
        # Invalidate rather than return it to the pool: a pooled connection would keep the lock.
        connection, self._lock_connection = self._lock_connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.invalidate()
                connection.close()


def _advisory_lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


async def _set_when(stop: asyncio.Event, wakeup: asyncio.Event) -> None:
    await stop.wait()
    wakeup.set()


async def _wait(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
