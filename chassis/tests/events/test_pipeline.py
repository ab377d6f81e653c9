"""The relay's publish window: which rows count as stored, in which order failures are seen,
and that a PubAck that never comes is given up on (and its future cancelled)."""

from __future__ import annotations

import asyncio

from chassis.events.pipeline import PendingEvent, PublishWindow, acked
from nats.js.api import PubAck
from nats.js.errors import APIError


def _row(seq: int, aggregate_id: str = "a") -> PendingEvent:
    return PendingEvent(seq, f"id-{seq}", "crm.test.thing.created", b"", "{}", "thing", aggregate_id)


def _ack(seq: int, *, duplicate: bool = False) -> PubAck:
    return PubAck(stream="CRM_EVENTS", seq=seq, duplicate=duplicate)


def test_acknowledged_rows_are_published_and_the_earliest_failure_is_kept() -> None:
    async def scenario() -> PublishWindow:
        loop = asyncio.get_running_loop()
        window = PublishWindow(timeout=1.0)
        futures = [loop.create_future() for _ in range(4)]
        for seq, future in enumerate(futures, start=1):
            window.add(_row(seq, aggregate_id=str(seq)), future)
        futures[0].set_result(_ack(1))
        futures[1].set_exception(APIError(description="rejected"))
        futures[2].set_result(_ack(3, duplicate=True))
        futures[3].set_exception(APIError(description="also rejected"))
        await window.settle_all()
        return window

    window = asyncio.run(scenario())
    assert window.published == [1, 3]
    assert window.new_subjects == ["crm.test.thing.created"]
    assert window.failure is not None
    assert window.failure.seq == 2
    assert window.failure.event_id == "id-2"
    assert "rejected" in window.failure.error


def test_settle_through_stops_at_the_given_publish() -> None:
    async def scenario() -> tuple[PublishWindow, asyncio.Future[PubAck]]:
        loop = asyncio.get_running_loop()
        window = PublishWindow(timeout=1.0)
        first: asyncio.Future[PubAck] = loop.create_future()
        second: asyncio.Future[PubAck] = loop.create_future()
        window.add(_row(1), first)
        window.add(_row(2), second)
        loop.call_later(0.01, first.set_result, _ack(1))
        await window.settle_through(first)
        assert acked(first)
        assert not acked(second)
        assert window.published == [1]
        second.set_result(_ack(2))
        await window.settle_all()
        return window, second

    window, _ = asyncio.run(scenario())
    assert window.published == [1, 2]
    assert window.failure is None


def test_a_missing_puback_times_out_and_cancels_its_future() -> None:
    async def scenario() -> tuple[PublishWindow, asyncio.Future[PubAck]]:
        loop = asyncio.get_running_loop()
        window = PublishWindow(timeout=0.05)
        never: asyncio.Future[PubAck] = loop.create_future()
        window.add(_row(7), never)
        await window.settle_all()
        return window, never

    window, never = asyncio.run(scenario())
    assert never.cancelled()
    assert window.published == []
    assert window.failure is not None
    assert window.failure.seq == 7
    assert window.failure.error.startswith("TimeoutError")
