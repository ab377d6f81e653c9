"""The relay's window of publishes in flight: the PubAck futures of one batch, settled in seq
order, each within its own deadline, so the relay knows exactly which rows JetStream stored.

Settling in seq order matters: the relay lets a row out only once its aggregate's previous
row is acknowledged (`acked`), and it stops sending at the first failure it sees, so the
rows it marks published never include one that overtook an earlier event of its aggregate.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass

from nats.js.api import PubAck


@dataclass(frozen=True)
class PendingEvent:
    """An outbox row waiting to be published."""

    seq: int
    id: str
    subject: str
    payload: bytes
    headers: str
    aggregate_type: str
    aggregate_id: str


@dataclass(frozen=True)
class PublishFailure:
    """The earliest row of a batch that JetStream did not acknowledge, and why."""

    seq: int
    event_id: str
    subject: str
    error: str


def acked(future: asyncio.Future[PubAck]) -> bool:
    """Whether the publish behind `future` is stored (its PubAck came back)."""
    return future.done() and not future.cancelled() and future.exception() is None


class PublishWindow:
    """The publishes of one batch, in the order they were sent (which is seq order)."""

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._pending: deque[tuple[PendingEvent, asyncio.Future[PubAck], float]] = deque()
        self.published: list[int] = []
        self.new_subjects: list[str] = []  # one per PubAck that was not a duplicate
        self.failure: PublishFailure | None = None

    def add(self, row: PendingEvent, future: asyncio.Future[PubAck]) -> None:
        """A sent row; its PubAck is due within the window's timeout from now."""
        self._pending.append((row, future, time.monotonic() + self._timeout))

    def fail(self, row: PendingEvent, error: BaseException) -> None:
        """Records a failure (the earliest by seq is kept: it is the one the retry starts at)."""
        if self.failure is None or row.seq < self.failure.seq:
            self.failure = PublishFailure(row.seq, row.id, row.subject, f"{type(error).__name__}: {error}")

    async def settle_through(self, future: asyncio.Future[PubAck]) -> None:
        """Settles every publish up to and including the one behind `future`."""
        while self._pending:
            settled = self._pending[0][1]
            await self._settle_first()
            if settled is future:
                return

    async def settle_all(self) -> None:
        """Waits for (or times out) every publish still in flight."""
        while self._pending:
            await self._settle_first()

    async def _settle_first(self) -> None:
        row, future, deadline = self._pending.popleft()
        if not future.done():
            try:
                # On timeout wait_for cancels the future, which frees nats-py's window slot.
                await asyncio.wait_for(future, max(0.0, deadline - time.monotonic()))
            except TimeoutError as error:
                self.fail(row, error)
                return
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # our own task is being cancelled, not just this publish
            except Exception:  # noqa: S110 - examined below, from the future itself
                pass
        if future.cancelled():
            self.fail(row, asyncio.CancelledError("the publish was cancelled"))
            return
        failed = future.exception()
        if failed is not None:
            self.fail(row, failed)
            return
        self.published.append(row.seq)
        if not future.result().duplicate:
            self.new_subjects.append(row.subject)
