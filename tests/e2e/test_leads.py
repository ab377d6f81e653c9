"""Leads through the gateway: the public web form, qualification into a customer and its event."""

from __future__ import annotations

import uuid

import requests
from crm.contacts.v1 import events_pb2 as contacts_events

from crm_platform.processes import Platform

from .conftest import Org, eventually, new_tax_id
from .stream import read_stream


def test_public_web_form_creates_a_lead_without_login(platform: Platform, org: Org) -> None:
    email = f"{uuid.uuid4().hex[:8]}@bangna-logistics.co.th"
    response = requests.post(
        f"{platform.gateway_url}/api/v1/public/lead-forms/website",
        timeout=15,
        json={
            "company_name": "บริษัท บางนาโลจิสติกส์ จำกัด",
            "contact_name": "คุณวิไล",
            "email": email,
            "phone": "081-234-5678",
        },
    )
    assert response.status_code in (201, 202), response.text
    leads = org.admin.get("/leads", q=email).json()["leads"]
    assert [(lead["source"], lead["phone"]) for lead in leads] == [("web_form", "+66812345678")]


def test_qualifying_a_lead_creates_customer_and_contact_and_announces_it(
    platform: Platform, org: Org
) -> None:
    lead = org.rep.post(
        "/leads",
        {
            "source": "line",
            "company_name": f"บริษัท ระยองเคมี {uuid.uuid4().hex[:6]} จำกัด",
            "contact_name": "ประเสริฐ มั่นคง",
            "email": f"{uuid.uuid4().hex[:8]}@rayongchem.co.th",
            "phone": "0861112222",
            "owner_id": org.rep.user["id"],
            "team_id": org.rep.user["team_ids"][0],
        },
    )
    assert lead.status_code == 201, lead.text
    lead_id = lead.json()["id"]

    qualified = org.rep.post(
        f"/leads/{lead_id}/qualify",
        {"customer": {"kind": "juristic", "tax_id": new_tax_id(), "branch_code": "00000"}},
    )
    assert qualified.status_code == 200, qualified.text
    body = qualified.json()
    assert body["lead"]["status"] == "qualified"
    assert body["customer_created"] is True
    customer_id = body["customer"]["id"]
    assert org.rep.get(f"/customers/{customer_id}").status_code == 200
    contacts = org.rep.get(f"/customers/{customer_id}/contact-persons").json()["contact_persons"]
    assert len(contacts) == 1

    def announced() -> None:
        events = []
        for event in read_stream(platform.nats_url, "crm.contacts.lead.qualified"):
            message = contacts_events.LeadQualified()
            message.ParseFromString(event.data)
            events.append((message.lead.id, message.customer.id))
        assert (lead_id, customer_id) in events

    eventually(announced)


def test_a_disqualified_lead_needs_a_reason(org: Org) -> None:
    lead = org.rep.post(
        "/leads",
        {"source": "phone", "company_name": "ร้านค้าทดสอบ", "contact_name": "สมศรี", "phone": "0815556666"},
    ).json()
    refused = org.rep.post(f"/leads/{lead['id']}/disqualify", {"reason": ""})
    assert refused.status_code == 422
    assert "reason" in [e["field"] for e in refused.json()["errors"]]
    assert org.rep.get(f"/leads/{lead['id']}").json()["status"] == "new"


def test_openapi_document_and_docs_page_are_served(platform: Platform) -> None:
    spec = requests.get(f"{platform.gateway_url}/api/v1/openapi.json", timeout=15).json()
    assert spec["openapi"].startswith("3.1")
    assert {"/api/v1/customers", "/api/v1/customers/{customer_id}", "/api/v1/auth/token"} <= set(
        spec["paths"]
    )
    docs = requests.get(f"{platform.gateway_url}/api/docs", timeout=15)
    assert docs.status_code == 200
    assert "customers" in docs.text
