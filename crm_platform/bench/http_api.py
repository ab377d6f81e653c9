"""Section 3, HTTP: an authenticated `GET /api/v1/customers/{id}` through the gateway (JWT
check, gRPC to contacts, database read, translation to JSON) against a bare Flask endpoint
served by gunicorn with the gateway's own gunicorn.conf.py and environment (same workers,
threads and worker class), both under the same load generator settings."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import requests

from crm_platform.bench.cpu import CpuMeter
from crm_platform.bench.load import HttpStats, LoadGenerator
from crm_platform.bench.report import Figure, at_least
from crm_platform.demo_data import thai_tax_id
from crm_platform.processes import BIN, ROOT, Platform, pick_port

SECTION = "http"
RATIO_TARGET = 0.3


def admin_token(platform: Platform) -> str:
    response = requests.post(
        f"{platform.gateway_url}/api/v1/auth/token",
        json={
            "grant_type": "password",
            "username": platform.admin_email,
            "password": platform.admin_password,
        },
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def create_customer(platform: Platform, token: str) -> str:
    response = requests.post(
        f"{platform.gateway_url}/api/v1/customers",
        params={"allow_duplicates": "true"},
        json={
            "kind": "juristic",
            "name": "บริษัท สยามเทคโนโลยี จำกัด",
            "name_en": "Siam Technology Co., Ltd.",
            "tax_id": thai_tax_id("010555000123"),
            "branch_code": "00000",
            "phone": "02-123-4567",
            "email": "info@siamtech.example.co.th",
            "addresses": [
                {
                    "kind": "billing",
                    "house_no": "99/9 อาคารสาทรทาวเวอร์ ถนนสาทรใต้",
                    "sub_district": "ทุ่งมหาเมฆ",
                    "district": "สาทร",
                    "province": "กรุงเทพมหานคร",
                    "postcode": "10120",
                }
            ],
        },
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "bench-http-customer"},
        timeout=30,
    )
    if response.status_code >= 400:
        raise RuntimeError(f"creating the customer failed: {response.status_code} {response.text}")
    return str(response.json()["id"])


@contextmanager
def bare_gunicorn(platform: Platform, timeout: float = 60.0) -> Iterator[tuple[str, int]]:
    """gunicorn serving bare_app with the gateway's config file and environment (its own
    port and var dir, and no migrations: the bare app has no database); yields its URL and
    process group."""
    with tempfile.TemporaryDirectory(prefix="crm-bench-bare-") as tmp:
        port = pick_port()
        env = dict(
            platform.specs()["gateway"].env,
            HTTP_PORT=str(port),
            VAR_DIR=tmp,
            DATABASE_URL=f"sqlite:///{Path(tmp) / 'bare.db'}",
            MIGRATE_ON_START="false",
        )
        argv = [
            str(BIN / "gunicorn"),
            "-c",
            str(ROOT / "gateway" / "gunicorn.conf.py"),
            "crm_platform.bench.bare_app:app",
        ]
        log = (Path(tmp) / "gunicorn.log").open("wb")
        process = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(process, f"{url}/readyz", timeout)
            yield url, process.pid
        finally:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


def _wait_ready(process: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"bare gunicorn exited with {process.returncode}")
        with suppress(urllib.error.URLError, OSError), urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310
            if response.status == 200:
                return
        time.sleep(0.1)
    raise TimeoutError(f"bare gunicorn not ready after {timeout:.0f} s")


def _check(url: str, headers: dict[str, str]) -> None:
    response = requests.get(url, headers=headers, timeout=10)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.text[:300]}")


def _figures(name: str, stats: HttpStats, meter: CpuMeter) -> list[Figure]:
    failures = stats.bad_responses + stats.errors
    note = f"{stats.requests:,} requests" + (f"; {failures:,} failed (non-2xx or socket)" if failures else "")
    cpu = meter.per_request(stats.requests)
    if cpu:
        note += f"; server CPU per request: {cpu}"
    return [
        Figure(SECTION, f"{name} throughput", stats.rate, "req/s", note=note),
        Figure(SECTION, f"{name} latency p50", stats.p50_ms, "ms"),
        Figure(SECTION, f"{name} latency p99", stats.p99_ms, "ms"),
    ]


def run(platform: Platform, load: LoadGenerator, emit: Callable[[Figure], None]) -> list[Figure]:
    """Gateway GET customer vs bare Flask on the running platform."""
    print(f"  http: load generator: {load.name}; gunicorn workers {platform.gateway_workers}", flush=True)
    token = admin_token(platform)
    headers = {"Authorization": f"Bearer {token}"}
    customer_id = create_customer(platform, token)
    gateway_url = f"{platform.gateway_url}/api/v1/customers/{customer_id}"
    _check(gateway_url, headers)
    gateway_meter = CpuMeter(
        {"gateway": platform.processes["gateway"].pid, "contacts": platform.processes["contacts"].pid}
    )
    gateway = load.measure(gateway_url, headers, gateway_meter)
    with bare_gunicorn(platform) as (bare_base, bare_pgid):
        bare_url = f"{bare_base}/bare/{customer_id}"
        _check(bare_url, headers)
        bare_meter = CpuMeter({"gunicorn": bare_pgid})
        bare = load.measure(bare_url, headers, bare_meter)
    figures = [
        *_figures("bare Flask + gunicorn", bare, bare_meter),
        *_figures("gateway GET /api/v1/customers/{id}", gateway, gateway_meter),
        Figure(SECTION, "gateway / bare Flask", gateway.rate / bare.rate, "x", at_least(RATIO_TARGET)),
    ]
    for figure in figures:
        emit(figure)
    return figures
