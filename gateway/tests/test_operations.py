"""The gateway's own /metrics, /healthz and /readyz, the CLI, and the identity outbox relayed
to a real NATS JetStream by the relay thread that create_app starts."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import nats
import nats.js.errors
import pytest
import requests
import sqlalchemy as sa
from chassis.db import Database
from chassis.testing import free_port, wait_for_port
from gateway.adapters.tables import users
from gateway.cli import main as cli_main


def test_health_and_readiness(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").json == {"status": "ready"}


def test_http_metrics_are_labelled_by_route_template(client, admin_headers):
    client.get("/api/v1/leads/some-id", headers=admin_headers)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'http_requests_total{method="GET",route="/api/v1/leads/<lead_id>",status="404"}' in text
    assert "http_request_duration_seconds_bucket" in text
    assert "some-id" not in text


def test_cli_migrates_and_creates_an_admin(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    assert cli_main(["migrate"]) == 0
    assert cli_main(["create-admin", "--email", "Root@Example.co.th", "--password", "Root-Passw0rd!"]) == 0
    assert cli_main(["create-admin", "--email", "root@example.co.th", "--password", "Root-Passw0rd!"]) == 1
    database = Database(database_url)
    try:
        with database.read() as session:
            emails = session.execute(sa.select(users.c.email)).scalars().all()
    finally:
        database.dispose()
    assert emails == ["root@example.co.th"]
    assert "exists already" in capsys.readouterr().err


@pytest.mark.slow
def test_identity_events_reach_jetstream(make_app, nats_server, login):
    app = make_app(events_enabled=True, nats_url=nats_server.url)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {login(client)['access_token']}"}
    created = client.post(
        "/api/v1/users",
        headers=headers,
        json={"email": "event@example.co.th", "password": "Event-Passw0rd!", "roles": ["marketing"]},
    ).json

    async def read_user_events() -> list[str]:
        connection = await nats.connect(nats_server.url)
        try:
            js = connection.jetstream()
            subscription = None
            for _ in range(100):  # the relay creates the stream when it first connects
                try:
                    subscription = await js.subscribe("crm.identity.user.>", ordered_consumer=True)
                    break
                except nats.js.errors.NotFoundError:
                    await asyncio.sleep(0.2)
            assert subscription is not None
            subjects = []
            while len(subjects) < 2:
                message = await subscription.next_msg(timeout=20)
                subjects.append((message.subject, message.headers.get("Crm-Aggregate-Id")))
            return subjects
        finally:
            await connection.close()

    events = asyncio.run(read_user_events())
    # The first admin (created at start) and the new user, in order.
    assert [subject for subject, _ in events] == ["crm.identity.user.created", "crm.identity.user.created"]
    assert events[1][1] == created["id"]
    assert client.get("/readyz").status_code == 200


@pytest.mark.slow
def test_gunicorn_serves_the_app_with_two_workers(database_url, tmp_path, fake_contacts):
    """The real entry point: gunicorn.conf.py migrates once in the master, creates the admin,
    and two workers share the login rate limit and the metrics."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "VAR_DIR": str(tmp_path),
        "HTTP_PORT": str(port),
        "GUNICORN_WORKERS": "2",
        "EVENTS_ENABLED": "false",
        "CONTACTS_TARGET": fake_contacts.target,
        "ADMIN_EMAIL": "admin@example.co.th",
        "ADMIN_PASSWORD": "admin-Passw0rd!",
        "LOGIN_RATE_PER_USER_IP": "3",
        "ARGON2_TIME_COST": "2",
        "ARGON2_MEMORY_KIB": "19456",
        "ARGON2_PARALLELISM": "1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(root / "gateway" / "gunicorn.conf.py"),
            "gateway.wsgi:app",
        ],
        env=env,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port("127.0.0.1", port, timeout=60)
        for _ in range(100):
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            time.sleep(0.2)
        bad = {"grant_type": "password", "username": "admin@example.co.th", "password": "wrong-password"}
        statuses = [
            requests.post(f"{base}/api/v1/auth/token", json=bad, timeout=10).status_code for _ in range(5)
        ]
        assert statuses == [401, 401, 401, 429, 429]
        metrics = requests.get(f"{base}/metrics", timeout=10).text
        assert 'route="/api/v1/auth/token",status="429"' in metrics
        assert requests.get(f"{base}/api/v1/openapi.json", timeout=10).json()["openapi"] == "3.1.0"
    finally:
        process.terminate()
        process.wait(30)
