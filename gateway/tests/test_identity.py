"""Users, teams and the manager hierarchy; identity events go to the outbox in the same
transaction; only admins change identity; the migrations build the tables the code uses."""

from __future__ import annotations

import json

import sqlalchemy as sa
from chassis.db import Database
from chassis.testkit import schema_differences
from crm.identity.v1 import identity_pb2
from gateway.adapters.tables import event_tables, metadata


def _outbox(app):
    database = app.extensions["crm_gateway"].database
    with database.read() as session:
        rows = session.execute(sa.select(event_tables.outbox).order_by(event_tables.outbox.c.seq)).mappings()
        return [dict(row) for row in rows]


def test_creating_a_user_writes_user_created_to_the_outbox(app, client, admin_headers):
    team = client.post("/api/v1/teams", headers=admin_headers, json={"name": "Northern Region"}).json
    response = client.post(
        "/api/v1/users",
        headers=admin_headers,
        json={
            "email": "Niran.Rep@Example.co.th",
            "display_name": "นิรันดร์ ดอยสุเทพ",
            "password": "Demo-Passw0rd!",
            "roles": ["sales_rep"],
            "team_ids": [team["id"]],
            "language": "en",
        },
    )
    assert response.status_code == 201
    user = response.json
    assert user["email"] == "niran.rep@example.co.th"
    assert user["team_ids"] == [team["id"]]
    assert "password" not in user
    assert "password_hash" not in user
    rows = [row for row in _outbox(app) if row["aggregate_id"] == user["id"]]
    assert [row["subject"] for row in rows] == ["crm.identity.user.created"]
    event = identity_pb2.UserCreated.FromString(rows[0]["payload"])
    assert (event.user.email, list(event.user.roles), list(event.user.team_ids)) == (
        "niran.rep@example.co.th",
        ["sales_rep"],
        [team["id"]],
    )
    assert json.loads(rows[0]["headers"])["Crm-Event-Type"] == "crm.identity.v1.UserCreated"
    team_rows = [row for row in _outbox(app) if row["aggregate_id"] == team["id"]]
    assert [row["subject"] for row in team_rows] == ["crm.identity.team.created"]


def test_updates_and_deactivation_are_events_too(app, client, admin_headers):
    user = client.post(
        "/api/v1/users",
        headers=admin_headers,
        json={"email": "malee@example.co.th", "password": "Demo-Passw0rd!", "roles": ["sales_rep"]},
    ).json
    changed = client.patch(
        f"/api/v1/users/{user['id']}",
        headers={**admin_headers, "If-Match": '"1"'},
        json={"roles": ["sales_rep", "marketing"]},
    )
    assert changed.status_code == 200
    assert changed.json["roles"] == ["marketing", "sales_rep"]
    assert changed.json["version"] == 2
    stale = client.patch(
        f"/api/v1/users/{user['id']}",
        headers={**admin_headers, "If-Match": '"1"'},
        json={"display_name": "x"},
    )
    assert stale.status_code == 409
    client.post(f"/api/v1/users/{user['id']}/deactivate", headers=admin_headers)
    subjects = [row["subject"] for row in _outbox(app) if row["aggregate_id"] == user["id"]]
    assert subjects == [
        "crm.identity.user.created",
        "crm.identity.user.updated",
        "crm.identity.user.deactivated",
    ]


def test_a_refused_change_leaves_no_event(app, client, admin_headers):
    before = len(_outbox(app))
    refused = client.post(
        "/api/v1/users",
        headers=admin_headers,
        json={"email": "weak@example.co.th", "password": "password", "roles": ["sales_rep"]},
    )
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json["errors"]} == {"password"}
    assert len(_outbox(app)) == before


def test_duplicate_email_is_409(client, admin_headers):
    body = {"email": "dup@example.co.th", "password": "Demo-Passw0rd!"}
    assert client.post("/api/v1/users", headers=admin_headers, json=body).status_code == 201
    assert client.post("/api/v1/users", headers=admin_headers, json=body).status_code == 409


