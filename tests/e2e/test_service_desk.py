"""Issue 9's service desk through the gateway with the real platform processes (nats-server, the
mail sink, service-desk, the gateway): an admin sets up a business calendar and an SLA policy
over REST; an agent opens a case for a customer's e-mail address, replies and resolves it; the
satisfaction mail reaches the platform's SMTP sink; its link's page changes nothing on GET;
"not solved" reopens the case; the next resolve mails a new link whose score of 5 closes the
case, and the first link then says it cannot be used. Bad input names the field and creates
nothing."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import pytest
import requests

from crm_platform.processes import Platform

from .conftest import Client, eventually, login
from .quotes import created, key, mails, new_user, ok, text_of

SURVEY_LINK = re.compile(r"(https?://\S+/service/survey/[^\s\"'<>]+)")
WEEKDAYS_OFFICE = [
    {"weekday": day, "start": start, "end": end}
    for day in range(5)
    for start, end in (("08:30", "12:00"), ("13:00", "17:30"))
]


@dataclass
class Desk:
    admin: Client
    agent: Client
    team_id: str
    tag: str


@pytest.fixture(scope="module")
def desk(platform: Platform) -> Desk:
    admin = login(platform.gateway_url, platform.admin_email, platform.admin_password)
    tag = uuid.uuid4().hex[:6]
    team_id = created(admin.post("/teams", {"name": f"Service desk {tag}"}))["id"]
    agent = new_user(platform, admin, f"agent.{tag}@example.co.th", ["service_agent"], team_id)
    return Desk(admin, agent, team_id, tag)


def put(client: Client, path: str, body: dict[str, Any]) -> requests.Response:
    return requests.put(
        f"{client.base_url}/api/v1{path}", json=body, headers=client._headers(None), timeout=15
    )


def survey_mails(platform: Platform, address: str) -> list[EmailMessage]:
    return [m for m in mails(platform, address) if SURVEY_LINK.search(text_of(m))]


def next_survey_link(platform: Platform, address: str, count: int) -> str:
    """The link of the `count`-th satisfaction mail to `address` (polled from the mail sink)."""

    def arrived() -> str:
        found = survey_mails(platform, address)
        assert len(found) >= count, f"{len(found)} survey mail to {address}"
        return str(SURVEY_LINK.findall(text_of(found[count - 1]))[0])

    return eventually(arrived, timeout=30)


def case_status(desk: Desk, case_id: str) -> str:
    return str(ok(desk.agent.get(f"/service-desk/cases/{case_id}"))["case"]["status"])


def resolve(desk: Desk, case_id: str) -> None:
    resolved = ok(desk.agent.post(f"/service-desk/cases/{case_id}/status", {"status": "resolved"}))
    assert resolved["status"] == "resolved"


def test_admin_sets_up_an_agent_resolves_and_the_customer_answers_by_the_mail_link(
    platform: Platform, desk: Desk
) -> None:
    calendar_body = {"name": f"Office {desk.tag}", "zone": "Asia/Bangkok", "windows": WEEKDAYS_OFFICE}
    calendar = created(desk.admin.post("/service-desk/calendars", calendar_body, headers=key()))
    policy_body = {
        "name": f"E2E {desk.tag}",
        "position": 5,
        "calendar_id": calendar["id"],
        "conditions": {"case_types": [f"e2e-{desk.tag}"]},
        "targets": [{"priority": "normal", "first_response_minutes": 60, "resolution_minutes": 480}],
    }
    policy = created(desk.admin.post("/service-desk/sla-policies", policy_body, headers=key()))
    ok(
        put(
            desk.admin,
            f"/service-desk/calendar-settings/teams/{desk.team_id}",
            {"calendar_id": calendar["id"]},
        )
    )

    requester = f"somchai.{desk.tag}@customer.example"
    case_body = {
        "title": f"เครื่องปรับอากาศไม่เย็น {desk.tag}",
        "priority": "normal",
        "case_type": f"e2e-{desk.tag}",
        "team_id": desk.team_id,
        "requester_email": requester,
        "requester_name": "คุณสมชาย",
    }
    case = created(desk.agent.post("/service-desk/cases", case_body, headers=key()))
    assert case["sla_policy_id"] == policy["id"]
    assert case["first_response"]["target_minutes"] == 60
    replied = created(
        desk.agent.post(f"/service-desk/cases/{case['id']}/replies", {"body": "ช่างจะเข้าไปพรุ่งนี้"})
    )
    assert replied["case"]["first_response_time"] is not None
    resolve(desk, case["id"])

    first_link = next_survey_link(platform, requester, 1)
    for _ in range(2):  # a mail scanner's prefetch, then the customer: neither answers
        page = requests.get(first_link, timeout=15)
        assert page.status_code == 200, page.text
        assert case_body["title"] in page.text
    assert case_status(desk, case["id"]) == "resolved"

    not_solved = requests.post(first_link, data={"solved": "no", "comment": "ยังไม่เย็น"}, timeout=15)
    assert not_solved.status_code == 200, not_solved.text
    assert case_status(desk, case["id"]) == "in_progress"

    resolve(desk, case["id"])
    second_link = next_survey_link(platform, requester, 2)
    assert second_link != first_link
    happy = requests.post(second_link, data={"score": "5"}, timeout=15)
    assert happy.status_code == 200, happy.text
    closed = ok(desk.agent.get(f"/service-desk/cases/{case['id']}"))["case"]
    assert (closed["status"], closed["satisfaction_score"]) == ("closed", 5)

    spent = requests.get(first_link, timeout=15)
    assert spent.status_code == 409
    assert "ลิงก์นี้ใช้ไม่ได้" in spent.text
    again = requests.post(second_link, data={"solved": "no"}, timeout=15)
    assert again.status_code == 409
    assert case_status(desk, case["id"]) == "closed"
    assert len(survey_mails(platform, requester)) == 2


def test_bad_input_names_the_field_and_creates_nothing(desk: Desk) -> None:
    untitled = desk.agent.post("/service-desk/cases", {"title": " ", "requester_email": "x@y.example"})
    assert untitled.status_code == 422, untitled.text
    assert [e["field"] for e in untitled.json()["errors"]] == ["title"]

    name = f"Backwards {desk.tag}"
    backwards = {
        "name": name,
        "targets": [{"priority": "high", "first_response_minutes": 120, "resolution_minutes": 60}],
    }
    refused = desk.admin.post("/service-desk/sla-policies", backwards, headers=key())
    assert refused.status_code == 422, refused.text
    assert "targets[0].resolution_minutes" in {e["field"] for e in refused.json()["errors"]}
    policies = ok(desk.admin.get("/service-desk/sla-policies", page_size=500))["policies"]
    assert name not in {p["name"] for p in policies}

    contract = {
        "customer_id": "cus_e2e",
        "start_date": "2026-12-31",
        "end_date": "2026-01-01",
        "billing_period": "yearly",
        "fee": {"amount": "12000.00", "currency": "THB"},
    }
    before = ok(desk.agent.get("/service-desk/contracts", customer_id="cus_e2e"))["contracts"]
    ended_first = desk.agent.post("/service-desk/contracts", contract, headers=key())
    assert ended_first.status_code == 422, ended_first.text
    assert "end_date" in {e["field"] for e in ended_first.json()["errors"]}
    assert ok(desk.agent.get("/service-desk/contracts", customer_id="cus_e2e"))["contracts"] == before
