"""Connecting to NATS for long-running event loops: keep trying until connected or told to
stop, then let nats-py reconnect forever, so NATS being down never crashes a service."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import nats
from nats.aio.client import Client

log = logging.getLogger(__name__)

RECONNECT_WAIT_SECONDS = 0.5
CONNECT_TIMEOUT_SECONDS = 2


async def connect_until_stopped(
    url: str,
    stop: asyncio.Event,
    *,
    name: str,
    on_reconnect: Callable[[], None] | None = None,
) -> Client | None:
    """A connected client, or None when `stop` was set first."""

    async def error_cb(error: Exception) -> None:
        # Called on every failed (re)connect attempt; the disconnect is logged once below.
        log.debug("nats %s: %s", name, error)

    async def disconnected_cb() -> None:
        log.warning("nats %s: disconnected from %s", name, url)

    async def reconnected_cb() -> None:
        log.warning("nats %s: reconnected to %s", name, url)
        if on_reconnect is not None:
            on_reconnect()

    connecting = asyncio.ensure_future(
        nats.connect(
            url,
            name=name,
            error_cb=error_cb,
            disconnected_cb=disconnected_cb,
            reconnected_cb=reconnected_cb,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            reconnect_time_wait=RECONNECT_WAIT_SECONDS,
            max_reconnect_attempts=-1,
        )
    )
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({connecting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if connecting.done():
        return connecting.result()
    connecting.cancel()
    with contextlib.suppress(BaseException):
        await connecting
    return None


async def close_quietly(client: Client, timeout: float = 2.0) -> None:
    """Closes a client that may be reconnecting to a server that is gone."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(client.close(), timeout)


async def sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    """Sleeps `seconds`, waking early when `stop` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


def keep_running(stop: asyncio.Event) -> bool:
    """The condition of every event loop here: False once `stop` is set. Raises
    CancelledError when the task was cancelled but a library swallowed it (nats-py's
    `flush` does), so a cancelled relay or consumer really ends."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
    return not stop.is_set()
