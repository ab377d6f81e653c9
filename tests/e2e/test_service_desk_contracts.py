"""Issue 9's maintenance-contract lifecycle through the gateway with the real platform processes
(nats-server, the mail sink, contacts, service-desk, approvals, activities, sales-docs, the
gateway): a rep creates and submits a contract, the approval center asks the rep's manager
(policy of the rep's team for service contracts), the manager approves over REST, the contract
is active and its preventive visits are in the rep's activities; a contract ending within 30
days of today gets exactly one MA-fee invoice draft in sales documents, for its next period and
none for its own term (the renewal pass runs every second: RENEWAL_CHECK_SECONDS=1 in conftest)."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from crm_platform.processes import Platform

from .conftest import Client, eventually, login
from .quotes import created, key, new_customer, new_user, ok, quotation_status, wait_known


@dataclass
class Sellers:
    admin: Client
    manager: Client
    rep: Client
    customer: dict[str, Any]
    team_id: str


@pytest.fixture(scope="module")
def sellers(platform: Platform) -> Sellers:
    admin = login(platform.gateway_url, platform.admin_email, platform.admin_password)
    tag = uuid.uuid4().hex[:6]
    team = created(admin.post("/teams", {"name": f"MA contracts {tag}"}))["id"]
    manager = new_user(platform, admin, f"ma-manager.{tag}@example.co.th", ["sales_manager"], team)
    rep = new_user(platform, admin, f"ma-rep.{tag}@example.co.th", ["sales_rep"], team, manager.user["id"])
    policy = {
        "request_type": "service_contract",
        "name": f"MA contracts {tag}",
        "priority": 5,
        "conditions": {"team_ids": [team]},
        "steps": [{"name": "manager", "approver_kind": "manager", "manager_levels": 1, "mode": "any"}],
        "active": True,
    }
    created(admin.post("/approval-policies", policy, headers=key()))
    wait_known(platform, rep.user["id"], manager.user["id"])
    return Sellers(admin, manager, rep, new_customer(admin, rep), team)


def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Asia/Bangkok")).date()


def submitted_contract(sellers: Sellers, start: dt.date, end: dt.date, **extra: Any) -> dict[str, Any]:
    body = {
        "customer_id": sellers.customer["id"],
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "billing_period": "yearly",
        "fee": {"amount": "120000.00", "currency": "THB"},
        "auto_renew": True,
        "team_id": sellers.team_id,
        **extra,
    }
    contract = created(sellers.rep.post("/service-desk/contracts", body, headers=key()))
    return ok(sellers.rep.post(f"/service-desk/contracts/{contract['id']}/submit", {}))


def approve(sellers: Sellers, contract_id: str) -> None:
    """The manager finds the contract's request in their queue and approves it over REST."""

    def pending() -> dict[str, Any]:
        body = ok(sellers.manager.get("/approvals", request_type="service_contract"))
        found = [r for r in body["requests"] if contract_id in r["snapshot"]["title"]]
        assert found, body
        return dict(found[0])

    request = eventually(pending, timeout=30)
    assert request["snapshot"]["amount"]["amount"] == "120000.00"
    approved = ok(sellers.manager.post(f"/approvals/{request['id']}/approve", {"comment": "อนุมัติ"}))
    assert approved["status"] == "approved"


def contract_of(sellers: Sellers, contract_id: str) -> dict[str, Any]:
    return ok(sellers.rep.get(f"/service-desk/contracts/{contract_id}"))


def test_an_approved_contract_is_active_and_its_visits_are_planned(sellers: Sellers) -> None:
    start = today()
    contract = submitted_contract(
        sellers,
        start,
        start + dt.timedelta(days=364),
        preventive_visits={"every_months": 6, "count": 2},
    )
    approve(sellers, contract["id"])

    def active() -> dict[str, Any]:
        found = contract_of(sellers, contract["id"])
        assert found["status"] == "active", found
        return found

    approved = eventually(active, timeout=30)
    assert approved["approved_on"] == today().isoformat()
    visit_dates = approved["visit_dates"]
    assert len(visit_dates) == 2

    def visits() -> list[dict[str, Any]]:
        listed = ok(
            sellers.rep.get(
                "/activities",
                type="visit",
                link_kind="customer",
                link_id=sellers.customer["id"],
                page_size=50,
            )
        )["activities"]
        mine = [a for a in listed if contract["id"] in a["subject"]]
        assert len(mine) == 2, listed
        return mine

    planned = eventually(visits, timeout=30)
    assert sorted(a["start_date"] for a in planned) == sorted(visit_dates)
    assert {a["owner_id"] for a in planned} == {sellers.rep.user["id"]}


