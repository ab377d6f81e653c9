"""Faults: NATS or the consuming service restarting loses no event and applies none twice."""

from __future__ import annotations

import uuid
from collections import Counter

from crm.contacts.v1 import events_pb2 as contacts_events
from crm.sales.v1 import events_pb2 as sales

from crm_platform.processes import Platform

from .conftest import Org, customer_body, eventually
from .stream import publish, read_stream


def _invoice(customer_id: str, amount: str = "107.00") -> sales.InvoiceIssued:
    number = f"INV-{uuid.uuid4().hex[:10]}"
    message = sales.InvoiceIssued(
        invoice_id=number.lower(), number=number, customer_id=customer_id, issue_date="2026-11-21"
    )
    message.total.currency_code = "THB"
    message.total.amount = amount
    return message


def _created_ids(platform: Platform) -> Counter[str]:
    ids: Counter[str] = Counter()
    for event in read_stream(platform.nats_url, "crm.contacts.customer.created"):
        message = contacts_events.CustomerCreated()
        message.ParseFromString(event.data)
        ids[message.customer.id] += 1
    return ids


def _history_sizes(org: Org, customer_ids: list[str]) -> dict[str, int]:
    return {
        cid: len(org.admin.get(f"/customers/{cid}/purchase-history").json()["entries"])
        for cid in customer_ids
    }


def test_nats_down_while_customers_are_created_then_every_event_arrives_once(
    platform: Platform, org: Org
) -> None:
    platform.stop_process("nats")
    try:
        created = []
        for _ in range(8):
            response = org.rep.post("/customers", customer_body(org.rep))
            assert response.status_code == 201, response.text
            created.append(response.json()["id"])
    finally:
        platform.start_process("nats")

    def all_published() -> Counter[str]:
        counts = _created_ids(platform)
        assert all(counts[cid] >= 1 for cid in created), counts
        return counts

    counts = eventually(all_published, timeout=30)
    assert [counts[cid] for cid in created] == [1] * len(created)

    # The consumer side after the restart: each invoice lands in the history exactly once,
    # also when the same event is published again (JetStream drops the repeat by its id).
    for cid in created:
        event_id = publish(platform.nats_url, "crm.sales.invoice.issued", _invoice(cid))
        publish(platform.nats_url, "crm.sales.invoice.issued", _invoice(cid), event_id=event_id)
    eventually(lambda: _check_sizes(org, created, 1), timeout=30)


def _check_sizes(org: Org, customer_ids: list[str], expected: int) -> None:
    sizes = _history_sizes(org, customer_ids)
    assert set(sizes.values()) == {expected}, sizes


def test_consumer_restarted_and_killed_mid_stream_applies_every_event_once(
    platform: Platform, org: Org
) -> None:
    customers = []
    for _ in range(4):
        response = org.rep.post("/customers", customer_body(org.rep))
        assert response.status_code == 201, response.text
        customers.append(response.json()["id"])

    platform.stop_process("contacts")
    try:
        for cid in customers:
            for _ in range(3):
                publish(platform.nats_url, "crm.sales.invoice.issued", _invoice(cid))
    finally:
        platform.start_process("contacts")
    eventually(lambda: _check_sizes(org, customers, 3), timeout=30)

    # Now kill it without warning while a burst is being consumed, and start it again.
    for cid in customers:
        for _ in range(10):
            publish(platform.nats_url, "crm.sales.invoice.issued", _invoice(cid))
    platform.processes["contacts"].kill()
    platform.processes["contacts"].wait()
    platform.start_process("contacts")
    eventually(lambda: _check_sizes(org, customers, 13), timeout=40)
