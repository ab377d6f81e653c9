"""The OpenAPI 3.1 document is generated from the route registry and served with a docs page."""

from __future__ import annotations

import re
from typing import get_args

import pytest
from crm.contacts.v1 import resources_pb2 as resources
from gateway.api import models
from gateway.translate import enum_short_names


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_the_document_is_openapi_3_1_with_every_resource(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"] == "3.1.0"
    assert spec["info"]["title"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/leads",
        "/api/v1/leads/{lead_id}",
        "/api/v1/leads/{lead_id}/qualify",
        "/api/v1/customers",
        "/api/v1/customers/{customer_id}/merge",
        "/api/v1/customer-groups",
        "/api/v1/imports/{kind}",
        "/api/v1/users",
        "/api/v1/teams",
        "/api/v1/me",
        "/api/v1/public/lead-forms/{form_key}",
        "/api/v1/contact-persons/{contact_person_id}",
    ):
        assert path in spec["paths"], path
    assert set(spec["paths"]["/api/v1/leads"]) == {"get", "post"}
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_reference_resolves(client):
    spec = client.get("/api/v1/openapi.json").json
    for ref in _refs(spec):
        assert ref.startswith("#/components/schemas/")
        assert ref.removeprefix("#/components/schemas/") in spec["components"]["schemas"], ref


def test_operations_describe_bodies_parameters_and_security(client):
    spec = client.get("/api/v1/openapi.json").json
    create_lead = spec["paths"]["/api/v1/leads"]["post"]
    assert create_lead["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LeadCreate"
    }
    assert "201" in create_lead["responses"]
    assert any(p["name"] == "Idempotency-Key" for p in create_lead["parameters"])
    list_leads = spec["paths"]["/api/v1/leads"]["get"]
    assert {p["name"] for p in list_leads["parameters"]} >= {
        "page_size",
        "page_token",
        "status",
        "source",
        "q",
    }
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []
    lead_schema = spec["components"]["schemas"]["contacts.Lead"]
    assert "web_form" in lead_schema["properties"]["source"]["enum"]
    money = spec["components"]["schemas"]["common.Money"]
    assert set(money["properties"]) == {"amount", "currency"}
    ids = [op["operationId"] for methods in spec["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))


def test_every_flask_api_route_is_in_the_document(app, client):
    spec = client.get("/api/v1/openapi.json").json
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "openapi.spec":
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented


def test_docs_page_lists_the_operations_without_external_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "/api/v1/leads/{lead_id}/qualify" in page
    assert "https://" not in page
    assert "http://" not in page


@pytest.mark.parametrize(
    ("literal", "enum"),
    [
        (models.LeadSourceName, resources.LeadSource),
        (models.LeadStatusName, resources.LeadStatus),
        (models.CustomerKindName, resources.CustomerKind),
        (models.AddressKindName, resources.AddressKind),
        (models.PaymentMethodName, resources.PaymentMethod),
    ],
)
def test_request_enum_names_match_the_proto_enums(literal, enum):
    assert list(get_args(literal)) == enum_short_names(enum.DESCRIPTOR)