def test_a_contract_ending_within_30_days_gets_one_draft_for_its_next_period(sellers: Sellers) -> None:
    end = today() + dt.timedelta(days=20)
    start = end - dt.timedelta(days=364)
    contract = submitted_contract(sellers, start, end)
    approve(sellers, contract["id"])
    next_key = f"{contract['id']}:{(end + dt.timedelta(days=1)).isoformat()}"

    def drafts() -> list[dict[str, Any]]:
        listed = ok(sellers.admin.get("/invoice-drafts", customer_id=sellers.customer["id"], page_size=100))
        mine = [d for d in listed["invoice_drafts"] if d["contract_id"] == contract["id"]]
        assert next_key in {d["source_key"] for d in mine}, listed
        return mine

    eventually(drafts, timeout=45)

    def billed() -> dict[str, Any]:
        found = contract_of(sellers, contract["id"])
        assert next_key in {b["key"] for b in found.get("billings", [])}, found
        return found

    eventually(billed, timeout=30)
    # The pass keeps running every second; the contract has exactly one draft in total: its next
    # period (the term's own first period was sold through the sales chain, never drafted here).
    for _ in range(3):
        mine = drafts()
        assert Counter(d["source_key"] for d in mine) == {next_key: 1}
        [next_period] = mine
        assert next_period["period_start"] == (end + dt.timedelta(days=1)).isoformat()
        assert next_period["status"] == "draft"
        assert [b["key"] for b in contract_of(sellers, contract["id"])["billings"]] == [next_key]
        time.sleep(1.5)  # let the next passes run (not a timing assertion)


def test_an_accepted_renewal_quotation_renews_a_contract_without_auto_renew(sellers: Sellers) -> None:
    """No auto-renew, ending in 20 days: the renewal pass asks sales documents for a renewal
    quotation (source_key = the billing key); the rep submits (no quotation policy for the
    team: approved at once), sends and records the customer's acceptance over REST; the
    service desk renews the contract: one successor, active, at the quoted fee."""
    end = today() + dt.timedelta(days=20)
    start = end - dt.timedelta(days=364)
    contract = submitted_contract(sellers, start, end, auto_renew=False)
    approve(sellers, contract["id"])
    next_start = end + dt.timedelta(days=1)
    next_key = f"{contract['id']}:{next_start.isoformat()}"

    def renewal_quotation() -> dict[str, Any]:
        listed = ok(sellers.rep.get("/quotations", customer_id=sellers.customer["id"], page_size=100))
        mine = [q for q in listed["quotations"] if q.get("source_key") == next_key]
        assert len(mine) == 1, listed
        return dict(mine[0])

    quotation = eventually(renewal_quotation, timeout=45)
    assert quotation["status"] == "draft"
    assert quotation["totals"]["pre_vat_total"]["amount"] == "120000.00"  # fee × 1 yearly period
    ok(sellers.rep.post(f"/quotations/{quotation['id']}/submit", {}))
    quotation_status(sellers.rep, quotation["id"], "approved")
    assert ok(sellers.rep.post(f"/quotations/{quotation['id']}/send", {}))["quotation"]["status"] == "sent"
    ok(sellers.rep.post(f"/quotations/{quotation['id']}/accept", {}))

    def renewed() -> dict[str, Any]:
        found = contract_of(sellers, contract["id"])
        assert found.get("renewed_by"), found
        return found

    old = eventually(renewed, timeout=30)
    successor = contract_of(sellers, old["renewed_by"])
    assert successor["status"] == "active"
    assert (successor["start_date"], successor["approved_on"]) == (
        next_start.isoformat(),
        today().isoformat(),
    )
    assert (successor["fee"]["amount"], successor.get("auto_renew", False)) == ("120000.00", False)
    # the pass keeps running: still one successor, and the old contract is not expired
    time.sleep(1.5)  # let the next passes run (not a timing assertion)
    listed = ok(sellers.rep.get("/service-desk/contracts", customer_id=sellers.customer["id"], page_size=100))
    assert [c["id"] for c in listed["contracts"] if c["id"] == successor["id"]] == [successor["id"]]
    assert contract_of(sellers, contract["id"])["renewed_by"] == successor["id"]
