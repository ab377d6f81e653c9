"""REST over the contacts gRPC service: JSON shapes (snake_case, short enum names, money
objects), the caller passed as metadata, PATCH masks and versions, CSV import streaming and
the public web form."""

from __future__ import annotations

import json

from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import resources_pb2 as resources

LEAD = {
    "source": "web_form",
    "company_name": "บริษัท บางนาโลจิสติกส์ จำกัด",
    "contact_name": "คุณวิไล",
    "email": "wilai@bangna-logistics.co.th",
    "phone": "0812345678",
}


def test_create_lead_sends_the_caller_and_returns_rest_json(client, as_user, fake_contacts):
    rep = as_user("sales_rep")
    response = client.post("/api/v1/leads", headers=rep, json=LEAD)
    assert response.status_code == 201
    lead = response.json
    assert lead["source"] == "web_form"
    assert lead["status"] == "new"
    assert lead["company_name"] == LEAD["company_name"]
    assert lead["audit"]["version"] == 1
    assert response.headers["ETag"] == '"1"'
    caller = fake_contacts.servicer.callers[-1]
    me = client.get("/api/v1/me", headers=rep).json
    assert caller is not None
    assert caller.user_id == me["id"]
    assert caller.roles == frozenset({"sales_rep"})
    sent = fake_contacts.servicer.requests[-1]
    assert sent.lead.source == resources.LEAD_SOURCE_WEB_FORM


def test_list_leads_passes_filters_and_pages(client, admin_headers, fake_contacts):
    for source in ("phone", "line", "line"):
        client.post("/api/v1/leads", headers=admin_headers, json=dict(LEAD, source=source))
    response = client.get("/api/v1/leads?source=line&page_size=1&q=bangna", headers=admin_headers)
    assert response.status_code == 200
    body = response.json
    assert [lead["source"] for lead in body["leads"]] == ["line"]
    assert body["total_size"] == 2
    assert body["next_page_token"] == "next"
    sent = fake_contacts.servicer.requests[-1]
    assert (sent.source, sent.page_size, sent.query) == (resources.LEAD_SOURCE_LINE, 1, "bangna")


def test_list_leads_refuses_an_unknown_status(client, admin_headers):
    response = client.get("/api/v1/leads?status=hot", headers=admin_headers)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "status"


def test_patch_lead_sends_only_the_given_fields_and_the_if_match_version(
    client, admin_headers, fake_contacts
):
    lead = client.post("/api/v1/leads", headers=admin_headers, json=LEAD).json
    response = client.patch(
        f"/api/v1/leads/{lead['id']}",
        headers={**admin_headers, "If-Match": '"1"'},
        json={"notes": "โทรกลับบ่ายนี้", "status": "contacted"},
    )
    assert response.status_code == 200
    assert response.json["status"] == "contacted"
    assert response.headers["ETag"] == '"2"'
    sent = fake_contacts.servicer.requests[-1]
    assert isinstance(sent, pb.UpdateLeadRequest)
    assert sorted(sent.update_mask.paths) == ["notes", "status"]
    assert sent.expected_version == 1
    assert sent.lead.id == lead["id"]


def test_customer_money_and_nested_enums_translate_both_ways(client, admin_headers, fake_contacts):
    body = {
        "kind": "juristic",
        "name": "บริษัท สยามเทคโนโลยี จำกัด",
        "tax_id": "0105550001231",
        "branch_code": "00000",
        "addresses": [
            {"kind": "billing", "house_no": "99/9", "province": "กรุงเทพมหานคร", "postcode": "10120"}
        ],
        "sales_conditions": {
            "credit_term_days": 30,
            "credit_limit": {"amount": "500000.00", "currency": "THB"},
            "payment_method": "transfer",
        },
    }
    response = client.post("/api/v1/customers?allow_duplicates=true", headers=admin_headers, json=body)
    assert response.status_code == 201
    sent = fake_contacts.servicer.requests[-1]
    assert sent.allow_duplicates is True
    assert sent.customer.sales_conditions.credit_limit.amount == "500000.00"
    assert sent.customer.sales_conditions.credit_limit.currency_code == "THB"
    assert sent.customer.addresses[0].kind == resources.ADDRESS_KIND_BILLING
    customer = response.json
    assert customer["kind"] == "juristic"
    assert customer["sales_conditions"]["credit_limit"] == {"amount": "500000.00", "currency": "THB"}
    assert customer["sales_conditions"]["payment_method"] == "transfer"
    assert customer["addresses"][0]["kind"] == "billing"
    assert customer["possible_duplicates"] == []
    assert customer["merged_into_id"] == ""


