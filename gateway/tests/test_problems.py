"""Every error is RFC 9457 problem+json; gRPC codes map to HTTP statuses in one table."""

from __future__ import annotations

import grpc
import pytest
from gateway.problems import GRPC_TO_HTTP, http_status_for

PROBLEM = "application/problem+json"


def _is_problem(response, status):
    assert response.status_code == status
    assert response.content_type == PROBLEM
    body = response.json
    assert body["status"] == status
    assert {"type", "title"} <= body.keys()
    return body


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("INVALID_ARGUMENT", 422),
        ("NOT_FOUND", 404),
        ("PERMISSION_DENIED", 403),
        ("FAILED_PRECONDITION", 409),
        ("ALREADY_EXISTS", 409),
        ("ABORTED", 409),
        ("UNAUTHENTICATED", 401),
        ("UNAVAILABLE", 503),
        ("DEADLINE_EXCEEDED", 504),
        ("RESOURCE_EXHAUSTED", 429),
        ("INTERNAL", 500),
        ("UNKNOWN", 500),
    ],
)
def test_grpc_codes_map_to_http_statuses(code, status):
    assert http_status_for(grpc.StatusCode[code]) == status


def test_the_table_has_no_success_code():
    assert grpc.StatusCode.OK not in GRPC_TO_HTTP


def test_unknown_route_is_a_404_problem(client, admin_headers):
    _is_problem(client.get("/no/such/page"), 404)
    _is_problem(client.get("/api/v1/no-such-resource", headers=admin_headers), 404)


def test_unknown_api_route_without_token_is_401_not_404(client):
    _is_problem(client.get("/api/v1/no-such-resource"), 401)


def test_wrong_method_is_a_405_problem(client, admin_headers):
    body = _is_problem(client.delete("/api/v1/leads", headers=admin_headers), 405)
    assert body["title"] == "Method Not Allowed"


def test_validation_errors_name_each_field(client, admin_headers):
    response = client.post(
        "/api/v1/leads", headers=admin_headers, json={"source": "carrier_pigeon", "email": 5, "unknown": 1}
    )
    body = _is_problem(response, 422)
    fields = {error["field"] for error in body["errors"]}
    assert fields == {"source", "email", "unknown"}


def test_money_as_a_json_number_is_refused(client, admin_headers):
    response = client.post(
        "/api/v1/customers",
        headers=admin_headers,
        json={"kind": "juristic", "name": "x", "sales_conditions": {"credit_limit": {"amount": 10.5}}},
    )
    body = _is_problem(response, 422)
    assert body["errors"][0]["field"] == "sales_conditions.credit_limit.amount"


def test_malformed_json_is_a_400_problem(client, admin_headers):
    response = client.post(
        "/api/v1/leads", headers=admin_headers, data="{not json", content_type="application/json"
    )
    _is_problem(response, 400)


def test_grpc_invalid_argument_becomes_422_naming_the_rest_field(client, admin_headers):
    response = client.post(
        "/api/v1/leads", headers=admin_headers, json={"source": "phone", "email": "somchai@invalid"}
    )
    body = _is_problem(response, 422)
    assert body["errors"] == [{"field": "email", "reason": "is not a valid e-mail address"}]
    assert body["code"] == "invalid_argument"


def test_grpc_not_found_becomes_404(client, admin_headers):
    body = _is_problem(client.get("/api/v1/leads/missing", headers=admin_headers), 404)
    assert "missing" in body["detail"]


def test_unreachable_service_is_503(make_app, as_user):
    app = make_app(contacts_target="127.0.0.1:1", grpc_timeout_seconds=2)
    client = app.test_client()
    login = client.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "username": "admin@example.co.th", "password": "admin-Passw0rd!"},
    ).json
    response = client.get("/api/v1/leads", headers={"Authorization": f"Bearer {login['access_token']}"})
    assert response.status_code in (503, 504)
    assert response.content_type == PROBLEM


def test_permission_denied_for_non_admin_is_403(client, as_user):
    rep = as_user("sales_rep")
    body = _is_problem(client.post("/api/v1/teams", headers=rep, json={"name": "Rogue team"}), 403)
    assert body["code"] == "permission_denied"


def test_likely_duplicate_is_409_with_the_candidates(client, admin_headers):
    response = client.post(
        "/api/v1/customers", headers=admin_headers, json={"kind": "juristic", "name": "Duplicate Co"}
    )
    body = _is_problem(response, 409)
    assert body["code"] == "already_exists"
    [details] = body["details"]
    assert details["type"] == "crm.contacts.v1.FindDuplicateCustomersResponse"
    assert details["candidates"][0]["score"] == 95
    assert details["candidates"][0]["customer"]["id"] == "cus_1"
    forced = client.post(
        "/api/v1/customers?allow_duplicates=true",
        headers=admin_headers,
        json={"kind": "juristic", "name": "Duplicate Co"},
    )
    assert forced.status_code == 201


def test_an_unexpected_service_failure_is_500_without_internals(client, admin_headers):
    body = _is_problem(client.get("/api/v1/leads/explode", headers=admin_headers), 500)
    assert "internal detail" not in str(body)


def test_a_service_slower_than_the_deadline_is_504(make_app, login, fake_contacts):
    import threading

    client = make_app(grpc_timeout_seconds=0.5).test_client()
    headers = {"Authorization": f"Bearer {login(client)['access_token']}"}
    fake_contacts.servicer.release_create = threading.Event()
    try:
        response = client.post(
            "/api/v1/leads", headers=headers, json={"source": "phone", "contact_name": "x"}
        )
    finally:
        fake_contacts.servicer.release_create.set()
    body = _is_problem(response, 504)
    assert body["code"] == "deadline_exceeded"
