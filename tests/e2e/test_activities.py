"""Activities through the gateway: a visit for a customer (its name kept current from contacts
events), a conflict refused then saved with an override, a check-in against the customer's
location, the user's iCalendar feed fetched without a bearer token, and a birthday mail
(contacts REST → event → date-mail rule → scheduler → SMTP sink) with RFC 8058 one-click
unsubscribe logged as a consent change."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import time
from email.message import EmailMessage
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


def received_mail(platform: Platform, address: str) -> list[EmailMessage]:
    """Messages the platform's SMTP sink saved (var/mail/*.eml) for `address`."""
    found = []
    for path in sorted(platform.mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if isinstance(message, EmailMessage) and address in str(message["To"]):
            found.append(message)
    return found


def test_a_birthday_mail_is_sent_by_the_scheduler_and_unsubscribed_in_one_click(
    platform: Platform, org: Org
) -> None:
    deadline = time.monotonic() + 20
    now = dt.datetime.now(BKK)
    customer = org.rep.post("/customers", customer_body(org.rep)).json()
    address = f"birthday.{customer['id'][-8:].lower()}@example.co.th"
    person = org.rep.post(
        f"/customers/{customer['id']}/contact-persons",
        {
            "first_name": "มาลี",
            "last_name": "ใจดี",
            "email": address,
            "birthday": now.replace(year=1992).date().isoformat(),  # a leap year: valid on 29 February too
            "marketing_consent": True,
        },
    )
    assert person.status_code == 201, person.text
    contact_id = person.json()["id"]
    # Due now: today's birthdays at this minute in Bangkok (the scheduler plans every second
    # on the e2e platform, see conftest).
    rule = org.admin.post(
        "/date-mail-rules",
        {
            "name": f"Birthday {contact_id}",
            "field": "birthday",
            "send_time": now.strftime("%H:%M"),
            "time_zone": "Asia/Bangkok",
            "language": "en",
        },
    )
    assert rule.status_code == 201, rule.text

    def delivered() -> EmailMessage:
        found = received_mail(platform, address)
        assert len(found) == 1, f"{len(found)} mail to {address}"
        return found[0]

    mail = eventually(delivered, timeout=max(1.0, deadline - time.monotonic()))
    header = str(mail["List-Unsubscribe"])
    link = re.fullmatch(r"<(http://\S+/api/v1/unsubscribe/([A-Za-z0-9_-]{43}))>", header)
    assert link is not None, header
    assert link.group(1).startswith(platform.gateway_url)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    assert link.group(1) in str(body.get_content())

    # What a mail program does for one-click (RFC 8058): POST the fixed body, no credentials.
    clicked = requests.post(
        link.group(1),
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=15,
    )
    assert clicked.status_code == 200, clicked.text
    consent = org.rep.get(f"/marketing-consents/contact/{contact_id}")
    assert consent.status_code == 200, consent.text
    assert not consent.json().get("granted", False)
    log = [(entry.get("granted", False), entry["source"]) for entry in consent.json()["log"]]
    assert log == [(True, "contacts"), (False, "unsubscribe")]
    assert (
        requests.post(f"{platform.gateway_url}/api/v1/unsubscribe/{'x' * 43}", timeout=15).status_code == 404
    )
