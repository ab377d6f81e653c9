"""The background event loop: runs its tasks until stopped, and stops them together."""

import asyncio

from chassis.background import BackgroundLoop


def test_tasks_run_until_stop_and_then_end() -> None:
    seen: list[str] = []

    async def worker(stop: asyncio.Event) -> None:
        seen.append("started")
        await stop.wait()
        seen.append("stopped")

    loop = BackgroundLoop("test-loop", [worker, worker])
    loop.start()
    assert loop.alive()
    loop.stop(timeout=5)
    assert not loop.alive()
    assert seen == ["started", "started", "stopped", "stopped"]
