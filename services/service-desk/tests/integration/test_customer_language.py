"""Customers' mail in their language, over real NATS, SMTP (desk's listener and an aiosmtpd
sink) and gRPC on SQLite and PostgreSQL: the read model takes preferred_language from the
contacts events; an English-speaking contact person's e-mail case gets the English
acknowledgement, survey mail and survey page, a Thai one the Thai."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from chassis.events import replay
from chassis.identity import Caller
from chassis.mail.testing import ReceivedMail, SmtpSink
from chassis.testing import NatsServer, free_port
from chassis.testkit import eventually, publish_event
from crm.common.v1 import audit_pb2 as common
from crm.contacts.v1 import events_pb2 as contacts
from crm.contacts.v1 import resources_pb2 as contact_res
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from service_desk.adapters.customers import customer_language
from service_desk.adapters.tables import customers
from service_desk.bootstrap import replay_config
from service_desk.events import DURABLE
from service_desk.testing import AGENT, ServiceDeskUnderTest, bkk, mail_to, running_service_desk

SUPPORT = "support@siamsupply.example"
JOHN = "john@acme.example"  # contact person, English
NOK = "nok@acme.example"  # contact person, no language given: Thai
ACME = "it@acme.example"  # the customer's own address, English
GATEWAY = Caller.system("gateway")


@pytest.fixture
def desk(
    database_url: str, nats_server: NatsServer, sink: SmtpSink, tmp_path: Path
) -> Iterator[ServiceDeskUnderTest]:
    with running_service_desk(
        database_url,
        nats_server.url,
        tmp_path,
        **mail_to(sink),
        mail_from=f"Siam Supply Support <{SUPPORT}>",
        inbound_smtp_port=free_port(),
    ) as running:
        yield running


def person(person_id: str, email: str, language: str, version: int = 1) -> contacts.ContactPersonChanged:
    return contacts.ContactPersonChanged(
        contact_person=contact_res.ContactPerson(
            id=person_id,
            customer_id="cus_acme",
            first_name=person_id,
            email=email,
            preferred_language=language,
            audit=common.AuditInfo(version=version),
        )
    )


def language_of(desk: ServiceDeskUnderTest, customer_id: str, email: str) -> str:
    with desk.service.database.read() as session:
        return customer_language(session, customer_id, email)


def publish_acme(desk: ServiceDeskUnderTest, nats_url: str) -> None:
    """Acme (English) with John (English) and Nok (no language: Thai), as contacts publishes them."""
    acme = contact_res.Customer(
        id="cus_acme",
        name="Acme Trading",
        email=ACME,
        preferred_language="en",
        audit=common.AuditInfo(version=1),
    )
    publish_event(nats_url, "crm.contacts.customer.created", contacts.CustomerCreated(customer=acme))
    publish_event(nats_url, "crm.contacts.contact_person.created", person("cp_john", JOHN, "en"))
    publish_event(nats_url, "crm.contacts.contact_person.created", person("cp_nok", NOK, ""))
    eventually(lambda: desk.count("contact_persons") == 2, what="contact persons kept")


def deliver(desk: ServiceDeskUnderTest, sender: str, subject: str, message_id: str) -> str:
    """A customer's mail through the desk's SMTP listener; the id of the case it opened."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Message-ID"] = f"<{message_id}>"
    message.set_content("It stopped working.")
    desk.clock.set(desk.clock.now + dt.timedelta(minutes=1))
    with smtplib.SMTP("127.0.0.1", desk.settings.inbound_smtp_port, timeout=15) as client:
        client.ehlo()
        client.mail(sender)
        client.rcpt(SUPPORT)
        code, text = client.data(message.as_bytes())
    assert code == 250, text
    _, outcome, case_id = text.decode().split()
    assert outcome == "created"
    return case_id


def resolve(desk: ServiceDeskUnderTest, case_id: str) -> None:
    for status in (res.CASE_STATUS_IN_PROGRESS, res.CASE_STATUS_RESOLVED):
        desk.clock.set(desk.clock.now + dt.timedelta(minutes=30))
        desk.call("ChangeCaseStatus", pb.ChangeCaseStatusRequest(case_id=case_id, status=status), AGENT)


def mails_to(sink: SmtpSink, address: str, count: int) -> list[ReceivedMail]:
    return sink.wait_for(lambda m: address in m.recipients, count)


