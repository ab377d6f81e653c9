"""Shared end-to-end setup for stories that start from a real quotation (test_sales,
test_approvals): users in a team with a manager hierarchy, approval policies, a customer and a
priced product, a quotation with a discount submitted by the rep through the gateway; and
reading what the platform's mail sink received (var/mail/*.eml) and the links in it."""

from __future__ import annotations

import email
import email.policy
import re
import uuid
from email.message import EmailMessage
from typing import Any

import requests
from crm.identity.v1 import identity_pb2 as identity

from crm_platform.processes import Platform

from .conftest import PASSWORD, Client, customer_body, eventually, login
from .stream import read_stream

# The approve and reject links of an approval mail (approve first).
LINK = re.compile(r"(https?://\S+/approvals/act/[A-Za-z0-9_\-]+)")


def ok(response: requests.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


def created(response: requests.Response) -> dict[str, Any]:
    return ok(response, 201)


def key() -> dict[str, str]:
    """A fresh Idempotency-Key header for a creating POST."""
    return {"Idempotency-Key": str(uuid.uuid4())}


def new_user(
    platform: Platform,
    admin: Client,
    email_address: str,
    roles: list[str],
    team_id: str,
    manager_id: str | None = None,
) -> Client:
    """A Thai-speaking user in `team_id` reporting to `manager_id`, signed in."""
    body = {
        "email": email_address,
        "display_name": email_address.split("@")[0],
        "password": PASSWORD,
        "roles": roles,
        "team_ids": [team_id],
        "language": "th",
        "manager_id": manager_id,
    }
    created(admin.post("/users", body))
    return login(platform.gateway_url, email_address, PASSWORD)


def manager_policy(
    name: str, priority: int, team_ids: list[str] | None = None, sla_seconds: int = 0
) -> dict[str, Any]:
    """Quotations with a discount ≥ 20 % (of `team_ids`, when given) → the requester's manager,
    who has `sla_seconds` to decide (0: no limit) before the step escalates."""
    return {
        "request_type": "quotation",
        "name": name,
        "priority": priority,
        "conditions": {"min_discount_percent": "20", "team_ids": team_ids or []},
        "steps": [
            {
                "name": "manager",
                "approver_kind": "manager",
                "manager_levels": 1,
                "mode": "any",
                "sla_seconds": sla_seconds,
            }
        ],
    }


def new_customer(admin: Client, rep: Client) -> dict[str, Any]:
    """A juristic customer owned by `rep` (in the rep's first team)."""
    return created(admin.post("/customers", customer_body(rep), headers=key()))


def priced_product(admin: Client, tag: str) -> dict[str, Any]:
    """A product with a standard price of 1,000.07 THB."""
    product = created(
        admin.post("/products", {"sku": f"PUMP-{tag}", "name_th": "ปั๊มน้ำ 1 แรงม้า", "base_unit": "EA"})
    )
    price = {"product_id": product["id"], "amount": {"amount": "1000.07", "currency": "THB"}}
    created(admin.post("/standard-prices", price))
    return product


def customer_and_product(admin: Client, rep: Client, tag: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A customer owned by `rep` and a product with a standard price of 1,000.07 THB."""
    return new_customer(admin, rep), priced_product(admin, tag)


def wait_known(platform: Platform, *user_ids: str) -> None:
    """Waits until the users' identity events are on the stream: approvals applies events in
    stream order, so a quotation submitted afterwards meets users whose managers it knows."""

    def on_stream() -> None:
        events = read_stream(platform.nats_url, "crm.identity.user.created")
        seen = {identity.UserCreated.FromString(e.data).user.id for e in events}
        assert set(user_ids) <= seen, set(user_ids) - seen

    eventually(on_stream, timeout=30)


def new_quotation(
    rep: Client, customer: dict[str, Any], product: dict[str, Any], discount: str | None = None
) -> dict[str, Any]:
    """A draft: two lines of one unit each, or (with `discount`) one line of ten units less
    `discount` THB (2500.18 is 25 % of 10 × 1,000.07)."""
    lines: list[dict[str, Any]] = [
        {"product_id": product["id"], "quantity": "1"},
        {"product_id": product["id"], "quantity": "1"},
    ]
    if discount is not None:
        lines = [
            {
                "product_id": product["id"],
                "quantity": "10",
                "discount": {"amount": discount, "currency": "THB"},
            }
        ]
    body = {"customer_id": customer["id"], "lines": lines, "payment_terms": "เครดิต 30 วัน"}
    return created(rep.post("/quotations", body, headers=key()))


def submit_quotation(
    rep: Client, customer: dict[str, Any], product: dict[str, Any], discount: str
) -> dict[str, Any]:
    """A discounted quotation created and submitted by `rep` (it waits for approval)."""
    draft = new_quotation(rep, customer, product, discount)
    submitted = ok(rep.post(f"/quotations/{draft['id']}/submit", {}))
    assert submitted["status"] == "submitted", submitted
    return submitted


def quotation_status(client: Client, quotation_id: str, status: str) -> dict[str, Any]:
    """The quotation once it reached `status` (approval decisions arrive as events)."""

    def reached() -> dict[str, Any]:
        found = ok(client.get(f"/quotations/{quotation_id}"))
        assert found["status"] == status, found["status"]
        return found

    return eventually(reached, timeout=30)


def mails(platform: Platform, address: str, *subject_parts: str) -> list[EmailMessage]:
    """Every mail to `address` whose subject holds every part, oldest first (no waiting)."""
    found: list[EmailMessage] = []
    for path in sorted(platform.mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        subject = str(message["Subject"])
        if address in str(message["To"]) and all(part in subject for part in subject_parts):
            assert isinstance(message, EmailMessage)
            found.append(message)
    return found


def mail(platform: Platform, address: str, *subject_parts: str) -> EmailMessage:
    """The first mail to `address` whose subject holds every part (polled from the mail sink)."""

    def find() -> EmailMessage:
        found = mails(platform, address, *subject_parts)
        assert found, f"no mail to {address} about {subject_parts}"
        return found[0]

    return eventually(find, timeout=30)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def links(message: EmailMessage) -> tuple[str, str]:
    """The (approve, reject) links of an approval mail."""
    approve_url, reject_url = LINK.findall(text_of(message))
    return approve_url, reject_url


def pending_request(client: Client, number: str) -> dict[str, Any]:
    """The request about quotation `number` in `client`'s queue of pending approvals."""

    def find() -> dict[str, Any]:
        body = ok(client.get("/approvals", q=number))
        found = [r for r in body["requests"] if number in r["snapshot"]["title"]]
        assert found, body
        return dict(found[0])

    return eventually(find, timeout=30)
