"""HTTP load for the HTTP section: `wrk` when it is there (installed with apt-get when this
runs as root and it is missing), otherwise a Python load generator with keep-alive
connections spread over several processes. Both are closed loops with a fixed number of
connections for a fixed time, against 127.0.0.1 only."""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from multiprocessing.queues import Queue
from urllib.parse import urlsplit

from crm_platform.bench.cpu import CpuMeter
from crm_platform.bench.report import percentile

_Outcome = tuple[dict[str, int], list[float]]
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class LoadSettings:
    connections: int = 16
    threads: int = 2
    seconds: float = 10.0
    warm_up: float = 2.0
    processes: int = 2  # the Python generator only


@dataclass(frozen=True)
class HttpStats:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    bad_responses: int
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def find_wrk(install: bool = True) -> str | None:
    """The wrk binary; as root, tries `apt-get install -y wrk` (then with a fresh package
    list) when it is missing."""
    found = shutil.which("wrk")
    if found or not install or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return found
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for step in (
        ["apt-get", "install", "-y", "-q", "wrk"],
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "wrk"],
    ):
        print(f"  http: {' '.join(step)}", flush=True)
        try:
            subprocess.run(step, env=env, check=False, capture_output=True, timeout=240)
        except subprocess.TimeoutExpired:
            return None
        if shutil.which("wrk"):
            return shutil.which("wrk")
    return None


def run_wrk(wrk: str, url: str, headers: dict[str, str], settings: LoadSettings, seconds: float) -> HttpStats:
    seconds = max(1, round(seconds))  # wrk takes whole seconds
    argv = [wrk, f"-t{settings.threads}", f"-c{settings.connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    done = subprocess.run([*argv, url], check=False, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return parse_wrk(done.stdout, seconds)


def parse_wrk(output: str, seconds: float) -> HttpStats:
    """Requests, latency percentiles and failures from `wrk --latency` output."""
    requests = int(_search(r"(\d+) requests in", output))
    elapsed = _duration_ms(_search(r"requests in ([\d.]+\w+),", output)) / 1000 or seconds
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    bad = int(_search(r"Non-2xx or 3xx responses: (\d+)", output, "0"))
    socket_errors = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return HttpStats(
        requests=requests,
        seconds=elapsed,
        p50_ms=_duration_ms(latency.get("50", "nan ms")),
        p99_ms=_duration_ms(latency.get("99", "nan ms")),
        bad_responses=bad,
        errors=errors,
    )


def _search(pattern: str, text: str, default: str | None = None) -> str:
    match = re.search(pattern, text)
    if match:
        return match.group(1)
    if default is None:
        raise RuntimeError(f"unexpected wrk output (no {pattern!r}):\n{text}")
    return default


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"\s*([\d.]+|nan)\s*(us|ms|s|m)\s*", text)
    if not match:
        raise RuntimeError(f"unexpected wrk duration {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _python_worker(
    url: str,
    headers: dict[str, str],
    connections: int,
    window: tuple[float, float],
    results: Queue[_Outcome],
) -> None:
    """One load process: `connections` threads, one keep-alive connection each. `window` is
    (start, end) on the wall clock, shared by every process."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    counts = {"ok": 0, "bad": 0, "errors": 0}
    lock = threading.Lock()

    def loop() -> None:
        mine: list[float] = []
        ok = bad = errors = 0
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
        connection.connect()
        # No request before the window, so the servers' CPU over the run is the window's.
        time.sleep(max(0.0, window[0] - time.time()))
        while (began := time.time()) < window[1]:
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
                continue
            ended = time.time()
            if began >= window[0] and ended <= window[1]:
                if 200 <= response.status < 400:
                    ok += 1
                    mine.append((ended - began) * 1000)
                else:
                    bad += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            counts["ok"] += ok
            counts["bad"] += bad
            counts["errors"] += errors

    threads = [threading.Thread(target=loop) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((counts, latencies))


def run_python(url: str, headers: dict[str, str], settings: LoadSettings, seconds: float) -> HttpStats:
    """The fallback generator: `settings.processes` processes sharing the connections."""
    context = multiprocessing.get_context("spawn")
    results: Queue[_Outcome] = context.Queue()
    start = time.time() + 2.0  # let the processes start and connect
    window = (start, start + seconds)
    shares = [
        settings.connections // settings.processes + (i < settings.connections % settings.processes)
        for i in range(settings.processes)
    ]
    workers = [
        context.Process(target=_python_worker, args=(url, headers, share, window, results), daemon=True)
        for share in shares
        if share
    ]
    for worker in workers:
        worker.start()
    collected = [results.get(timeout=seconds + 60) for _ in workers]
    for worker in workers:
        worker.join(10)
    latencies = [sample for _, samples in collected for sample in samples]
    return HttpStats(
        requests=sum(counts["ok"] for counts, _ in collected),
        seconds=seconds,
        p50_ms=percentile(latencies, 0.5),
        p99_ms=percentile(latencies, 0.99),
        bad_responses=sum(counts["bad"] for counts, _ in collected),
        errors=sum(counts["errors"] for counts, _ in collected),
    )


class LoadGenerator:
    """wrk or the Python fallback, chosen once; `name` says which, for the report."""

    def __init__(self, settings: LoadSettings, *, use_wrk: bool = True) -> None:
        self.settings = settings
        self.wrk = find_wrk() if use_wrk else None
        if self.wrk:
            self.name = f"wrk -t{settings.threads} -c{settings.connections} -d{settings.seconds:g}s"
        else:
            self.name = (
                f"Python keep-alive generator, {settings.processes} processes, "
                f"{settings.connections} connections, {settings.seconds:g} s"
            )

    def measure(self, url: str, headers: dict[str, str], meter: CpuMeter | None = None) -> HttpStats:
        """A warm-up run (discarded), then the measured run (over which `meter` runs)."""
        if self.settings.warm_up > 0:
            self._run(url, headers, self.settings.warm_up)
        if meter is not None:
            meter.start()
        stats = self._run(url, headers, self.settings.seconds)
        if meter is not None:
            meter.stop()
        return stats

    def _run(self, url: str, headers: dict[str, str], seconds: float) -> HttpStats:
        if self.wrk:
            return run_wrk(self.wrk, url, headers, self.settings, seconds)
        return run_python(url, headers, self.settings, seconds)