def test_manager_hierarchy_refuses_cycles(client, admin_headers):
    def user(email, manager_id=None):
        return client.post(
            "/api/v1/users",
            headers=admin_headers,
            json={
                "email": email,
                "password": "Demo-Passw0rd!",
                "roles": ["sales_manager"],
                "manager_id": manager_id,
            },
        ).json

    top = user("top@example.co.th")
    middle = user("middle@example.co.th", top["id"])
    bottom = user("bottom@example.co.th", middle["id"])
    refused = client.patch(
        f"/api/v1/users/{top['id']}", headers=admin_headers, json={"manager_id": bottom["id"]}
    )
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "manager_id"
    unknown = client.patch(f"/api/v1/users/{top['id']}", headers=admin_headers, json={"manager_id": "nobody"})
    assert unknown.status_code == 422


def test_a_team_lead_gets_the_teams_below_in_the_token(client, admin_headers, login):
    manager = client.post(
        "/api/v1/users",
        headers=admin_headers,
        json={"email": "kanya@example.co.th", "password": "Demo-Passw0rd!", "roles": ["sales_manager"]},
    ).json
    region = client.post(
        "/api/v1/teams", headers=admin_headers, json={"name": "North", "manager_id": manager["id"]}
    ).json
    branch = client.post(
        "/api/v1/teams", headers=admin_headers, json={"name": "Chiang Mai", "parent_team_id": region["id"]}
    ).json
    client.post("/api/v1/teams", headers=admin_headers, json={"name": "South"})
    import jwt

    token = login(client, "kanya@example.co.th", "Demo-Passw0rd!")["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert sorted(claims["team_ids"]) == sorted([region["id"], branch["id"]])
    cycle = client.patch(
        f"/api/v1/teams/{region['id']}", headers=admin_headers, json={"parent_team_id": branch["id"]}
    )
    assert cycle.status_code == 422


def test_only_admins_change_identity_but_everyone_reads(client, as_user, admin_headers):
    rep = as_user("sales_rep")
    assert (
        client.post(
            "/api/v1/users", headers=rep, json={"email": "x@example.co.th", "password": "Demo-Passw0rd!"}
        ).status_code
        == 403
    )
    assert client.get("/api/v1/users", headers=rep).status_code == 200
    assert client.get("/api/v1/teams", headers=rep).status_code == 200
    assert client.get("/api/v1/me", headers=rep).json["roles"] == ["sales_rep"]


def test_users_page_with_a_token(client, admin_headers):
    for i in range(3):
        client.post(
            "/api/v1/users",
            headers=admin_headers,
            json={"email": f"page{i}@example.co.th", "password": "Demo-Passw0rd!"},
        )
    first = client.get("/api/v1/users?page_size=2&q=page", headers=admin_headers).json
    assert [u["email"] for u in first["users"]] == ["page0@example.co.th", "page1@example.co.th"]
    second = client.get(
        f"/api/v1/users?page_size=2&q=page&page_token={first['next_page_token']}", headers=admin_headers
    ).json
    assert [u["email"] for u in second["users"]] == ["page2@example.co.th"]
    assert second["next_page_token"] == ""


def test_own_password_change_needs_the_current_password(client, as_user, login):
    headers = as_user("sales_rep", email="change@example.co.th")
    wrong = client.post(
        "/api/v1/me/password",
        headers=headers,
        json={"current_password": "nope", "new_password": "Brand-New-Passw0rd"},
    )
    assert wrong.status_code == 422
    ok = client.post(
        "/api/v1/me/password",
        headers=headers,
        json={"current_password": "Sales-Passw0rd!", "new_password": "Brand-New-Passw0rd"},
    )
    assert ok.status_code == 204
    login(client, "change@example.co.th", "Brand-New-Passw0rd")


def test_migrations_build_exactly_the_tables_in_the_code(app, database_url):
    database = Database(database_url)
    try:
        differences = schema_differences(database.engine, metadata)
    finally:
        database.dispose()
    assert differences == []
