"""A service's durable JetStream consumer: applies each event once, acks after the commit.

For each message, in one transaction: skip it if the inbox has (durable, event id), else
decode it, run the handler and write the inbox row; commit; then `ack_sync` (the double ack:
a lost ack means a redelivery, which the inbox drops). A fetch's messages are applied in one
worker-thread hop, one transaction each, then acked concurrently, all before the next fetch. A failing
handler gets the message back after a backoff (`nak` with a delay); from the
`max_deliver`-th delivery on, a failure sends the original payload and headers to
`dlq.<durable>.<subject>` and terminates the message. Database outages (OperationalError and
friends) are retried without ever being dead-lettered, and the server's own delivery limit is
off, so no event is dropped silently.

nats.py details (DESIGN §9): an empty `fetch` raises TimeoutError; after a server restart a
pull subscription can go quiet (nats.py #504), so the subscription is re-created when the
connection comes back and whenever the consumer has pending messages yet fetches nothing.
Handlers of one consumer run one at a time, but a failed event is retried while later ones
go ahead: handlers drop stale updates by the version the event carries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import nats.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from chassis.db import Database
from chassis.events.connection import close_quietly, connect_until_stopped, keep_running, sleep_or_stop
from chassis.events.envelope import (
    HEADER_CONSUMER,
    HEADER_DEAD_LETTER_REASON,
    HEADER_DELIVERIES,
    HEADER_EVENT_ID,
    HEADER_MSG_ID,
    Envelope,
)
from chassis.events.inbox import (
    Handler,
    Outcome,
    UndecodableEventError,
    apply_once,
    decode_envelope,
    find_handler,
)
from chassis.events.metrics import CONSUMER_LAG, CONSUMER_PENDING, EVENTS_CONSUMED, EVENTS_DEAD_LETTERED
from chassis.events.schema import EventTables
from chassis.events.stream import DEAD_LETTER_STREAM, EVENTS_STREAM, ensure_streams
from chassis.events.subjects import dead_letter_subject, filter_subjects, validate_consumer_name

__all__ = ["DEFAULT_BACKOFF", "EventConsumer", "Handler"]

log = logging.getLogger(__name__)

# Seconds before the 2nd, 3rd, ... delivery of an event whose handler failed.
DEFAULT_BACKOFF = [0.5, 2.0, 10.0, 30.0, 60.0]
# Failures of the database, not of the event: retried without counting towards dead-lettering.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, PoolTimeoutError)
RECOVERY_SECONDS = 0.5


class EventConsumer:
    """One durable pull consumer (`durable`) on the events stream, applying `handlers`."""

    def __init__(
        self,
        db: Database,
        tables: EventTables,
        nats_url: str,
        *,
        durable: str,
        handlers: Sequence[Handler],
        max_deliver: int = 5,
        ack_wait: float = 30,
        batch: int = 50,
        backoff: list[float] | None = None,
        stream: str = EVENTS_STREAM,
        fetch_timeout: float = 1.0,
        idle_check_seconds: float = 5.0,
    ) -> None:
        validate_consumer_name(durable)
        if not handlers:
            raise ValueError("an event consumer needs at least one handler")
        if max_deliver < 1:
            raise ValueError("max_deliver must be at least 1")
        self._db = db
        self._tables = tables
        self._nats_url = nats_url
        self.durable = durable
        self._handlers = list(handlers)
        self._subjects = filter_subjects([handler.subject for handler in handlers])
        self._max_deliver = max_deliver
        self._ack_wait = ack_wait
        self._batch = batch
        self._backoff = list(backoff or DEFAULT_BACKOFF)
        self._stream = stream
        self._fetch_timeout = fetch_timeout
        self._idle_check_seconds = idle_check_seconds
        self._resubscribe = False
        self._refresh = False

    def consumer_config(self) -> ConsumerConfig:
        """The durable's configuration, applied (created or updated) on every subscribe.

        `backoff` is deliberately not set on the server: it would replace `ack_wait` and
        redeliver a message whose handler is merely slow. Delays come with each `nak`."""
        return ConsumerConfig(
            name=self.durable,
            durable_name=self.durable,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self._ack_wait,
            max_deliver=-1,
            filter_subjects=list(self._subjects),
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Consumes until `stop` is set, surviving NATS restarts and database outages."""
        while keep_running(stop):
            try:
                client = await connect_until_stopped(
                    self._nats_url, stop, name=f"{self.durable}-consumer", on_reconnect=self._on_reconnect
                )
            except Exception:
                log.exception("consumer %s: cannot connect to %s", self.durable, self._nats_url)
                await sleep_or_stop(stop, RECOVERY_SECONDS)
                continue
            if client is None:
                break
            try:
                await self._consume(client, stop)
            except Exception:
                log.exception("consumer %s: error, reconnecting", self.durable)
                await sleep_or_stop(stop, RECOVERY_SECONDS)
            finally:
                await close_quietly(client)

    def _on_reconnect(self) -> None:
        self._refresh = True

    async def _consume(self, client: Client, stop: asyncio.Event) -> None:
        js = client.jetstream()
        await ensure_streams(js)
        subscription: JetStreamContext.PullSubscription | None = None
        last_activity = time.monotonic()
        try:
            while keep_running(stop):
                if subscription is None or self._resubscribe:
                    self._resubscribe = self._refresh = False
                    subscription = await self._subscribe(js, subscription)
                    last_activity = time.monotonic()
                elif self._refresh:
                    # Back from a reconnect: nats-py has re-subscribed our inbox, and keeping it
                    # keeps any message that reached it late; the server may have lost the
                    # consumer itself, so create (or update) it again.
                    self._refresh = False
                    await js.add_consumer(self._stream, config=self.consumer_config())
                try:
                    messages = await subscription.fetch(self._batch, timeout=self._fetch_timeout)
                except TimeoutError:  # nats.errors.TimeoutError: nothing to fetch
                    messages = []
                except nats.errors.ConnectionClosedError:
                    raise
                except Exception as error:
                    log.warning("consumer %s: fetch failed: %s", self.durable, error)
                    self._refresh = True
                    await sleep_or_stop(stop, RECOVERY_SECONDS)
                    continue
                if messages:
                    await self._handle_fetched(js, messages)
                now = time.monotonic()
                if messages:
                    last_activity = now
                elif now - last_activity >= self._idle_check_seconds:
                    last_activity = now
                    if await self._looks_stalled(subscription):
                        log.warning(
                            "consumer %s: pending messages but none fetched, re-subscribing", self.durable
                        )
                        self._resubscribe = True
        finally:
            if subscription is not None:
                with contextlib.suppress(Exception):
                    await subscription.unsubscribe()

    async def _subscribe(
        self, js: JetStreamContext, previous: JetStreamContext.PullSubscription | None
    ) -> JetStreamContext.PullSubscription:
        """A new pull subscription (new inbox) on the durable, created or updated first."""
        if previous is not None:
            with contextlib.suppress(Exception):
                await previous.unsubscribe()
        await js.add_consumer(self._stream, config=self.consumer_config())
        return await js.pull_subscribe_bind(durable=self.durable, stream=self._stream)

    async def _looks_stalled(self, subscription: JetStreamContext.PullSubscription) -> bool:
        """The nats.py #504 check: the server holds messages for us but fetches get none."""
        try:
            info = await subscription.consumer_info()
        except Exception:  # NotFoundError included: the server lost the consumer
            return True
        CONSUMER_PENDING.labels(self.durable).set(info.num_pending or 0)
        return bool(info.num_pending)

    async def _handle_fetched(self, js: JetStreamContext, messages: list[Msg]) -> None:
        """Applies one fetch's messages, each in its own transaction, in one worker-thread
        hop; then acks (`ack_sync`, concurrently) the applied ones and naks / dead-letters the
        failed ones, all before the next fetch."""
        CONSUMER_PENDING.labels(self.durable).set(messages[-1].metadata.num_pending)
        jobs = [(msg, msg.metadata, find_handler(self._handlers, msg.subject)) for msg in messages]
        results = await asyncio.to_thread(self._apply_all, jobs)
        acks: list[asyncio.Task[None]] = []
        for (msg, metadata, handler), result in zip(jobs, results, strict=True):
            if handler is None or result is None:  # no handler for it (a broader filter)
                acks.append(asyncio.create_task(self._ack(msg)))
                continue
            if isinstance(result, Exception):
                EVENTS_CONSUMED.labels(self.durable, msg.subject, Outcome.FAILED.value).inc()
                await self._failed(js, msg, result, metadata.num_delivered)
                continue
            envelope, outcome = result
            EVENTS_CONSUMED.labels(self.durable, msg.subject, outcome.value).inc()
            if outcome is Outcome.APPLIED:
                lag = (datetime.now(UTC) - envelope.occurred_at).total_seconds()
                CONSUMER_LAG.labels(self.durable).observe(max(0.0, lag))
            acks.append(asyncio.create_task(self._ack(msg)))
        if acks:
            await asyncio.gather(*acks)

    def _apply_all(
        self, jobs: list[tuple[Msg, Msg.Metadata, Handler | None]]
    ) -> list[tuple[Envelope[Any], Outcome] | Exception | None]:
        """In a worker thread: decodes and applies each message (one transaction each, in
        order); a failure is returned in its place and does not stop the others."""
        results: list[tuple[Envelope[Any], Outcome] | Exception | None] = []
        for msg, metadata, handler in jobs:
            if handler is None:
                results.append(None)
                continue
            try:
                envelope = decode_envelope(
                    handler,
                    subject=msg.subject,
                    data=msg.data,
                    headers=msg.headers or {},
                    delivery=metadata.num_delivered,
                    fallback_event_id=f"{metadata.stream}:{metadata.sequence.stream}",
                    fallback_time=metadata.timestamp,
                )
                outcome = apply_once(self._db, self._tables, self.durable, handler, envelope)
                results.append((envelope, outcome))
            except Exception as error:
                results.append(error)
        return results

    async def _ack(self, msg: Msg) -> None:
        try:
            await msg.ack_sync(timeout=5.0)
        except Exception as error:
            # The commit stands; the redelivery this causes finds the inbox row.
            log.warning("consumer %s: ack of %s failed: %s", self.durable, msg.subject, error)

    async def _failed(self, js: JetStreamContext, msg: Msg, error: Exception, delivery: int) -> None:
        transient = isinstance(error, TRANSIENT_ERRORS)
        give_up = not transient and (
            isinstance(error, UndecodableEventError) or delivery >= self._max_deliver
        )
        log.warning(
            "consumer %s: %s failed on delivery %d%s: %s",
            self.durable,
            msg.subject,
            delivery,
            " (giving up)" if give_up else "",
            error,
            exc_info=error,
        )
        try:
            if give_up and await self._dead_letter(js, msg, error, delivery):
                await msg.term()
                return
            await msg.nak(delay=self._backoff[min(delivery, len(self._backoff)) - 1])
        except Exception as ack_error:
            # Unacknowledged, the message comes back after ack_wait.
            log.warning("consumer %s: cannot nak/term %s: %s", self.durable, msg.subject, ack_error)

    async def _dead_letter(self, js: JetStreamContext, msg: Msg, error: Exception, delivery: int) -> bool:
        original = msg.headers or {}
        metadata = msg.metadata
        event_id = original.get(HEADER_MSG_ID) or f"{metadata.stream}:{metadata.sequence.stream}"
        headers = {name: value for name, value in original.items() if not name.startswith("Nats-Expected")}
        # Per consumer: two consumers giving up on one event must both land in the stream.
        headers[HEADER_MSG_ID] = f"{self.durable}:{event_id}"
        headers[HEADER_EVENT_ID] = event_id
        headers[HEADER_CONSUMER] = self.durable
        headers[HEADER_DELIVERIES] = str(delivery)
        headers[HEADER_DEAD_LETTER_REASON] = _header_safe(f"{type(error).__name__}: {error}")
        subject = dead_letter_subject(self.durable, msg.subject)
        try:
            ack = await js.publish(subject, msg.data, headers=headers, stream=DEAD_LETTER_STREAM)
        except Exception as publish_error:
            log.error("consumer %s: cannot dead-letter %s: %s", self.durable, event_id, publish_error)
            return False
        if not ack.duplicate:  # a repeat after a lost `term` is dropped by the stream
            EVENTS_DEAD_LETTERED.labels(self.durable, msg.subject).inc()
        log.error(
            "consumer %s: event %s on %s dead-lettered to %s", self.durable, event_id, msg.subject, subject
        )
        return True


def _header_safe(text: str, limit: int = 500) -> str:
    return " ".join(text.split())[:limit]
