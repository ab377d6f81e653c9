"""The approval center through the gateway with the real platform processes (nats-server, the
mail sink, approvals, the gateway): a rep with a manager, a policy "discount ≥ 20 % → the
requester's manager", a submitted quotation with a 25 % discount → the manager's mail → the
link's page (GET decides nothing) → POST approves → crm.approvals.request.approved is on the
stream and the rep gets the result; the same with a rejection and its reason over REST.

sales-docs does not exist yet, so the test publishes crm.sales.quotation.submitted to NATS as
sales-docs will; when it exists, the same story starts from POST /api/v1/quotations/{id}/submit
and ends with the quotation approved."""

from __future__ import annotations

import email
import email.policy
import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from crm.approvals.v1 import events_pb2 as ev
from crm.common.v1 import money_pb2
from crm.identity.v1 import identity_pb2 as identity
from crm.sales.v1 import events_pb2 as sales

from crm_platform.processes import Platform

from .conftest import PASSWORD, Client, eventually, login
from .stream import publish, read_stream

LINK = re.compile(r"(https?://\S+/approvals/act/[A-Za-z0-9_\-]+)")


@dataclass
class Team:
    admin: Client
    manager: Client
    rep: Client


@pytest.fixture(scope="module")
def approval_team(platform: Platform) -> Team:
    admin = login(platform.gateway_url, platform.admin_email, platform.admin_password)
    tag = uuid.uuid4().hex[:6]
    team = admin.post("/teams", {"name": f"Approvals {tag}"}).json()

    def user(name: str, roles: list[str], manager_id: str | None) -> Client:
        email_address = f"{name}.{tag}@example.co.th"
        body = {
            "email": email_address,
            "display_name": name,
            "password": PASSWORD,
            "roles": roles,
            "team_ids": [team["id"]],
            "language": "th",
            "manager_id": manager_id,
        }
        response = admin.post("/users", body)
        assert response.status_code == 201, response.text
        return login(platform.gateway_url, email_address, PASSWORD)

    manager = user("approver", ["sales_manager"], None)
    rep = user("requester", ["sales_rep"], manager.user["id"])
    policy = {
        "request_type": "quotation",
        "name": f"discount 20% {tag}",
        "priority": 10,
        "conditions": {"min_discount_percent": "20"},
        "steps": [{"name": "manager", "approver_kind": "manager", "manager_levels": 1, "mode": "any"}],
    }
    created = admin.post("/approval-policies", policy, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert created.status_code == 201, created.text
    # The approvals consumer applies events in stream order: once the rep's identity event is on
    # the stream, a quotation published after it meets a known rep with a manager.
    eventually(lambda: _on_stream(platform, rep.user["id"]), timeout=30)
    return Team(admin, manager, rep)


def _on_stream(platform: Platform, user_id: str) -> None:
    events = read_stream(platform.nats_url, "crm.identity.user.created")
    assert any(identity.UserCreated.FromString(e.data).user.id == user_id for e in events)


def thb(amount: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code="THB", amount=amount)


def submit_quotation(platform: Platform, rep: Client, quotation_id: str) -> None:
    publish(
        platform.nats_url,
        "crm.sales.quotation.submitted",
        sales.QuotationSubmitted(
            quotation_id=quotation_id,
            number=f"QT2569-{quotation_id[-5:]}",
            revision=1,
            customer_id="cus_e2e",
            customer_name="บริษัท ทดสอบอนุมัติ จำกัด",
            requester_id=rep.user["id"],
            team_id=rep.user["team_ids"][0],
            subtotal=thb("100000.00"),
            discount=thb("25000.00"),
            discount_percent="25.00",
            grand_total=thb("80250.00"),
            link=f"/quotations/{quotation_id}",
            version=1,
        ),
    )


def mail_to(platform: Platform, address: str, containing: str) -> email.message.EmailMessage:
    def find() -> email.message.EmailMessage:
        for path in sorted(platform.mail_dir.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in str(message["To"]) and containing in str(message["Subject"]):
                assert isinstance(message, email.message.EmailMessage)
                return message
        raise AssertionError(f"no mail to {address} about {containing}")

    return eventually(find, timeout=30)


def text_of(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def pending_request(client: Client, number: str) -> dict[str, Any]:
    def find() -> dict[str, Any]:
        body = client.get("/approvals").json()
        found = [r for r in body["requests"] if number in r["snapshot"]["title"]]
        assert found, body
        return dict(found[0])

    return eventually(find, timeout=30)


def test_the_manager_approves_by_the_mail_link(platform: Platform, approval_team: Team) -> None:
    quotation_id = f"q_{uuid.uuid4().hex[:10]}"
    submit_quotation(platform, approval_team.rep, quotation_id)
    number = f"QT2569-{quotation_id[-5:]}"
    mail = mail_to(platform, approval_team.manager.user["email"], number)
    approve_url, _reject_url = LINK.findall(text_of(mail))
    page = requests.get(approve_url, timeout=15)
    assert page.status_code == 200
    assert "บริษัท ทดสอบอนุมัติ จำกัด" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    request = pending_request(approval_team.manager, number)  # the GET decided nothing
    assert request["status"] == "pending"
    done = requests.post(approve_url, data={"reason": ""}, timeout=15)
    assert done.status_code == 200, done.text
    assert "อนุมัติเรียบร้อยแล้ว" in done.text

    def approved_event() -> ev.ApprovalRequestEvent:
        events = [
            ev.ApprovalRequestEvent.FromString(e.data)
            for e in read_stream(platform.nats_url, "crm.approvals.request.approved")
        ]
        found = [e for e in events if e.subject_id == quotation_id]
        assert found
        return found[0]

    event = eventually(approved_event, timeout=30)
    assert (event.decision, event.decided_by, event.revision) == (
        "approved",
        approval_team.manager.user["id"],
        1,
    )
    result = mail_to(platform, approval_team.rep.user["email"], "อนุมัติแล้ว")
    assert number in str(result["Subject"])
    again = requests.post(approve_url, data={}, timeout=15)
    assert again.status_code == 409
    detail = approval_team.rep.get(f"/approvals/{request['id']}").json()
    assert [h["channel"] for h in detail["history"] if h["action"] == "approved"] == ["email_link"]


def test_the_manager_rejects_with_a_reason_over_rest(platform: Platform, approval_team: Team) -> None:
    quotation_id = f"q_{uuid.uuid4().hex[:10]}"
    submit_quotation(platform, approval_team.rep, quotation_id)
    number = f"QT2569-{quotation_id[-5:]}"
    request = pending_request(approval_team.manager, number)
    missing = approval_team.manager.post(f"/approvals/{request['id']}/reject", {})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"
    own = approval_team.rep.post(f"/approvals/{request['id']}/approve", {})
    assert own.status_code == 403
    rejected = approval_team.manager.post(f"/approvals/{request['id']}/reject", {"reason": "ส่วนลดเกินนโยบาย"})
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    result = mail_to(platform, approval_team.rep.user["email"], number)
    assert "ส่วนลดเกินนโยบาย" in text_of(result)
