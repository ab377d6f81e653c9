"""Events on a real nats-server: contacts and identity events keep name snapshots and users
current (stale versions dropped), and the service's own events reach the stream."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from activities.testing import (
    REP,
    ActivitiesUnderTest,
    eventually,
    publish,
    settings_for,
    stamp,
    start_activities,
    stop_activities,
)
from chassis.testing import NatsServer
from crm.activities.v1 import activities_service_pb2 as pb
from crm.activities.v1 import resources_pb2 as res
from crm.contacts.v1 import events_pb2 as contacts
from crm.contacts.v1 import resources_pb2 as contact_res
from crm.identity.v1 import identity_pb2 as identity


@pytest.fixture
def with_events(database_url: str, nats_server: NatsServer, tmp_path: Path) -> Iterator[ActivitiesUnderTest]:
    running = start_activities(settings_for(database_url, nats_server.url, tmp_path))
    try:
        yield running
    finally:
        stop_activities(running)


def customer_event(name: str, version: int) -> bytes:
    customer = contact_res.Customer(id="cus_9", name=name, email="buyer@siam.example")
    customer.audit.version = version
    return contacts.CustomerUpdated(customer=customer).SerializeToString()


def test_customer_renames_reach_links_and_stale_ones_are_dropped(
    with_events: ActivitiesUnderTest, nats_server: NatsServer
) -> None:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    made = with_events.call(
        "CreateActivity",
        pb.CreateActivityRequest(
            activity=res.Activity(
                type=res.ACTIVITY_TYPE_CALL,
                subject="Call buyer",
                start_time=stamp(start),
                end_time=stamp(start),
                time_zone="Asia/Bangkok",
                links=[res.Link(kind=res.LINK_KIND_CUSTOMER, id="cus_9", name="Siam")],
            )
        ),
    ).activity
    subject = "crm.contacts.customer.updated"
    publish(nats_server.url, subject, customer_event("Siam Foods (2)", 2), str(uuid.uuid4()))
    publish(nats_server.url, subject, customer_event("Siam Foods (old)", 1), str(uuid.uuid4()))

    def link_name() -> str:
        got = with_events.call("GetActivity", pb.GetActivityRequest(id=made.id)).activity
        return str(got.links[0].name)

    eventually(lambda: with_events.count("inbox") >= 2, what="both events applied")
    assert link_name() == "Siam Foods (2)"
    # A later activity takes the current name from the directory, whatever the client sent.
    later = with_events.call(
        "CreateActivity",
        pb.CreateActivityRequest(
            activity=res.Activity(
                type=res.ACTIVITY_TYPE_CALL,
                subject="Again",
                start_time=stamp(start),
                end_time=stamp(start),
                time_zone="Asia/Bangkok",
                links=[res.Link(kind=res.LINK_KIND_CUSTOMER, id="cus_9", name="typo")],
            )
        ),
    ).activity
    assert later.links[0].name == "Siam Foods (2)"
    eventually(lambda: with_events.count("outbox", "published_at IS NOT NULL") >= 2, what="events published")


def test_identity_users_fill_attendee_names_and_emails(
    with_events: ActivitiesUnderTest, nats_server: NatsServer
) -> None:
    user = identity.User(
        id="u-anan", email="anan@example.co.th", display_name="Anan", language="th", active=True, version=1
    )
    publish(
        nats_server.url,
        "crm.identity.user.created",
        identity.UserCreated(user=user).SerializeToString(),
        "u1",
    )
    eventually(lambda: with_events.count("users", "id = 'u-anan'") == 1, what="the user")
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    made = with_events.call(
        "CreateActivity",
        pb.CreateActivityRequest(
            activity=res.Activity(
                type=res.ACTIVITY_TYPE_MEETING,
                subject="Plan",
                start_time=stamp(start),
                end_time=stamp(start + dt.timedelta(hours=1)),
                time_zone="Asia/Bangkok",
                attendees=[res.Attendee(kind=res.ATTENDEE_KIND_USER, id="u-anan")],
            )
        ),
        REP,
    ).activity
    assert (made.attendees[0].name, made.attendees[0].email) == ("Anan", "anan@example.co.th")


def test_contact_events_carry_birthdays_and_consent_and_only_a_change_of_consent_applies(
    with_events: ActivitiesUnderTest, nats_server: NatsServer
) -> None:
    from activities.application.consent import get_consent, set_consent

    def person(version: int, consent: bool) -> bytes:
        p = contact_res.ContactPerson(
            id="cp_9", first_name="Somchai", email="somchai@siam.example", birthday="1985-02-28",
            marketing_consent=consent,
        )  # fmt: skip
        p.audit.version = version
        return contacts.ContactPersonChanged(contact_person=p).SerializeToString()

    publish(nats_server.url, "crm.contacts.contact_person.created", person(1, True), str(uuid.uuid4()))
    eventually(lambda: with_events.count("mail_dates", "subject_id = 'cp_9'"), what="birthday stored")

    set_consent(with_events.service.context, REP, "contact", "cp_9", False, note="phone call")
    publish(nats_server.url, "crm.contacts.contact_person.updated", person(2, True), str(uuid.uuid4()))
    eventually(lambda: with_events.count("parties", "ref_id = 'cp_9' AND version = 2"), what="update applied")
    state = get_consent(with_events.service.context, REP, "contact", "cp_9")
    assert not state.granted  # contacts still says yes, but that is no change: the withdrawal stands
    assert [(e.granted, e.source) for e in state.log] == [(True, "contacts"), (False, "api")]