def test_the_read_model_keeps_languages_from_contacts_events(
    desk: ServiceDeskUnderTest, nats_server: NatsServer
) -> None:
    publish_acme(desk, nats_server.url)
    assert language_of(desk, "cus_acme", JOHN) == "en"  # the contact person's
    assert language_of(desk, "cus_acme", "JOHN@acme.example") == "en"
    assert language_of(desk, "cus_acme", NOK) == "th"  # Nok's own, not the company's
    assert language_of(desk, "cus_acme", "buyer@elsewhere.example") == "en"  # the customer's
    assert language_of(desk, "", ACME) == "en"  # no customer named: the one whose e-mail it is
    assert language_of(desk, "cus_unknown", "x@unknown.example") == "th"
    assert language_of(desk, "", "") == "th"

    # A newer version switches Nok to English; a stale one, or the same event again, changes nothing.
    newer = publish_event(
        nats_server.url, "crm.contacts.contact_person.updated", person("cp_nok", NOK, "en", 2)
    )
    eventually(lambda: language_of(desk, "cus_acme", NOK) == "en", what="Nok in English")
    inbox = desk.count("inbox")
    publish_event(nats_server.url, "crm.contacts.contact_person.updated", person("cp_nok", NOK, "th", 1))
    again = publish_event(
        nats_server.url,
        "crm.contacts.contact_person.updated",
        person("cp_nok", NOK, "en", 2),
        newer.event_id,
    )
    assert again.duplicate
    eventually(lambda: desk.count("inbox") == inbox + 1, what="the stale event handled")
    assert language_of(desk, "cus_acme", NOK) == "en"


def test_an_english_contact_gets_english_mail_and_a_thai_one_thai(
    desk: ServiceDeskUnderTest, nats_server: NatsServer, sink: SmtpSink
) -> None:
    publish_acme(desk, nats_server.url)
    desk.clock.set(bkk(2026, 4, 1, 9, 0))
    english_case = deliver(desk, JOHN, "Printer jams", "john-1@acme.example")
    thai_case = deliver(desk, NOK, "เครื่องพิมพ์กระดาษติด", "nok-1@acme.example")

    [ack] = mails_to(sink, JOHN, 1)
    assert ack.message["Content-Language"] == "en"
    assert "We have received your request: Printer jams" in ack.subject
    [ack] = mails_to(sink, NOK, 1)
    assert ack.message["Content-Language"] == "th"
    assert "เราได้รับเรื่องของท่านแล้ว" in ack.subject

    resolve(desk, english_case)
    resolve(desk, thai_case)
    _, survey = mails_to(sink, JOHN, 2)
    assert survey.message["Content-Language"] == "en"
    assert "Was your request solved?" in survey.subject
    assert desk.call("GetSurvey", pb.GetSurveyRequest(token=token_of(survey)), GATEWAY).language == "en"
    _, survey = mails_to(sink, NOK, 2)
    assert survey.message["Content-Language"] == "th"
    assert "ปัญหาของท่านได้รับการแก้ไขแล้วหรือไม่" in survey.subject
    assert desk.call("GetSurvey", pb.GetSurveyRequest(token=token_of(survey)), GATEWAY).language == "th"


def token_of(mail: ReceivedMail) -> str:
    found = re.search(r"/service/survey/([A-Za-z0-9_-]+)", mail.body())
    assert found is not None
    return found.group(1)


def test_replay_rebuilds_the_customers_from_the_stream_and_leaves_the_rest(
    desk: ServiceDeskUnderTest, nats_server: NatsServer, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`crm-replay --module service_desk.bootstrap --consumer service-desk`: the read models are
    cleared and rebuilt from the stream; cases (and the inbox rows of other subjects) stay."""
    publish_acme(desk, nats_url=nats_server.url)
    case = desk.call(
        "CreateCase", pb.CreateCaseRequest(title="UPS beeps", customer_id="cus_acme"), AGENT
    ).case
    with desk.service.database.transaction() as session:  # a row no event ever wrote: gone after
        session.execute(customers.delete().where(customers.c.id == "cus_acme"))
        session.execute(
            customers.insert().values(
                id="cus_ghost",
                name="Ghost",
                email="",
                email_key="",
                group_ids="[]",
                version=1,
                preferred_language="th",
            )
        )
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("NATS_URL", nats_server.url)
    database, tables, nats_url, handlers, reset = replay_config()
    try:
        applied = asyncio.run(
            replay(
                database, tables, nats_url, handlers=handlers, reset=reset, consumer=DURABLE, idle_timeout=5
            )
        )
    finally:
        database.dispose()

    assert applied == 3  # Acme, John and Nok
    assert language_of(desk, "", ACME) == "en"
    assert language_of(desk, "cus_acme", JOHN) == "en"
    assert desk.count("customers", "id = 'cus_ghost'") == 0
    assert desk.call("GetCase", pb.GetCaseRequest(id=case.id), AGENT).case.title == "UPS beeps"