def test_csv_import_streams_progress_as_ndjson(client, admin_headers, fake_contacts):
    csv = "company_name,contact_name,email\nA,คุณเอ,a@example.com\nB,คุณบี,b@example.com\n".encode()
    response = client.post(
        "/api/v1/imports/leads?validate_only=true", headers=admin_headers, data=csv, content_type="text/csv"
    )
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [line["processed_rows"] for line in lines] == [1, 2, 2]
    assert lines[-1]["done"] is True
    sent = fake_contacts.servicer.requests[-1]
    assert (sent.kind, sent.validate_only) == (pb.IMPORT_KIND_LEADS, True)


def test_csv_import_takes_a_multipart_upload(client, admin_headers):
    from io import BytesIO

    data = {"file": (BytesIO(b"name,tax_id\nX,0105550001231\n"), "customers.csv", "text/csv")}
    response = client.post(
        "/api/v1/imports/customers", headers=admin_headers, data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert json.loads(response.get_data(as_text=True).splitlines()[-1])["imported_rows"] == 1


def test_import_of_an_unknown_kind_is_404(client, admin_headers):
    response = client.post(
        "/api/v1/imports/invoices", headers=admin_headers, data=b"a\n1\n", content_type="text/csv"
    )
    assert response.status_code == 404


def test_public_lead_form_creates_a_web_form_lead_as_the_system_caller(client, fake_contacts):
    response = client.post(
        "/api/v1/public/lead-forms/website",
        data={"company_name": "ร้านกาแฟดอยช้าง", "contact_name": "คุณอารีย์", "email": "aree@doichang-coffee.com"},
    )
    assert response.status_code == 202
    sent = fake_contacts.servicer.requests[-1]
    assert sent.lead.source == resources.LEAD_SOURCE_WEB_FORM
    assert sent.lead.contact_name == "คุณอารีย์"
    caller = fake_contacts.servicer.callers[-1]
    assert caller is not None
    assert (caller.user_id, caller.roles) == ("web-form", frozenset({"system"}))


def test_public_lead_form_honeypot_creates_nothing(client, fake_contacts):
    response = client.post(
        "/api/v1/public/lead-forms/website",
        json={"contact_name": "bot", "email": "bot@example.com", "homepage": "http://spam.example"},
    )
    assert response.status_code == 202
    assert fake_contacts.servicer.requests == []


def test_public_lead_form_needs_a_configured_key_and_a_way_to_reply(client, fake_contacts):
    assert (
        client.post(
            "/api/v1/public/lead-forms/nope", json={"contact_name": "x", "email": "x@y.co"}
        ).status_code
        == 404
    )
    missing = client.post("/api/v1/public/lead-forms/website", json={"contact_name": "x"})
    assert missing.status_code == 422
    assert missing.json["errors"][0]["field"] == "email"
    assert fake_contacts.servicer.requests == []


def test_public_lead_form_is_rate_limited_per_ip(make_app):
    client = make_app(public_form_rate_per_ip=2).test_client()
    form = {"contact_name": "x", "email": "x@example.com"}
    statuses = [client.post("/api/v1/public/lead-forms/website", json=form).status_code for _ in range(3)]
    assert statuses == [202, 202, 429]


def test_qualify_takes_customer_overrides_with_a_kind(client, admin_headers, fake_contacts):
    lead = client.post("/api/v1/leads", headers=admin_headers, json=LEAD).json
    client.post(
        f"/api/v1/leads/{lead['id']}/qualify",
        headers=admin_headers,
        json={
            "customer": {"kind": "juristic", "tax_id": "0105550001231"},
            "expected_amount": {"amount": "150000.00", "currency": "THB"},
        },
    )
    sent = fake_contacts.servicer.requests[-1]
    assert isinstance(sent, pb.QualifyLeadRequest)
    assert sent.lead_id == lead["id"]
    assert sent.customer.kind == resources.CUSTOMER_KIND_JURISTIC
    assert sent.expected_amount.amount == "150000.00"


def test_customers_preferred_language_goes_through_and_only_th_or_en(client, admin_headers, fake_contacts):
    body = {"kind": "juristic", "name": "Acme Trading", "preferred_language": "en"}
    response = client.post("/api/v1/customers", headers=admin_headers, json=body)
    assert response.status_code == 201
    assert fake_contacts.servicer.requests[-1].customer.preferred_language == "en"
    assert response.json["preferred_language"] == "en"
    sent = len(fake_contacts.servicer.requests)
    response = client.post(
        "/api/v1/customers", headers=admin_headers, json={**body, "preferred_language": "de"}
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "preferred_language"
    assert len(fake_contacts.servicer.requests) == sent
