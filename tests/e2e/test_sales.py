"""The sales chain through the gateway with the real platform processes (contacts, pricing,
approvals, sales-docs, the mail sink, nats-server): a quotation priced by pricing with VAT on the
document total, approved at once when no policy matches, then sent, accepted, ordered, a deposit,
a tax invoice deducting it and a receipt with 3 % withholding tax, which fill the customer's
purchase history in contacts; the quotation PDF with its number and Buddhist-era year.

Issue 6's story with a real quotation: a rep submits a 25 % discount → the policy asks the rep's
manager → the manager follows the approve link from the mail → the quotation is approved and the
rep gets the result; and a rejection whose reason reaches the quotation and the rep."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import requests
from pypdf import PdfReader

from crm_platform.processes import Platform

from .conftest import Client, eventually, login
from .quotes import (
    created,
    customer_and_product,
    key,
    links,
    mail,
    manager_policy,
    new_quotation,
    new_user,
    ok,
    pending_request,
    quotation_status,
    text_of,
    wait_known,
)


@dataclass
class Sales:
    admin: Client
    manager: Client
    rep: Client
    accountant: Client
    customer: dict[str, Any]
    product: dict[str, Any]


def _amount(money: dict[str, Any]) -> Decimal:
    return Decimal(money["amount"])


@pytest.fixture(scope="module")
def team(platform: Platform) -> Sales:
    """A manager, a rep reporting to them, an accountant; the policy "discount ≥ 20 % → the
    requester's manager"; a customer owned by the rep; a product priced 1,000.07 THB."""
    admin = login(platform.gateway_url, platform.admin_email, platform.admin_password)
    tag = uuid.uuid4().hex[:6]
    group = created(admin.post("/teams", {"name": f"Sales {tag}"}))

    def user(name: str, roles: list[str], manager_id: str | None = None) -> Client:
        return new_user(platform, admin, f"{name}.{tag}@example.co.th", roles, group["id"], manager_id)

    manager = user("salesmanager", ["sales_manager"])
    rep = user("salesrep", ["sales_rep"], manager.user["id"])
    accountant = user("accountant", ["accountant"])
    created(admin.post("/approval-policies", manager_policy(f"sales discount 20% {tag}", 20), headers=key()))
    customer, product = customer_and_product(admin, rep, tag)
    wait_known(platform, rep.user["id"])
    return Sales(admin, manager, rep, accountant, customer, product)


def _quotation(team: Sales, discount: str | None = None) -> dict[str, Any]:
    return new_quotation(team.rep, team.customer, team.product, discount)


