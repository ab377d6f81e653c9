"""The token endpoint and the bearer guard: issue, rotate, reuse detection, expiry, audience,
algorithm pinning, revocation and deactivation."""

from __future__ import annotations

import time
from typing import Any

import jwt

ADMIN = {"username": "admin@example.co.th", "password": "admin-Passw0rd!"}
SECRET = "test-secret-0123456789-0123456789-abcdef"


def _token(client: Any, **body: Any) -> Any:
    return client.post("/api/v1/auth/token", json=body)


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "sub": "someone",
        "roles": ["admin"],
        "team_ids": [],
        "iss": "crm-gateway",
        "aud": "crm-api",
        "iat": now,
        "exp": now + 600,
        "jti": "j1",
        "typ": "access",
    }
    claims.update(overrides)
    return claims


def test_password_grant_issues_a_bearer_access_token_with_the_users_claims(client):
    response = _token(client, grant_type="password", **ADMIN)
    assert response.status_code == 200
    body = response.json
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 15 * 60
    assert body["refresh_token"]
    assert response.headers["Cache-Control"] == "no-store"
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "HS256"
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"], audience="crm-api")
    assert claims["roles"] == ["admin"]
    assert claims["typ"] == "access"
    assert claims["iss"] == "crm-gateway"
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert {"sub", "team_ids", "jti"} <= claims.keys()


def test_password_grant_also_accepts_an_oauth_form_body(client):
    response = client.post("/api/v1/auth/token", data={"grant_type": "password", **ADMIN})
    assert response.status_code == 200


def test_wrong_password_is_401_problem(client):
    response = _token(client, grant_type="password", username=ADMIN["username"], password="wrong-password")
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.json["status"] == 401


def test_missing_password_names_the_field(client):
    response = _token(client, grant_type="password", username=ADMIN["username"])
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "password", "reason": "is required for grant_type password"}]


def test_refresh_rotates_the_token_and_the_new_one_works(client, login):
    first = login(client)
    rotated = _token(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert rotated.status_code == 200
    assert rotated.json["refresh_token"] != first["refresh_token"]
    again = _token(client, grant_type="refresh_token", refresh_token=rotated.json["refresh_token"])
    assert again.status_code == 200


def test_reusing_a_spent_refresh_token_revokes_the_whole_family(client, login):
    first = login(client)
    rotated = _token(client, grant_type="refresh_token", refresh_token=first["refresh_token"]).json
    reuse = _token(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert reuse.status_code == 401
    # The thief's reuse also ends the legitimate holder's newer token.
    after = _token(client, grant_type="refresh_token", refresh_token=rotated["refresh_token"])
    assert after.status_code == 401
    # Another login (another family) is not affected.
    other = login(client)
    assert _token(client, grant_type="refresh_token", refresh_token=other["refresh_token"]).status_code == 200


def test_revoke_ends_the_refresh_token_family(client, login):
    tokens = login(client)
    assert client.post("/api/v1/auth/revoke", json={"token": tokens["refresh_token"]}).status_code == 200
    refused = _token(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refused.status_code == 401
    assert client.post("/api/v1/auth/revoke", json={"token": "unknown"}).status_code == 200


def test_api_without_a_bearer_token_is_401_problem(client):
    response = client.get("/api/v1/leads")
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["title"] == "Unauthorized"


def test_expired_access_token_is_401(client, login):
    user_id = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {login(client)['access_token']}"}
    ).json["id"]
    past = int(time.time()) - 3600
    expired = jwt.encode(_claims(sub=user_id, iat=past - 900, exp=past), SECRET, algorithm="HS256")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert "Expired" in response.json["detail"]


def test_token_for_another_audience_is_401(client, login):
    user_id = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {login(client)['access_token']}"}
    ).json["id"]
    wrong_audience = jwt.encode(_claims(sub=user_id, aud="another-api"), SECRET, algorithm="HS256")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {wrong_audience}"}).status_code == 401


def test_unsigned_alg_none_token_is_refused(client, login):
    user_id = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {login(client)['access_token']}"}
    ).json["id"]
    unsigned = jwt.encode(_claims(sub=user_id), None, algorithm="none")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {unsigned}"}).status_code == 401


def test_token_of_another_type_is_refused(client, login):
    user_id = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {login(client)['access_token']}"}
    ).json["id"]
    refresh_like = jwt.encode(_claims(sub=user_id, typ="refresh"), SECRET, algorithm="HS256")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {refresh_like}"}).status_code == 401


def test_deactivated_user_loses_access_at_once(client, admin_headers, login):
    created = client.post(
        "/api/v1/users",
        headers=admin_headers,
        json={"email": "leaving@example.co.th", "password": "Leaving-Passw0rd!", "roles": ["sales_rep"]},
    ).json
    tokens = login(client, "leaving@example.co.th", "Leaving-Passw0rd!")
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.post(f"/api/v1/users/{created['id']}/deactivate", headers=admin_headers).status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    refused = _token(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refused.status_code == 401
    again = _token(
        client, grant_type="password", username="leaving@example.co.th", password="Leaving-Passw0rd!"
    )
    assert again.status_code == 401


def test_other_workers_see_a_deactivation_within_the_cache_lifetime(app, client, admin_headers, login):
    """A second ActiveUsers stands for another gunicorn worker: it trusts its cached answer
    until the TTL passes, then reads the deactivation."""
    from gateway.auth.active_users import ActiveUsers
    from gateway.context import EXTENSION

    created = client.post(
        "/api/v1/users",
        headers=admin_headers,
        json={"email": "worker@example.co.th", "password": "Worker-Passw0rd!", "roles": ["sales_rep"]},
    ).json
    now = [100.0]
    other_worker = ActiveUsers(app.extensions[EXTENSION].database, 2.0, clock=lambda: now[0])
    assert other_worker.is_active(created["id"])
    assert client.post(f"/api/v1/users/{created['id']}/deactivate", headers=admin_headers).status_code == 200
    assert other_worker.is_active(created["id"])
    now[0] += 2.5
    assert not other_worker.is_active(created["id"])
    assert not other_worker.is_active("no-such-user")
