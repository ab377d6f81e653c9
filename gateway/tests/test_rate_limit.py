"""Login rate limits are counted in a store shared by all workers (the database, or Redis)."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from chassis.testing import free_port, wait_for_port
from gateway.ratelimit import Limit, RateLimiter, RedisCounters

BAD_LOGIN = {"grant_type": "password", "username": "admin@example.co.th", "password": "not-the-password"}


def test_login_is_refused_with_429_and_retry_after_after_too_many_attempts(make_app):
    client = make_app(login_rate_per_user_ip=3, login_rate_window_seconds=3600).test_client()
    statuses = [client.post("/api/v1/auth/token", json=BAD_LOGIN).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    refused = client.post("/api/v1/auth/token", json=BAD_LOGIN)
    assert refused.status_code == 429
    assert refused.content_type == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    # Even the right password waits until the window ends.
    good = dict(BAD_LOGIN, password="admin-Passw0rd!")
    assert client.post("/api/v1/auth/token", json=good).status_code == 429


def test_the_limit_is_shared_by_two_workers_on_one_database(make_app):
    first = make_app(login_rate_per_user_ip=4).test_client()
    second = make_app(login_rate_per_user_ip=4).test_client()
    statuses = [
        worker.post("/api/v1/auth/token", json=BAD_LOGIN).status_code
        for worker in (first, second, first, second, first, second)
    ]
    assert statuses == [401, 401, 401, 401, 429, 429]


def test_the_per_ip_limit_covers_many_usernames(make_app):
    client = make_app(login_rate_per_ip=3).test_client()
    statuses = [
        client.post("/api/v1/auth/token", json=dict(BAD_LOGIN, username=f"u{i}@example.co.th")).status_code
        for i in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


def test_other_ips_are_not_limited(make_app):
    client = make_app(login_rate_per_user_ip=1).test_client()
    assert client.post("/api/v1/auth/token", json=BAD_LOGIN).status_code == 401
    assert client.post("/api/v1/auth/token", json=BAD_LOGIN).status_code == 429
    other = client.post("/api/v1/auth/token", json=BAD_LOGIN, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 401


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port("127.0.0.1", port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def test_redis_counters_are_shared_between_limiters(redis_url):
    limit = Limit("login-ip", 2, 60)
    first, second = RateLimiter(RedisCounters(redis_url)), RateLimiter(RedisCounters(redis_url))
    now = time.time()
    first.clock = second.clock = lambda: now
    first.hit([(limit, "10.0.0.1")])
    second.hit([(limit, "10.0.0.1")])
    with pytest.raises(Exception, match="too many attempts") as refused:
        first.hit([(limit, "10.0.0.1")])
    assert refused.value.status == 429


def test_cleanup_removes_only_windows_that_have_ended(database_url):
    import sqlalchemy as sa
    from chassis.db import Database, migrate
    from gateway.adapters.tables import rate_limit_counters
    from gateway.cli import MIGRATIONS_DIR
    from gateway.ratelimit import DatabaseCounters

    migrate(database_url, MIGRATIONS_DIR)
    database = Database(database_url)
    try:
        always_clean = DatabaseCounters(database, cleanup_probability=1.0)
        day = 86_400
        now = 10 * day + 5_000.0
        assert always_clean.hit("long", day, now)[0] == 1  # a day-long window, current
        assert always_clean.hit("short", 60, now - 120)[0] == 1  # a minute-long window, ended
        # The next hit cleans up: the ended minute goes; the current day, over an hour old, stays.
        assert always_clean.hit("long", day, now + 3_700)[0] == 2
        with database.read() as session:
            keys = session.execute(sa.select(rate_limit_counters.c.key)).scalars().all()
        assert sorted(keys) == ["long"]
    finally:
        database.dispose()
