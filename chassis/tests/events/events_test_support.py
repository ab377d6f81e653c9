"""Helpers for the events tests: run relays and consumers as tasks, wait with deadlines,
read streams and metrics."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, Protocol

import nats
from nats.js.api import RawStreamMsg
from prometheus_client import REGISTRY


class Runner(Protocol):
    def run(self, stop: asyncio.Event) -> Coroutine[Any, Any, None]: ...


@asynccontextmanager
async def running(*runners: Runner) -> AsyncIterator[asyncio.Event]:
    """Runs each runner until the block ends, then stops them and surfaces their errors."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(runner.run(stop)) for runner in runners]
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 20)


async def eventually(check: Callable[[], bool], timeout: float = 15.0, what: str = "condition") -> None:
    """Polls `check` (in a thread: it may query the database) until true or the deadline."""
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(check):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def stream_messages(nats_url: str, stream: str) -> list[RawStreamMsg]:
    """Every message stored in `stream`, in stream order."""
    client = await nats.connect(nats_url)
    try:
        js = client.jetstream()
        info = await js.stream_info(stream)
        messages = []
        if info.state.messages:
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                messages.append(await js.get_msg(stream, seq))
        return messages
    finally:
        await client.close()


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0
