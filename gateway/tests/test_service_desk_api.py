"""REST over the real service-desk service (service_desk.testing.running_service_desk: real gRPC,
its own SQLite or PostgreSQL database, mail to a real aiosmtpd sink): cases opened, listed,
paged, worked and assigned with the gateway's users as callers; bad input named by field with
nothing created; a rep of another team does not see a case; calendars, SLA policies, calendar
settings and an MA contract's proration in decimal strings; and the satisfaction link pages
(GET shows and changes nothing, POST answers once, a used or unknown link says why)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import pytest
from chassis.mail.testing import SmtpSink
from chassis.testing import fresh_database
from crm.servicedesk.v1 import resources_pb2 as res
from flask import Flask
from flask.testing import FlaskClient
from gateway.api import service_desk_models as m
from gateway.translate import enum_short_names
from service_desk.testing import ServiceDeskUnderTest, mail_to, running_service_desk, smtp_sink

CASES = "/api/v1/service-desk/cases"
SURVEY_LINK = re.compile(r"/service/survey/([^\s\"'<>]+)")


@pytest.fixture
def desk_database_url(database_backend: str, tmp_path: Path) -> Iterator[str]:
    """The service desk's own database (the gateway's is `database_url`), on the same backend."""
    with fresh_database(database_backend, tmp_path / "desk.db") as url:
        yield url


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with smtp_sink() as sink:
        yield sink


@pytest.fixture
def desk(desk_database_url: str, tmp_path: Path, smtp: SmtpSink) -> Iterator[ServiceDeskUnderTest]:
    with running_service_desk(
        desk_database_url, None, tmp_path / "desk", **mail_to(smtp), public_base_url="http://gateway.test"
    ) as running:
        yield running


@pytest.fixture
def desk_client(make_app: Callable[..., Flask], desk: ServiceDeskUnderTest) -> FlaskClient:
    return make_app(service_desk_target=f"127.0.0.1:{desk.runtime.grpc_port}").test_client()


@dataclass
class Desk:
    """Two teams: north (a service agent) and south (a sales rep), and the admin."""

    client: FlaskClient
    admin: dict[str, str]
    agent: dict[str, str]
    south_rep: dict[str, str]
    north: str
    south: str


@pytest.fixture
def org(desk_client: FlaskClient, login: Callable[..., dict[str, Any]]) -> Desk:
    admin = {"Authorization": f"Bearer {login(desk_client)['access_token']}"}

    def team(name: str) -> str:
        made = desk_client.post(
            "/api/v1/teams", headers=admin, json={"name": f"{name} {uuid.uuid4().hex[:6]}"}
        )
        assert made.status_code == 201, made.json
        return str(made.json["id"])  # type: ignore[index]

    def user(role: str, team_id: str) -> dict[str, str]:
        email = f"{role}-{uuid.uuid4().hex[:8]}@example.co.th"
        body = {
            "email": email,
            "password": "Desk-Passw0rd!",
            "roles": [role],
            "team_ids": [team_id],
            "display_name": role,
        }
        made = desk_client.post("/api/v1/users", headers=admin, json=body)
        assert made.status_code == 201, made.json
        return {"Authorization": f"Bearer {login(desk_client, email, 'Desk-Passw0rd!')['access_token']}"}

    north, south = team("Support north"), team("Sales south")
    return Desk(desk_client, admin, user("service_agent", north), user("sales_rep", south), north, south)


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def open_case(org: Desk, **overrides: Any) -> dict[str, Any]:
    body = {"title": "เครื่องสำรองไฟไม่ทำงาน", "priority": "high", "team_id": org.north, "customer_id": "cus_1"}
    body.update(overrides)
    made = org.client.post(CASES, headers={**org.agent, **key()}, json=body)
    assert made.status_code == 201, made.json
    return dict(made.json)  # type: ignore[arg-type]


def fields_of(response: Any) -> dict[str, str]:
    assert response.content_type == "application/problem+json", response.data
    return {e["field"]: e["reason"] for e in response.json.get("errors", [])}


@pytest.mark.parametrize(
    ("literal", "enum"),
    [
        (m.PriorityName, res.Priority),
        (m.CaseStatusName, res.CaseStatus),
        (m.BillingPeriodName, res.BillingPeriod),
        (m.EscalationActionName, res.EscalationActionKind),
    ],
)
def test_request_enum_names_match_the_proto_enums(literal: Any, enum: Any) -> None:
    assert list(get_args(literal)) == enum_short_names(enum.DESCRIPTOR)


def test_an_agent_opens_lists_works_and_assigns_a_case(org: Desk) -> None:
    client, agent = org.client, org.agent
    headers = {**agent, **key()}
    body = {"title": "UPS alarm", "priority": "high", "team_id": org.north, "requester_email": "k@c.example"}
    first = client.post(CASES, headers=headers, json=body)
    again = client.post(CASES, headers=headers, json=body)
    assert first.status_code == 201, first.json
    case = first.json
    assert again.json["id"] == case["id"]  # the Idempotency-Key created it once
    assert (case["status"], case["priority"], case["team_id"]) == ("new", "high", org.north)
    assert first.headers["ETag"] == f'"{case["version"]}"'
    open_case(org, title="Second case")

    listed = client.get(CASES, headers=agent, query_string={"status": "new", "team_id": org.north})
    assert listed.status_code == 200, listed.json
    assert {c["title"] for c in listed.json["cases"]} == {"UPS alarm", "Second case"}
    page = client.get(CASES, headers=agent, query_string={"page_size": 1})
    assert len(page.json["cases"]) == 1
    rest = client.get(
        CASES, headers=agent, query_string={"page_size": 1, "page_token": page.json["next_page_token"]}
    )
    assert len(rest.json["cases"]) == 1
    assert rest.json["cases"][0]["id"] != page.json["cases"][0]["id"]

    working = client.post(f"{CASES}/{case['id']}/status", headers=agent, json={"status": "in_progress"})
    assert working.status_code == 200, working.json
    assert working.json["status"] == "in_progress"
    stale = client.post(
        f"{CASES}/{case['id']}/status", headers={**agent, "If-Match": '"1"'}, json={"status": "resolved"}
    )
    assert stale.status_code == 409, stale.json

    note = client.post(
        f"{CASES}/{case['id']}/notes", headers={**agent, **key()}, json={"body": "ตรวจแบตเตอรี่"}
    )
    reply = client.post(
        f"{CASES}/{case['id']}/replies", headers={**agent, **key()}, json={"body": "กำลังตรวจสอบ"}
    )
    assert (note.status_code, reply.status_code) == (201, 201), (note.json, reply.json)
    assert (note.json["message"]["customer_visible"], reply.json["message"]["customer_visible"]) == (
        False,
        True,
    )
    assert reply.json["case"]["first_response_time"] is not None

    assigned = client.post(f"{CASES}/{case['id']}/assign", headers=agent, json={"assignee_id": "u-someone"})
    assert assigned.json["assignee_id"] == "u-someone"
    shown = client.get(f"{CASES}/{case['id']}", headers=agent)
    assert shown.status_code == 200
    assert {x["body"]: x["customer_visible"] for x in shown.json["messages"]} == {
        "ตรวจแบตเตอรี่": False,
        "กำลังตรวจสอบ": True,
    }
    assert shown.json["case"]["status"] == "in_progress"
    assert shown.json["case"]["requester_email"] == "k@c.example"


def test_bad_input_names_the_field_and_creates_nothing(org: Desk) -> None:
    client = org.client
    untitled = client.post(
        CASES,
        headers={**org.agent, **key()},
        json={"title": "   ", "team_id": org.north, "customer_id": "cus_1"},
    )
    assert untitled.status_code == 422
    assert "title" in fields_of(untitled)
    unknown_status = client.get(CASES, headers=org.agent, query_string={"status": "done"})
    assert "status" in fields_of(unknown_status)
    assert client.get(CASES, headers=org.agent).json["cases"] == []

    overlapping = {
        "name": "Office",
        "zone": "Asia/Bangkok",
        "windows": [
            {"weekday": 0, "start": "08:30", "end": "12:00"},
            {"weekday": 0, "start": "11:00", "end": "14:00"},
        ],
    }
    refused = client.post("/api/v1/service-desk/calendars", headers={**org.admin, **key()}, json=overlapping)
    assert refused.status_code == 422, refused.json
    assert "overlaps" in fields_of(refused)["windows[1]"]  # the service's field, without "calendar."
    assert client.get("/api/v1/service-desk/calendars", headers=org.admin).json["calendars"] == []


def test_a_sales_rep_of_another_team_does_not_see_the_case(org: Desk) -> None:
    case = open_case(org)

    hidden = org.client.get(f"{CASES}/{case['id']}", headers=org.south_rep)
    assert hidden.status_code == 404, hidden.json
    assert org.client.get(CASES, headers=org.south_rep).json["cases"] == []
    refused = org.client.post(
        f"{CASES}/{case['id']}/status", headers=org.south_rep, json={"status": "closed"}
    )
    assert refused.status_code == 404
    assert org.client.get(f"{CASES}/{case['id']}", headers=org.agent).json["case"]["status"] == "new"


def test_admin_sets_up_calendars_policies_and_team_calendars(org: Desk) -> None:
    client, admin = org.client, org.admin
    windows = [
        {"weekday": day, "start": start, "end": end}
        for day in range(5)
        for start, end in (("08:30", "12:00"), ("13:00", "17:30"))
    ]
    body = {"name": "Bangkok office", "zone": "Asia/Bangkok", "windows": windows, "holidays": []}
    made = client.post("/api/v1/service-desk/calendars", headers={**admin, **key()}, json=body)
    assert made.status_code == 201, made.json
    calendar = made.json
    holiday = {"date": "2026-04-06", "name": "วันจักรี (ชดเชย)"}
    changed = client.put(
        f"/api/v1/service-desk/calendars/{calendar['id']}",
        headers={**admin, "If-Match": made.headers["ETag"]},
        json={**body, "holidays": [holiday]},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["version"] == calendar["version"] + 1
    shown = client.get(f"/api/v1/service-desk/calendars/{calendar['id']}", headers=org.agent)
    assert shown.json["holidays"][0]["date"] == "2026-04-06"

    policy = {
        "name": "Standard",
        "position": 10,
        "calendar_id": calendar["id"],
        "targets": [{"priority": "normal", "first_response_minutes": 120, "resolution_minutes": 960}],
        "pause_statuses": ["waiting_for_customer"],
        "breach_actions": [{"kind": "notify_team_lead"}],
    }
    created = client.post("/api/v1/service-desk/sla-policies", headers={**admin, **key()}, json=policy)
    assert created.status_code == 201, created.json
    assert created.json["targets"][0]["priority"] == "normal"
    below = {
        **policy,
        "targets": [{"priority": "normal", "first_response_minutes": 120, "resolution_minutes": 60}],
    }
    refused = client.put(f"/api/v1/service-desk/sla-policies/{created.json['id']}", headers=admin, json=below)
    assert "targets[0].resolution_minutes" in fields_of(refused)
    by_agent = client.post("/api/v1/service-desk/sla-policies", headers={**org.agent, **key()}, json=policy)
    assert by_agent.status_code == 403
    listed = client.get("/api/v1/service-desk/sla-policies", headers=org.agent).json["policies"]
    assert [(p["name"], p["version"]) for p in listed] == [("Standard", 1)]

    team = client.put(
        f"/api/v1/service-desk/calendar-settings/teams/{org.north}",
        headers=admin,
        json={"calendar_id": calendar["id"]},
    )
    assert team.status_code == 200, team.json
    company = client.put(
        "/api/v1/service-desk/calendar-settings/company", headers=admin, json={"calendar_id": calendar["id"]}
    )
    assert company.status_code == 200, company.json
    settings = client.get("/api/v1/service-desk/calendar-settings", headers=org.agent).json
    assert settings == {"company_calendar_id": calendar["id"], "team_calendars": {org.north: calendar["id"]}}


def test_a_contract_item_added_in_april_costs_its_prorated_fee_in_decimal_strings(org: Desk) -> None:
    client, admin = org.client, org.admin
    thb = {"currency": "THB"}
    body = {
        "customer_id": "cus_1",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "billing_period": "yearly",
        "fee": {"amount": "120000.00", **thb},
        "covered_items": [{"product_id": "prd_ups", "serial_number": "UPS-001"}],
        "team_id": org.north,
    }
    made = client.post("/api/v1/service-desk/contracts", headers={**admin, **key()}, json=body)
    assert made.status_code == 201, made.json
    contract = made.json
    assert (contract["status"], contract["fee"]) == ("draft", {"amount": "120000.00", "currency": "THB"})
    backwards = {**body, "end_date": "2025-12-31"}
    refused = client.post("/api/v1/service-desk/contracts", headers={**admin, **key()}, json=backwards)
    assert "end_date" in fields_of(refused)
    as_number = {**body, "fee": {"amount": 120000.0, **thb}}
    assert "fee.amount" in fields_of(
        client.post("/api/v1/service-desk/contracts", headers=admin, json=as_number)
    )
    assert [
        c["id"] for c in client.get("/api/v1/service-desk/contracts", headers=admin).json["contracts"]
    ] == [contract["id"]]

    submitted = client.post(f"/api/v1/service-desk/contracts/{contract['id']}/submit", headers=admin)
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["submit_time"] is not None
    item = {
        "product_id": "prd_aircon",
        "serial_number": "AC-77",
        "yearly_value": {"amount": "36500.00", **thb},
    }
    added = client.post(
        f"/api/v1/service-desk/contracts/{contract['id']}/covered-items",
        headers=admin,
        json={"item": item, "added_on": "2026-04-01"},
    )
    assert added.status_code == 200, added.json
    assert added.json["charge"] == {"amount": "27500.00", "currency": "THB"}
    cancelled = client.post(
        f"/api/v1/service-desk/contracts/{contract['id']}/cancel",
        headers=admin,
        json={"effective_on": "2026-04-01", "reason": "customer left"},
    )
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["contract"]["cancelled_on"] == "2026-04-01"
    shown = client.get(f"/api/v1/service-desk/contracts/{contract['id']}", headers=admin).json
    assert shown["status"] == "cancelled"


def resolved_case_link(
    org: Desk, desk: ServiceDeskUnderTest, smtp: SmtpSink, requester: str
) -> tuple[str, str]:
    """A case of `requester` resolved by the agent: (case id, the survey link's path)."""
    case = open_case(org, requester_email=requester, requester_name="คุณสมชาย")
    resolved = org.client.post(f"{CASES}/{case['id']}/status", headers=org.agent, json={"status": "resolved"})
    assert resolved.status_code == 200, resolved.json
    mail = smtp.wait_for(lambda m: requester in m.recipients and bool(SURVEY_LINK.search(m.body())))[0]
    token = SURVEY_LINK.findall(mail.body())[0]
    return case["id"], f"/service/survey/{token}"


def test_the_survey_page_changes_nothing_and_its_form_answers_once(
    org: Desk, desk: ServiceDeskUnderTest, smtp: SmtpSink
) -> None:
    client = org.client
    case_id, link = resolved_case_link(org, desk, smtp, "somchai@customer.example")

    for _ in range(2):  # a mail scanner's prefetch, then the customer
        page = client.get(link)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "เครื่องสำรองไฟไม่ทำงาน" in html
        assert 'name="solved"' in html
        assert 'name="score"' in html
        assert page.headers["Cache-Control"] == "no-store"
        assert page.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(f"{CASES}/{case_id}", headers=org.agent).json["case"]["status"] == "resolved"

    empty = client.post(link, data={"comment": "ok"})
    assert empty.status_code == 422
    assert client.get(f"{CASES}/{case_id}", headers=org.agent).json["case"]["status"] == "resolved"

    answered = client.post(link, data={"solved": "yes", "score": "5", "comment": "รวดเร็วมาก"})
    assert answered.status_code == 200, answered.get_data(as_text=True)
    assert "ปิดเรียบร้อย" in answered.get_data(as_text=True)
    case = client.get(f"{CASES}/{case_id}", headers=org.agent).json["case"]
    assert (case["status"], case["satisfaction_score"]) == ("closed", 5)

    used = client.get(link)
    assert used.status_code == 409
    assert "ได้รับคำตอบแล้ว" in used.get_data(as_text=True)
    twice = client.post(link, data={"solved": "no"})
    assert twice.status_code == 409
    assert client.get(f"{CASES}/{case_id}", headers=org.agent).json["case"]["status"] == "closed"
    assert client.get("/service/survey/not-a-token").status_code == 404
    assert client.post("/service/survey/not-a-token", data={"solved": "yes"}).status_code == 404


def test_the_link_of_an_earlier_resolve_is_superseded_and_changes_nothing(
    org: Desk, desk: ServiceDeskUnderTest, smtp: SmtpSink
) -> None:
    client = org.client
    case_id, first = resolved_case_link(org, desk, smtp, "jane@customer.example")
    desk.clock.set(desk.clock.now + dt.timedelta(hours=1))  # the service's clock stands where tests put it
    working = client.post(f"{CASES}/{case_id}/status", headers=org.agent, json={"status": "in_progress"})
    assert working.status_code == 200, working.json
    resolve_again = client.post(f"{CASES}/{case_id}/status", headers=org.agent, json={"status": "resolved"})
    assert resolve_again.status_code == 200, resolve_again.json

    stale = client.get(first)
    assert stale.status_code == 410
    refused = client.post(first, data={"solved": "yes", "score": "4"})
    assert refused.status_code == 410
    assert "ลิงก์ใหม่" in refused.get_data(as_text=True)  # the customer's language: Thai by default
    assert client.get(f"{CASES}/{case_id}", headers=org.agent).json["case"]["status"] == "resolved"
