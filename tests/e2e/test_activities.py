"""Activities through the gateway: a visit for a customer (its name kept current from contacts
events), a conflict refused then saved with an override, a check-in against the customer's
location, and the user's iCalendar feed fetched without a bearer token."""

from __future__ import annotations

import datetime as dt
from typing import Any

import recurring_ical_events
import requests
from icalendar import Calendar

from crm_platform.processes import Platform

from .conftest import Client, Org, customer_body, eventually

BKK = dt.timezone(dt.timedelta(hours=7))


def put(client: Client, path: str, body: dict[str, Any]) -> requests.Response:
    return requests.put(
        f"{client.base_url}/api/v1{path}", json=body, headers=client._headers(None), timeout=15
    )


def visit_body(customer: dict[str, Any], start: dt.datetime, **extra: Any) -> dict[str, Any]:
    return {
        "type": "visit",
        "subject": "เยี่ยมลูกค้า",
        "description": "Bring the new catalogue",
        "private_notes": "floor price 95",
        "start_time": start.isoformat(),
        "end_time": (start + dt.timedelta(hours=1)).isoformat(),
        "time_zone": "Asia/Bangkok",
        "links": [{"kind": "customer", "id": customer["id"], "name": customer["name"]}],
        **extra,
    }


def test_visit_conflict_check_in_and_feed(platform: Platform, org: Org) -> None:
    customer = org.rep.post("/customers", customer_body(org.rep)).json()
    start = (dt.datetime.now(BKK) + dt.timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)

    created = org.rep.post("/activities", visit_body(customer, start))
    assert created.status_code == 201, created.text
    visit = created.json()["activity"]
    assert visit["links"][0]["name"] == customer["name"]

    clash = visit_body(customer, start + dt.timedelta(minutes=30), subject="Second visit")
    refused = org.rep.post("/activities", clash)
    assert refused.status_code == 409, refused.text
    assert refused.json()["details"][0]["conflicts"][0]["activity_id"] == visit["id"]
    saved = org.rep.post("/activities?override_conflicts=true", clash)
    assert saved.status_code == 201, saved.text
    assert saved.json()["activity"]["conflict_override"]["activity_ids"] == [visit["id"]]

    # The customer's new name reaches the activity through crm.contacts.customer.updated.
    renamed = org.rep.patch(f"/customers/{customer['id']}", {"name": customer["name"] + " (สาขา 2)"})
    assert renamed.status_code == 200, renamed.text

    def name_updated() -> None:
        got = org.rep.get(f"/activities/{visit['id']}").json()
        assert got["links"][0]["name"] == customer["name"] + " (สาขา 2)"

    eventually(name_updated, timeout=30)

    located = put(
        org.rep, f"/customer-locations/{customer['id']}", {"latitude": 13.7205, "longitude": 100.5296}
    )
    assert located.status_code == 200, located.text
    bad = org.rep.post(f"/activities/{visit['id']}/check-in", {"latitude": 91, "longitude": 100.5})
    assert bad.status_code in (400, 422)
    assert "latitude" in [e["field"] for e in bad.json()["errors"]]
    checked = org.rep.post(
        f"/activities/{visit['id']}/check-in",
        {
            "latitude": 13.7210,
            "longitude": 100.5296,
            "accuracy_m": 10,
            "device_time": dt.datetime.now(BKK).isoformat(),
        },
    )
    assert checked.status_code == 200, checked.text
    assert checked.json()["check_in"]["verdict"] == "within"
    assert 50 < checked.json()["check_in"]["distance_m"] < 60
    out = org.rep.post(f"/activities/{visit['id']}/check-out", {})
    assert out.status_code == 200, out.text

    weekly = org.rep.post(
        "/activities",
        {
            "type": "meeting",
            "subject": "Weekly pipeline",
            "start_time": (start + dt.timedelta(days=1, hours=5)).isoformat(),
            "end_time": (start + dt.timedelta(days=1, hours=6)).isoformat(),
            "time_zone": "Asia/Bangkok",
            "rrule": "FREQ=WEEKLY;COUNT=4",
        },
    )
    assert weekly.status_code == 201, weekly.text

    feed = org.rep.post("/calendar-feeds", {})
    assert feed.status_code == 201, feed.text
    assert feed.json()["webcal_url"].startswith("webcal://")
    fetched = requests.get(feed.json()["url"], timeout=15)  # no Authorization header
    assert fetched.status_code == 200, fetched.text
    assert b"floor price" not in fetched.content
    calendar = Calendar.from_ical(fetched.content)
    uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    assert f"{visit['id']}@activities.crm" in uids
    window = (start - dt.timedelta(days=1), start + dt.timedelta(days=40))
    pipeline = [
        o for o in recurring_ical_events.of(calendar).between(*window) if o["SUMMARY"] == "Weekly pipeline"
    ]
    assert len(pipeline) == 4
    assert {o["DTSTART"].dt.astimezone(BKK).hour for o in pipeline} == {15}

    revoked = requests.delete(
        f"{org.rep.base_url}/api/v1/calendar-feeds/{feed.json()['id']}",
        headers=org.rep._headers(None),
        timeout=15,
    )
    assert revoked.status_code == 200, revoked.text
    assert requests.get(feed.json()["url"], timeout=15).status_code == 404


def test_a_rep_does_not_see_another_teams_visit(org: Org) -> None:
    customer = org.south_rep.post("/customers", customer_body(org.south_rep)).json()
    start = dt.datetime.now(BKK) + dt.timedelta(days=3)
    made = org.south_rep.post("/activities", visit_body(customer, start)).json()["activity"]
    assert org.rep.get(f"/activities/{made['id']}").status_code == 404
    assert org.manager.get(f"/activities/{made['id']}").status_code == 404
    assert org.admin.get(f"/activities/{made['id']}").status_code == 200
    page = org.south_rep.get("/calendar", view="week", date=start.date().isoformat())
    assert made["id"] in [e["activity"]["id"] for e in page.json()["entries"]]
