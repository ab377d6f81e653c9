"""The outbox relay for identity events, run inside the gateway process: a daemon thread
with its own asyncio loop (nats-py is asyncio; Flask views are not).

With several gunicorn workers, only one relay publishes: on PostgreSQL the chassis relay
holds an advisory lock; on SQLite (which the chassis assumes single-process) the workers
take turns on an exclusive file lock beside the database, and another worker takes over
when the holder exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import threading
from pathlib import Path
from typing import IO

from chassis.db import Database
from chassis.events import EventTables, OutboxRelay

from gateway.settings import GatewaySettings

log = logging.getLogger(__name__)
LOCK_RETRY_SECONDS = 1.0


class EventRelayThread:
    def __init__(self, settings: GatewaySettings, database: Database, tables: EventTables) -> None:
        self.settings = settings
        self.database = database
        self.relay = OutboxRelay(
            database,
            tables,
            settings.nats_url,
            service=settings.service_name,
            poll_seconds=settings.outbox_poll_seconds,
            batch_size=settings.outbox_batch_size,
        )
        database.add_commit_listener(self.relay.wake)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        ready = threading.Event()

        def main() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            self._stop = asyncio.Event()
            ready.set()
            try:
                loop.run_until_complete(self._run(self._stop))
            finally:
                loop.close()

        self._thread = threading.Thread(target=main, name="gateway-events", daemon=True)
        self._thread.start()
        ready.wait(5)

    async def _run(self, stop: asyncio.Event) -> None:
        if not self.database.is_sqlite:
            await self.relay.run(stop)
            return
        lock = await self._sqlite_leadership(stop)
        if lock is None:
            return
        try:
            await self.relay.run(stop)
        finally:
            lock.close()

    async def _sqlite_leadership(self, stop: asyncio.Event) -> IO[bytes] | None:
        database_file = Path(self.database.url.database or "gateway.db")
        path = database_file.with_name(database_file.name + ".relay.lock")
        handle = path.open("ab")
        while not stop.is_set():
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return handle
            except BlockingIOError:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), LOCK_RETRY_SECONDS)
        handle.close()
        return None

    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)
        if self._thread is not None:
            self._thread.join(timeout)
