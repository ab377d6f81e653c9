"""End-to-end fixtures: the whole platform as real processes (nats-server, contacts, the
gateway under gunicorn) on free ports in a temporary folder, driven over HTTP."""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests

from crm_platform.demo_data import thai_tax_id
from crm_platform.processes import Platform, Ports

T = TypeVar("T")


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    # A short ack wait so events held by a killed consumer come back within seconds; approvals
    # looks for overdue steps every second (only steps of a policy with an SLA ever are);
    # activities' scheduler (SCHEDULER_ENABLED, on by default) polls reminders and plans date
    # mail every second instead of every 10 s / 60 s, so a rule due now is sent within seconds.
    # Only activities reads REMINDER_POLL_SECONDS and DATE_MAIL_PLAN_SECONDS.
    running = Platform(
        var_dir=Path(tmp_path_factory.mktemp("platform")),
        ports=Ports.choose(preferred=False),
        extra_env={
            "CONSUMER_ACK_WAIT_SECONDS": "3",
            "ESCALATION_CHECK_SECONDS": "1",
            "SCHEDULER_ENABLED": "true",
            "REMINDER_POLL_SECONDS": "1",
            "DATE_MAIL_PLAN_SECONDS": "1",
            "RENEWAL_CHECK_SECONDS": "1",
            # Every e2e module signs its users in from 127.0.0.1, far more than 20 logins a minute
            # from one address; the login limits themselves are tested in gateway/tests.
            "LOGIN_RATE_PER_IP": "10000",
            "LOGIN_RATE_PER_USER_IP": "10000",
        },
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()


@dataclass
class Client:
    """A signed-in REST client of the gateway."""

    base_url: str
    token: str
    user: dict[str, Any]

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(
            f"{self.base_url}/api/v1{path}", params=params, headers=self._headers(None), timeout=15
        )

    def post(
        self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> requests.Response:
        return requests.post(
            f"{self.base_url}/api/v1{path}", json=body, headers=self._headers(headers), timeout=15
        )

    def patch(self, path: str, body: dict[str, Any]) -> requests.Response:
        return requests.patch(
            f"{self.base_url}/api/v1{path}", json=body, headers=self._headers(None), timeout=15
        )

    def delete(self, path: str) -> requests.Response:
        return requests.delete(f"{self.base_url}/api/v1{path}", headers=self._headers(None), timeout=15)


def login(base_url: str, email: str, password: str) -> Client:
    response = requests.post(
        f"{base_url}/api/v1/auth/token",
        timeout=15,
        json={"grant_type": "password", "username": email, "password": password},
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    me = requests.get(f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=15)
    assert me.status_code == 200, me.text
    return Client(base_url, token, me.json())


PASSWORD = "E2e-Passw0rd!"


@dataclass
class Org:
    """Two teams: north (a manager and two reps) and south (one rep)."""

    admin: Client
    manager: Client
    rep: Client
    other_rep: Client
    south_rep: Client
    north_team: dict[str, Any]
    south_team: dict[str, Any]


@pytest.fixture(scope="session")
def org(platform: Platform) -> Org:
    admin = login(platform.gateway_url, platform.admin_email, platform.admin_password)
    tag = uuid.uuid4().hex[:6]

    def team(name: str) -> dict[str, Any]:
        response = admin.post("/teams", {"name": f"{name} {tag}"})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def user(name: str, roles: list[str], team_id: str) -> Client:
        email = f"{name}.{tag}@example.co.th"
        response = admin.post(
            "/users",
            {
                "email": email,
                "display_name": name,
                "password": PASSWORD,
                "roles": roles,
                "team_ids": [team_id],
                "language": "th",
            },
        )
        assert response.status_code == 201, response.text
        return login(platform.gateway_url, email, PASSWORD)

    north, south = team("North"), team("South")
    return Org(
        admin,
        user("manager", ["sales_manager"], north["id"]),
        user("rep", ["sales_rep"], north["id"]),
        user("other", ["sales_rep"], north["id"]),
        user("south", ["sales_rep"], south["id"]),
        north,
        south,
    )


_serial = itertools.count(1)


def new_tax_id() -> str:
    """A fresh valid juristic tax id (0 + 11 varying digits + check digit)."""
    return thai_tax_id(f"0105{int(time.time() * 1000) % 10**5:05d}{next(_serial) % 1000:03d}")


def customer_body(owner: Client, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "juristic",
        "name": f"บริษัท ทดสอบ {uuid.uuid4().hex[:8]} จำกัด",
        "tax_id": new_tax_id(),
        "branch_code": "00000",
        "phone": "02-123-4567",
        "email": f"{uuid.uuid4().hex[:8]}@example.co.th",
        "owner_id": owner.user["id"],
        "team_id": owner.user["team_ids"][0],
        "addresses": [
            {
                "kind": "billing",
                "house_no": "99/9 ถนนสาทรใต้",
                "sub_district": "ทุ่งมหาเมฆ",
                "district": "สาทร",
                "province": "กรุงเทพมหานคร",
                "postcode": "10120",
            }
        ],
    }
    body.update(overrides)
    return body


def eventually(check: Callable[[], T], timeout: float = 20.0, interval: float = 0.2) -> T:
    """Polls until `check` returns without raising AssertionError (events are asynchronous)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(interval)
