"""Customers through the gateway: validation, idempotency, record-level access, merge."""

from __future__ import annotations

import grpc
import pytest
from chassis.identity import Caller
from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import contacts_service_pb2_grpc as pb_grpc
from crm.sales.v1 import events_pb2 as sales

from crm_platform.processes import Platform

from .conftest import Org, customer_body, eventually
from .stream import publish, read_stream


@pytest.mark.parametrize(
    ("field", "value"),
    [("tax_id", "0105555000120"), ("phone", "12345"), ("email", "not-an-email")],
)
def test_invalid_customer_is_refused_naming_the_field_and_nothing_is_stored(
    platform: Platform, org: Org, field: str, value: str
) -> None:
    body = customer_body(org.rep, **{field: value})
    before = len(read_stream(platform.nats_url, "crm.contacts.customer.>"))

    response = org.rep.post("/customers", body)

    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert field in [error["field"] for error in response.json()["errors"]]
    listed = org.admin.get("/customers", q=body["name"]).json()
    assert listed["customers"] == []
    assert len(read_stream(platform.nats_url, "crm.contacts.customer.>")) == before


def test_same_idempotency_key_twice_creates_one_customer(org: Org) -> None:
    body = customer_body(org.rep)
    headers = {"Idempotency-Key": f"e2e-{body['tax_id']}"}

    first = org.rep.post("/customers", body, headers)
    second = org.rep.post("/customers", body, headers)

    assert first.status_code == 201, first.text
    assert second.status_code == first.status_code
    assert second.json() == first.json()
    assert [c["id"] for c in org.admin.get("/customers", q=body["tax_id"]).json()["customers"]] == [
        first.json()["id"]
    ]


def test_a_rep_cannot_read_or_change_another_reps_customer_but_their_manager_can(
    platform: Platform, org: Org
) -> None:
    created = org.rep.post("/customers", customer_body(org.rep))
    assert created.status_code == 201, created.text
    customer_id = created.json()["id"]

    assert org.other_rep.get(f"/customers/{customer_id}").status_code == 403
    assert (
        org.other_rep.patch(f"/customers/{customer_id}", {"website": "https://x.example"}).status_code == 403
    )
    assert customer_id not in [c["id"] for c in org.other_rep.get("/customers").json()["customers"]]
    assert org.south_rep.get(f"/customers/{customer_id}").status_code == 403

    assert org.manager.get(f"/customers/{customer_id}").status_code == 200
    changed = org.manager.patch(f"/customers/{customer_id}", {"website": "https://siam.example"})
    assert changed.status_code == 200, changed.text
    assert org.rep.get(f"/customers/{customer_id}").json()["website"] == "https://siam.example"

    # The same rule over gRPC, as an integrating system calling the service directly sees it.
    channel = grpc.insecure_channel(f"127.0.0.1:{platform.ports.contacts_grpc}")
    stub = pb_grpc.ContactsServiceStub(channel)
    other = Caller(
        org.other_rep.user["id"], frozenset({"sales_rep"}), frozenset(org.other_rep.user["team_ids"])
    )
    manager = Caller(
        org.manager.user["id"], frozenset({"sales_manager"}), frozenset(org.manager.user["team_ids"])
    )
    with pytest.raises(grpc.RpcError) as denied:
        stub.GetCustomer(pb.GetCustomerRequest(id=customer_id), metadata=other.to_metadata(), timeout=5)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    seen = stub.GetCustomer(pb.GetCustomerRequest(id=customer_id), metadata=manager.to_metadata(), timeout=5)
    assert seen.customer.id == customer_id
    channel.close()


def _invoice(customer_id: str, number: str, amount: str) -> sales.InvoiceIssued:
    message = sales.InvoiceIssued(
        invoice_id=f"inv-{number}", number=number, customer_id=customer_id, issue_date="2026-11-20"
    )
    message.total.currency_code = "THB"
    message.total.amount = amount
    return message


def test_merging_two_duplicates_leaves_one_customer_with_both_histories(platform: Platform, org: Org) -> None:
    survivor = org.rep.post("/customers", customer_body(org.rep)).json()
    duplicate_body = customer_body(org.rep, name=survivor["name"], phone=survivor["phone"])
    duplicate = org.rep.post("/customers?allow_duplicates=true", duplicate_body)
    assert duplicate.status_code == 201, duplicate.text
    duplicate_id = duplicate.json()["id"]
    candidates = org.rep.get(f"/customers/{survivor['id']}/duplicates").json()
    assert duplicate_id in [c["customer"]["id"] for c in candidates["candidates"]]

    publish(
        platform.nats_url,
        "crm.sales.invoice.issued",
        _invoice(survivor["id"], f"A{survivor['id'][-6:]}", "1070.00"),
    )
    publish(
        platform.nats_url,
        "crm.sales.invoice.issued",
        _invoice(duplicate_id, f"B{duplicate_id[-6:]}", "535.00"),
    )

    def both_histories_recorded() -> None:
        for cid in (survivor["id"], duplicate_id):
            assert len(org.rep.get(f"/customers/{cid}/purchase-history").json()["entries"]) == 1

    eventually(both_histories_recorded)
    merged = org.manager.post(f"/customers/{survivor['id']}/merge", {"duplicate_id": duplicate_id})
    assert merged.status_code == 200, merged.text

    history = org.rep.get(f"/customers/{survivor['id']}/purchase-history").json()
    assert sorted(e["amount"]["amount"] for e in history["entries"]) == ["1070.00", "535.00"]
    assert history["total_invoiced"]["amount"] == "1605.00"
    gone = org.rep.get(f"/customers/{duplicate_id}").json()
    assert gone["merged_into_id"] == survivor["id"]
    merged_events = read_stream(platform.nats_url, "crm.contacts.customer.merged")
    assert any(survivor["id"].encode() in e.data for e in merged_events)