def test_quotation_to_receipt_fills_the_purchase_history(platform: Platform, team: Sales) -> None:
    draft = _quotation(team)
    totals = draft["totals"]
    # VAT on the document total: 7 % of 2,000.14 is 140.01 (per line it would be 70.00 + 70.00).
    assert (_amount(totals["pre_vat_total"]), _amount(totals["vat"])) == (
        Decimal("2000.14"),
        Decimal("140.01"),
    )
    assert _amount(totals["grand_total"]) == Decimal("2140.15")
    assert [_amount(line["priced_net"]) for line in draft["lines"]] == [Decimal("1000.07")] * 2
    assert draft["customer"]["tax_id"] == team.customer["tax_id"]

    submitted = ok(team.rep.post(f"/quotations/{draft['id']}/submit", {}))
    assert submitted["number"].startswith("QT")
    quotation_status(team.rep, draft["id"], "approved")  # no policy asks for a 0 % discount
    sent = ok(team.rep.post(f"/quotations/{draft['id']}/send", {}))
    assert sent["quotation"]["status"] == "sent"
    mail(platform, team.customer["email"], submitted["number"])
    ok(team.rep.post(f"/quotations/{draft['id']}/accept", {}))

    order = created(team.rep.post("/sale-orders", {"quotation_id": draft["id"]}, headers=key()))
    order = ok(team.rep.post(f"/sale-orders/{order['id']}/confirm", {}))
    assert order["status"] == "confirmed"
    deposit_body = {
        "sale_order_id": order["id"],
        "amount": {"amount": "1070.00", "currency": "THB"},
        "payment": {"method": "transfer"},
    }
    refused = team.rep.post("/deposits", deposit_body, headers=key())
    assert refused.status_code == 403, refused.text
    deposit = created(team.accountant.post("/deposits", deposit_body, headers=key()))
    assert (_amount(deposit["base"]), _amount(deposit["vat"])) == (Decimal("1000.00"), Decimal("70.00"))

    invoice = created(
        team.accountant.post(
            "/invoices",
            {"sale_order_id": order["id"], "deposit_deductions": [{"deposit_id": deposit["id"]}]},
            headers=key(),
        )
    )
    assert invoice["number"].startswith("INV")
    assert _amount(invoice["totals"]["pre_vat_total"]) == Decimal("1000.14")
    assert _amount(invoice["totals"]["vat"]) == Decimal("70.01")
    assert _amount(invoice["totals"]["grand_total"]) == Decimal("1070.15")

    too_much = {
        "customer_id": team.customer["id"],
        "allocations": [{"invoice_id": invoice["id"], "amount": {"amount": "2000.00", "currency": "THB"}}],
    }
    problem = team.accountant.post("/receipts", too_much, headers=key())
    assert problem.status_code == 422
    assert "allocations[0].amount" in [e["field"] for e in problem.json()["errors"]]
    receipt = created(
        team.accountant.post(
            "/receipts",
            {
                "customer_id": team.customer["id"],
                "payment": {"method": "transfer", "reference": "KBANK-0001"},
                "allocations": [
                    {"invoice_id": invoice["id"], "amount": {"amount": "1070.15", "currency": "THB"}}
                ],
                "withholding_tax_rate": "3",
                "withholding_tax_certificate": "50TAWI-0001",
            },
            headers=key(),
        )
    )
    # 3 % of the pre-VAT 1,000.14 is 30.00; the customer transfers the rest.
    assert (_amount(receipt["withholding_tax"]), _amount(receipt["received"])) == (
        Decimal("30.00"),
        Decimal("1040.15"),
    )
    paid = ok(team.accountant.get(f"/invoices/{invoice['id']}"))["tax_invoice"]
    assert (paid["payment_status"], _amount(paid["outstanding"])) == ("paid", Decimal("0"))

    def history_filled() -> dict[str, Any]:
        history = ok(team.admin.get(f"/customers/{team.customer['id']}/purchase-history"))
        assert {e["number"] for e in history["entries"]} >= {invoice["number"], receipt["number"]}, history
        return history

    history = eventually(history_filled, timeout=30)
    assert _amount(history["total_invoiced"]) == Decimal("1070.15")

    pdf = requests.get(
        f"{platform.gateway_url}/api/v1/quotations/{draft['id']}.pdf",
        headers={"Authorization": f"Bearer {team.rep.token}"},
        timeout=30,
    )
    assert (pdf.status_code, pdf.headers["Content-Type"]) == (200, "application/pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert submitted["number"] in text
    assert str(dt.date.fromisoformat(submitted["issue_date"]).year + 543) in text


def test_a_25_percent_discount_is_approved_by_the_manager_through_the_mail_link(
    platform: Platform, team: Sales
) -> None:
    draft = _quotation(team, discount="2500.18")  # 25 % of 10 × 1,000.07
    submitted = ok(team.rep.post(f"/quotations/{draft['id']}/submit", {}))
    number = submitted["number"]
    assert submitted["status"] == "submitted"
    approve_url, _reject_url = links(mail(platform, team.manager.user["email"], number))
    assert ok(team.rep.get(f"/quotations/{draft['id']}"))["status"] == "submitted"
    done = requests.post(approve_url, data={"reason": ""}, timeout=15)
    assert done.status_code == 200, done.text
    approved = quotation_status(team.rep, draft["id"], "approved")
    assert approved["number"] == number
    result = mail(platform, team.rep.user["email"], number, "อนุมัติแล้ว")
    assert number in text_of(result)


def test_a_rejection_reaches_the_quotation_and_the_rep_with_its_reason(
    platform: Platform, team: Sales
) -> None:
    draft = _quotation(team, discount="3000.00")
    number = ok(team.rep.post(f"/quotations/{draft['id']}/submit", {}))["number"]
    request = pending_request(team.manager, number)
    rejected = team.manager.post(f"/approvals/{request['id']}/reject", {"reason": "ส่วนลดเกินนโยบาย"})
    assert rejected.status_code == 200, rejected.text
    quotation = quotation_status(team.rep, draft["id"], "rejected")
    assert quotation["decision_reason"] == "ส่วนลดเกินนโยบาย"
    assert "ส่วนลดเกินนโยบาย" in text_of(mail(platform, team.rep.user["email"], number, "ไม่อนุมัติ"))
    resubmit = team.rep.post(f"/quotations/{draft['id']}/accept", {})
    assert resubmit.status_code == 409, resubmit.text
