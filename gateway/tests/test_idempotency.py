"""Idempotency-Key on creating POSTs: one create per (user, key), the first response
replayed, another body refused, and concurrent duplicates never creating twice."""

from __future__ import annotations

import threading

LEAD = {"source": "phone", "contact_name": "คุณสมศรี", "email": "somsri@npt-agri.co.th"}


def test_same_key_and_body_creates_once_and_replays_the_response(client, admin_headers, fake_contacts):
    headers = {**admin_headers, "Idempotency-Key": "lead-1"}
    first = client.post("/api/v1/leads", headers=headers, json=LEAD)
    second = client.post("/api/v1/leads", headers=headers, json=LEAD)
    assert first.status_code == second.status_code == 201
    assert first.json == second.json
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(fake_contacts.servicer.leads) == 1
    sent = fake_contacts.servicer.requests[0]
    assert len(sent.request_id) == 32


def test_same_key_with_another_body_is_422(client, admin_headers, fake_contacts):
    headers = {**admin_headers, "Idempotency-Key": "lead-2"}
    assert client.post("/api/v1/leads", headers=headers, json=LEAD).status_code == 201
    other = client.post("/api/v1/leads", headers=headers, json=dict(LEAD, contact_name="คุณอื่น"))
    assert other.status_code == 422
    assert other.content_type == "application/problem+json"
    assert other.json["errors"][0]["field"] == "Idempotency-Key"
    assert len(fake_contacts.servicer.leads) == 1


def test_keys_belong_to_their_user(client, admin_headers, as_user, fake_contacts):
    rep = as_user("sales_rep")
    assert (
        client.post("/api/v1/leads", headers={**admin_headers, "Idempotency-Key": "k"}, json=LEAD).status_code
        == 201
    )
    assert client.post("/api/v1/leads", headers={**rep, "Idempotency-Key": "k"}, json=LEAD).status_code == 201
    assert len(fake_contacts.servicer.leads) == 2


def test_refused_requests_are_replayed_but_server_errors_are_not_stored(client, admin_headers, fake_contacts):
    headers = {**admin_headers, "Idempotency-Key": "bad-lead"}
    invalid = dict(LEAD, email="x@invalid")
    assert client.post("/api/v1/leads", headers=headers, json=invalid).status_code == 422
    assert (
        client.post("/api/v1/leads", headers=headers, json=invalid).headers.get("Idempotent-Replayed")
        == "true"
    )


def test_identity_creates_are_idempotent_too(client, admin_headers):
    headers = {**admin_headers, "Idempotency-Key": "team-1"}
    first = client.post("/api/v1/teams", headers=headers, json={"name": "Bangkok Enterprise"})
    second = client.post("/api/v1/teams", headers=headers, json={"name": "Bangkok Enterprise"})
    assert first.status_code == second.status_code == 201
    assert first.json["id"] == second.json["id"]


def test_concurrent_duplicates_create_once(make_app, login, fake_contacts):
    """Two workers get the same request at once; the second arrives while the first waits on
    the contacts service. Only one lead is created; the other request is told to retry."""
    workers = [make_app().test_client(), make_app().test_client()]
    token = login(workers[0])["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "race"}
    fake_contacts.servicer.release_create = threading.Event()
    results: list[int] = []

    def send(worker) -> None:
        results.append(worker.post("/api/v1/leads", headers=headers, json=LEAD).status_code)

    first = threading.Thread(target=send, args=(workers[0],))
    first.start()
    assert fake_contacts.servicer.create_started.wait(10)
    send(workers[1])
    fake_contacts.servicer.release_create.set()
    first.join(10)
    assert sorted(results) == [201, 409]
    assert len(fake_contacts.servicer.leads) == 1
    replay = workers[1].post("/api/v1/leads", headers=headers, json=LEAD)
    assert replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
