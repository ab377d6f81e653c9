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


def test_a_periodic_task_runs_at_once_again_after_its_interval_and_survives_a_failing_pass():
    import threading

    from chassis.background import BackgroundLoop, periodic

    passes: list[int] = []
    third = threading.Event()

    def work() -> None:
        passes.append(len(passes))
        if len(passes) == 1:
            raise RuntimeError("one bad pass")
        if len(passes) >= 3:
            third.set()

    loop = BackgroundLoop("periodic-test", [periodic("test pass", work, 0.05)])
    loop.start()
    try:
        assert third.wait(5), "the task stopped after its failing pass"
    finally:
        loop.stop()
    assert not loop.alive()
    assert passes[:3] == [0, 1, 2]
