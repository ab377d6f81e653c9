"""A daemon thread with its own asyncio loop, for the NATS parts of a process (nats-py is
asyncio) whose requests are served synchronously (the gRPC thread pool, Flask workers)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable, Sequence

Task = Callable[[asyncio.Event], Awaitable[None]]
log = logging.getLogger(__name__)


class BackgroundLoop:
    """Runs `tasks` (each told to end by one shared stop event) until `stop()`."""

    def __init__(self, name: str, tasks: Sequence[Task]) -> None:
        self.name = name
        self._tasks = list(tasks)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 5.0) -> None:
        ready = threading.Event()

        def main() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop, self._stop = loop, asyncio.Event()
            ready.set()
            try:
                loop.run_until_complete(asyncio.gather(*(task(self._stop) for task in self._tasks)))
            finally:
                loop.close()

        self._thread = threading.Thread(target=main, name=self.name, daemon=True)
        self._thread.start()
        ready.wait(timeout)

    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already closed
                loop.call_soon_threadsafe(stop.set)
        if self._thread is not None:
            self._thread.join(timeout)


def periodic(what: str, work: Callable[[], object], interval_seconds: float) -> Task:
    """A task for a BackgroundLoop that runs `work` (blocking: a database pass) in a worker
    thread at once and then every `interval_seconds` until stopped. A failing pass is logged and
    retried at the next interval, so one bad row never stops a scheduler for good."""

    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.to_thread(work)
            except Exception:
                log.exception("%s failed; retrying at the next interval", what)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval_seconds)

    return run
