"""Issue 6's approval stories through the gateway with the real platform processes (nats-server,
the mail sink, contacts, pricing, sales-docs, approvals, the gateway), each starting from a real
quotation with a discount ≥ 20 % that a rep submits:

- a rejection through the reject link's form (the page decides nothing on GET, a reason is
  required, the link works once) reaches the quotation and the rep with its reason;
- a delegate named for today gets the request instead of the manager and approves it; the
  history shows the delegate and on whose behalf;
- a step waiting past its SLA reminds the manager and escalates to the manager's manager, who
  approves by the escalation mail's link;
- bad input (reject without a reason, deciding someone else's step, a policy without steps)
  names the field and changes nothing.

The approval by the manager's mail link is test_sales.py's
test_a_25_percent_discount_is_approved_by_the_manager_through_the_mail_link; SMTP down while
deciding is services/approvals/tests/integration/test_flow.py's
test_smtp_down_while_deciding_sends_the_result_once_when_it_returns.

Policies are global, so each policy here names its team: other modules' quotations never meet
the short SLA."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from crm_platform.processes import Platform

from .conftest import Client, login
from .quotes import (
    created,
    key,
    links,
    mail,
    mails,
    manager_policy,
    new_customer,
    new_user,
    ok,
    pending_request,
    priced_product,
    quotation_status,
    submit_quotation,
    text_of,
    wait_known,
)

THAILAND = dt.timezone(dt.timedelta(hours=7))
# A step of the escalation team's policy waits this long before it goes one manager up (the
# platform checks every ESCALATION_CHECK_SECONDS, 1 s in the e2e conftest).
SLA_SECONDS = 2


@dataclass
class Seller:
    """A rep with their own customer, reporting to `manager`."""

    rep: Client
    manager: Client
    customer: dict[str, Any]


@dataclass
class Org:
    """A director over three managers: `desk` (its rep decides by link and meets bad input),
    `away` (delegates to `deputy`) and `slow` (in a team whose policy has a short SLA)."""

    admin: Client
    director: Client
    deputy: Client
    outsider: Client
    desk: Seller
    away: Seller
    slow: Seller
    product: dict[str, Any]
    tag: str


@pytest.fixture(scope="module")
def org(platform: Platform) -> Org:
    admin = login(platform.gateway_url, platform.admin_email, platform.admin_password)
    tag = uuid.uuid4().hex[:6]
    main = created(admin.post("/teams", {"name": f"Approvals {tag}"}))["id"]
    slow_team = created(admin.post("/teams", {"name": f"Escalation {tag}"}))["id"]

    def user(name: str, roles: list[str], team_id: str, manager: Client | None) -> Client:
        manager_id = manager.user["id"] if manager else None
        return new_user(platform, admin, f"{name}.{tag}@example.co.th", roles, team_id, manager_id)

    product = priced_product(admin, tag)

    def seller(name: str, team_id: str, boss: Client) -> Seller:
        manager = user(f"{name}-manager", ["sales_manager"], team_id, boss)
        rep = user(f"{name}-rep", ["sales_rep"], team_id, manager)
        return Seller(rep, manager, new_customer(admin, rep))

    director = user("director", ["sales_manager"], main, None)
    deputy = user("deputy", ["sales_manager"], main, director)
    outsider = user("outsider", ["sales_rep"], main, director)
    desk, away, slow = (
        seller("desk", main, director),
        seller("away", main, director),
        seller("slow", slow_team, director),
    )
    created(admin.post("/approval-policies", manager_policy(f"main {tag}", 5, [main]), headers=key()))
    escalating = manager_policy(f"escalation {tag}", 5, [slow_team], sla_seconds=SLA_SECONDS)
    created(admin.post("/approval-policies", escalating, headers=key()))
    wait_known(platform, *(c.user["id"] for c in (desk.rep, away.rep, slow.rep, deputy, outsider)))
    return Org(admin, director, deputy, outsider, desk, away, slow, product, tag)


def _submit(org: Org, seller: Seller, discount: str = "2500.18") -> dict[str, Any]:
    """A quotation of 10 × 1,000.07 THB less `discount` (2500.18 is 25 %), submitted."""
    return submit_quotation(seller.rep, seller.customer, org.product, discount)


def _history(client: Client, request_id: str) -> list[dict[str, Any]]:
    return list(ok(client.get(f"/approvals/{request_id}"))["history"])


def test_a_rejection_through_the_reject_link_reaches_the_quotation_and_the_rep(
    platform: Platform, org: Org
) -> None:
    seller = org.desk
    quotation = _submit(org, seller, discount="3000.00")
    number = quotation["number"]
    _approve_url, reject_url = links(mail(platform, seller.manager.user["email"], number))
    page = requests.get(reject_url, timeout=15)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    request = pending_request(seller.manager, number)  # the GET decided nothing
    assert request["status"] == "pending"

    no_reason = requests.post(reject_url, data={"reason": "  "}, timeout=15)
    assert no_reason.status_code == 422, no_reason.text
    assert ok(seller.rep.get(f"/approvals/{request['id']}"))["request"]["status"] == "pending"

    done = requests.post(reject_url, data={"reason": "ส่วนลดเกินนโยบาย"}, timeout=15)
    assert done.status_code == 200, done.text
    assert "บันทึกการไม่อนุมัติแล้ว" in done.text
    rejected = quotation_status(seller.rep, quotation["id"], "rejected")
    assert rejected["decision_reason"] == "ส่วนลดเกินนโยบาย"
    result = mail(platform, seller.rep.user["email"], number, "ไม่อนุมัติ")
    assert "ส่วนลดเกินนโยบาย" in text_of(result)
    assert requests.post(reject_url, data={"reason": "อีกครั้ง"}, timeout=15).status_code == 409
    decided = [h for h in _history(seller.rep, request["id"]) if h["action"] == "rejected"]
    assert [(h["actor_id"], h["channel"], h["reason"]) for h in decided] == [
        (seller.manager.user["id"], "email_link", "ส่วนลดเกินนโยบาย")
    ]


def test_a_delegate_named_for_today_gets_the_request_and_approves_it(platform: Platform, org: Org) -> None:
    seller, deputy = org.away, org.deputy
    today = dt.datetime.now(THAILAND).date()
    delegation = created(
        seller.manager.post(
            "/delegations",
            {
                "delegate_id": deputy.user["id"],
                "start_date": today.isoformat(),
                "end_date": (today + dt.timedelta(days=1)).isoformat(),
                "reason": "ลาพักร้อน",
            },
        )
    )
    try:
        quotation = _submit(org, seller)
        number = quotation["number"]
        mail(platform, deputy.user["email"], number)
        request = pending_request(deputy, number)
        approved = ok(deputy.post(f"/approvals/{request['id']}/approve", {"comment": "อนุมัติแทน"}))
        assert approved["status"] == "approved"
        quotation_status(seller.rep, quotation["id"], "approved")
        mail(platform, seller.rep.user["email"], number, "อนุมัติแล้ว")
    finally:
        ended = seller.manager.delete(f"/delegations/{delegation['id']}")
    assert ended.status_code == 204, ended.text
    # The result was queued after the request's mail: by now the manager would have had theirs.
    assert mails(platform, seller.manager.user["email"], number) == []
    history = _history(seller.rep, request["id"])
    behalf = {
        h["action"]: (h["actor_id"], h["on_behalf_of"])
        for h in history
        if h["action"] in ("assigned", "step_approved")
    }
    expected = (deputy.user["id"], seller.manager.user["id"])
    assert behalf == {"assigned": expected, "step_approved": expected}


def test_a_step_past_its_sla_reminds_and_escalates_to_the_next_manager_up(
    platform: Platform, org: Org
) -> None:
    seller, director = org.slow, org.director
    quotation = _submit(org, seller)
    number = quotation["number"]
    mail(platform, seller.manager.user["email"], number, "รออนุมัติ")
    reminder = mail(platform, seller.manager.user["email"], number, "เตือน")
    escalated = mail(platform, director.user["email"], number, "ส่งต่อเพื่ออนุมัติ")
    assert "ส่งต่อให้ผู้บังคับบัญชา" in text_of(reminder)
    request = pending_request(director, number)
    approve_url, _reject_url = links(escalated)
    done = requests.post(approve_url, data={"reason": ""}, timeout=15)
    assert done.status_code == 200, done.text
    quotation_status(seller.rep, quotation["id"], "approved")
    mail(platform, seller.rep.user["email"], number, "อนุมัติแล้ว")
    actions = [(h["action"], h["actor_id"]) for h in _history(seller.rep, request["id"])]
    assert ("escalated", "system") in actions
    assert ("reminded", seller.manager.user["id"]) in actions
    assert ("step_approved", director.user["id"]) in actions


def test_bad_input_names_the_field_and_changes_nothing(platform: Platform, org: Org) -> None:
    seller = org.desk
    number = _submit(org, seller)["number"]
    request = pending_request(seller.manager, number)
    before = ok(seller.rep.get(f"/approvals/{request['id']}"))

    for body in ({}, {"reason": "   "}):
        missing = seller.manager.post(f"/approvals/{request['id']}/reject", body)
        assert missing.status_code == 422, missing.text
        assert [e["field"] for e in missing.json()["errors"]] == ["reason"]
    for someone_else in (org.outsider, org.deputy, seller.rep):  # not asked; the requester
        refused = someone_else.post(f"/approvals/{request['id']}/approve", {})
        assert refused.status_code == 403, refused.text
    refused = org.outsider.post(f"/approvals/{request['id']}/reject", {"reason": "ไม่ใช่ของฉัน"})
    assert refused.status_code == 403, refused.text

    name = f"no steps {org.tag}"
    no_steps = {**manager_policy(name, 1), "steps": []}
    problem = org.admin.post("/approval-policies", no_steps, headers=key())
    assert problem.status_code == 422, problem.text
    assert [e["field"] for e in problem.json()["errors"]] == ["steps"]

    after = ok(seller.rep.get(f"/approvals/{request['id']}"))
    assert after["request"]["status"] == "pending"
    assert (after["request"]["version"], after["history"]) == (
        before["request"]["version"],
        before["history"],
    )
    policies = ok(org.admin.get("/approval-policies", include_inactive="true"))["policies"]
    assert name not in [p["name"] for p in policies]
