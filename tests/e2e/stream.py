"""Talks to the platform's NATS as an outside party would: reads what is on the event stream
and publishes the sales events that the sales-documents service will publish later."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

import nats
from google.protobuf.message import Message
from nats.js.api import DeliverPolicy


@dataclass(frozen=True)
class StoredEvent:
    subject: str
    event_id: str
    data: bytes


def read_stream(nats_url: str, subject: str) -> list[StoredEvent]:
    """Every message on CRM_EVENTS under `subject`, oldest first."""

    async def read() -> list[StoredEvent]:
        nc = await nats.connect(nats_url)
        try:
            js = nc.jetstream()
            info = await js.stream_info("CRM_EVENTS")
            found: list[StoredEvent] = []
            if info.state.messages == 0:
                return found
            sub = await js.subscribe(subject, ordered_consumer=True, deliver_policy=DeliverPolicy.ALL)
            try:
                while True:
                    try:
                        msg = await sub.next_msg(timeout=1.0)
                    except (TimeoutError, nats.errors.TimeoutError):
                        return found
                    headers = msg.headers or {}
                    found.append(StoredEvent(msg.subject, headers.get("Nats-Msg-Id", ""), msg.data))
            finally:
                await sub.unsubscribe()
        finally:
            await nc.close()

    return asyncio.run(read())


def publish(nats_url: str, subject: str, message: Message, event_id: str | None = None) -> str:
    """Publishes one event the way the chassis relay does (Nats-Msg-Id = event id)."""
    event_id = event_id or str(uuid.uuid4())

    async def send() -> None:
        nc = await nats.connect(nats_url)
        try:
            js = nc.jetstream()
            await js.publish(
                subject,
                message.SerializeToString(),
                headers={
                    "Nats-Msg-Id": event_id,
                    "Crm-Event-Type": message.DESCRIPTOR.full_name,
                    "Crm-Occurred-At": "2026-11-23T10:00:00+00:00",
                },
            )
        finally:
            await nc.close()

    asyncio.run(send())
    return event_id
