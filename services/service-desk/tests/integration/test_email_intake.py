"""E-mail intake and threading over real sockets: customers' mail handed to the desk's inbound
SMTP listener (smtplib → aiosmtpd), cases read over real gRPC, the desk's own mail caught by a
real SMTP sink; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Iterator
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

import grpc
import pytest
from chassis.background import BackgroundLoop
from chassis.db import Database
from chassis.mail.testing import ReceivedMail, SmtpSink
from chassis.testing import free_port, wait_for_port
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from service_desk.application.context import ServiceDeskContext
from service_desk.inbound_smtp import inbound_smtp_task
from service_desk.testing import (
    ADMIN,
    AGENT,
    REP,
    ServiceDeskUnderTest,
    mail_to,
    rpc_failure,
    running_service_desk,
)

CUSTOMER = "somchai@example.co.th"
SUPPORT = "support@siamsupply.example"
THAI_SUBJECT = "เครื่องสำรองไฟ UPS ดับบ่อย"


@pytest.fixture
def desk(database_url: str, tmp_path: Path, sink: SmtpSink) -> Iterator[ServiceDeskUnderTest]:
    with running_service_desk(
        database_url,
        None,
        tmp_path,
        **mail_to(sink),
        mail_from="Siam Supply Support <support@siamsupply.example>",
        inbound_smtp_port=free_port(),
    ) as running:
        yield running


def customer_mail(
    message_id: str,
    subject: str = THAI_SUBJECT,
    body: str = "ไฟดับทุกเช้า ช่วยตรวจสอบด้วยครับ",
    in_reply_to: str = "",
    references: str = "",
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = Address("สมชาย ใจดี", addr_spec=CUSTOMER)
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    message.set_content(body)
    return message


def deliver(
    desk: ServiceDeskUnderTest, message: EmailMessage | bytes, sender: str = CUSTOMER
) -> tuple[int, str]:
    """One SMTP transaction to the desk's listener; the DATA reply (code, text)."""
    desk.clock.set(desk.clock.now + dt.timedelta(minutes=1))  # mail arrives one after the other
    raw = message if isinstance(message, bytes) else message.as_bytes()
    with smtplib.SMTP("127.0.0.1", desk.settings.inbound_smtp_port, timeout=15) as client:
        client.ehlo()
        client.mail(sender)
        client.rcpt(SUPPORT)
        code, text = client.data(raw)
    return code, text.decode()


def delivered_case(desk: ServiceDeskUnderTest, message: EmailMessage) -> tuple[str, str]:
    """Delivers and returns (outcome, case id) from the listener's 250 reply."""
    code, text = deliver(desk, message)
    assert code == 250, text
    _, outcome, case_id = text.split()
    return outcome, case_id


def get_case(desk: ServiceDeskUnderTest, case_id: str) -> pb.GetCaseResponse:
    response: pb.GetCaseResponse = desk.call("GetCase", pb.GetCaseRequest(id=case_id), AGENT)
    return response


def mail_to_customer(sink: SmtpSink, count: int) -> list[ReceivedMail]:
    return sink.wait_for(lambda m: CUSTOMER in m.recipients, count)


def message_id_of(mail: ReceivedMail) -> str:
    return str(mail.message["Message-ID"])


def test_a_thai_mail_opens_a_case_and_the_customer_is_acknowledged(
    desk: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    outcome, case_id = delivered_case(desk, customer_mail("first@example.co.th"))

    assert outcome == "created"
    case = get_case(desk, case_id).case
    assert case.title == THAI_SUBJECT
    assert case.description == "ไฟดับทุกเช้า ช่วยตรวจสอบด้วยครับ"
    assert case.channel == "email"
    assert (case.requester_email, case.requester_name) == (CUSTOMER, "สมชาย ใจดี")
    assert case.status == res.CASE_STATUS_NEW
    assert desk.outbox_subjects() == ["crm.servicedesk.case.created"]
    (ack,) = mail_to_customer(sink, 1)
    reference = "SD-" + case_id.removeprefix("case_")[:8].upper()
    assert f"[#{reference}]" in ack.subject
    assert THAI_SUBJECT in ack.subject
    assert ack.message["In-Reply-To"] == "<first@example.co.th>"
    assert ack.message["Reply-To"] == SUPPORT
    assert ack.message["Content-Language"] == "th"
    assert message_id_of(ack).endswith("@siamsupply.example>")


def test_replies_thread_by_in_reply_to_and_by_references_alone(desk: ServiceDeskUnderTest) -> None:
    _, case_id = delivered_case(desk, customer_mail("first@example.co.th"))

    by_parent = delivered_case(
        desk, customer_mail("second@example.co.th", "Re: " + THAI_SUBJECT, "ยังดับอยู่", "<first@example.co.th>")
    )
    by_references = delivered_case(
        desk,
        customer_mail(
            "third@example.co.th",
            "another subject",
            "วันนี้ก็ดับ",
            references="<unknown@elsewhere> <second@example.co.th>",
        ),
    )

    assert by_parent == ("threaded", case_id)
    assert by_references == ("threaded", case_id)
    messages = get_case(desk, case_id).messages
    assert [(m.body, m.from_customer, m.channel, m.message_id) for m in messages] == [
        ("ยังดับอยู่", True, "email", "second@example.co.th"),
        ("วันนี้ก็ดับ", True, "email", "third@example.co.th"),
    ]
    assert desk.count("cases") == 1


def test_a_reply_without_threading_headers_threads_by_the_subject_reference(
    desk: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    _, case_id = delivered_case(desk, customer_mail("first@example.co.th"))
    (ack,) = mail_to_customer(sink, 1)

    outcome = delivered_case(desk, customer_mail("later@example.co.th", "RE: " + ack.subject, "ส่งรูปมาให้ครับ"))

    assert outcome == ("threaded", case_id)
    assert [m.body for m in get_case(desk, case_id).messages] == ["ส่งรูปมาให้ครับ"]


def test_the_same_mail_delivered_twice_is_taken_in_once(desk: ServiceDeskUnderTest, sink: SmtpSink) -> None:
    _, case_id = delivered_case(desk, customer_mail("first@example.co.th"))
    reply = customer_mail("second@example.co.th", "Re: x", "ยังดับอยู่", "<first@example.co.th>")

    first = delivered_case(desk, reply)
    again = delivered_case(desk, reply)
    opening_again = delivered_case(desk, customer_mail("first@example.co.th"))

    assert first == ("threaded", case_id)
    assert again == ("duplicate", case_id)
    assert opening_again == ("duplicate", case_id)
    assert desk.count("cases") == 1
    assert desk.count("case_messages") == 1
    assert desk.count("mail_outbox") == 1  # one acknowledgement


def test_an_agents_reply_is_mailed_in_the_thread_and_the_customers_answer_threads_back(
    desk: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    _, case_id = delivered_case(desk, customer_mail("first@example.co.th"))
    (ack,) = mail_to_customer(sink, 1)

    reply = desk.call("AddCaseReply", pb.AddCaseReplyRequest(case_id=case_id, body="กรุณาส่งรุ่นของ UPS"), AGENT)

    assert reply.message.channel == "email"
    assert not reply.message.from_customer
    mailed = mail_to_customer(sink, 2)[1]
    assert "กรุณาส่งรุ่นของ UPS" in mailed.body()
    assert mailed.message["In-Reply-To"] == message_id_of(ack)
    assert mailed.message["References"] == f"<first@example.co.th> {message_id_of(ack)}"
    assert mailed.message["Reply-To"] == SUPPORT
    assert message_id_of(mailed) == f"<{reply.message.message_id}>"

    answer = customer_mail("answer@example.co.th", "Model?", "รุ่น SMT1500", message_id_of(mailed))
    assert delivered_case(desk, answer) == ("threaded", case_id)
    bodies = [(m.body, m.from_customer) for m in get_case(desk, case_id).messages]
    assert bodies == [("กรุณาส่งรุ่นของ UPS", False), ("รุ่น SMT1500", True)]


def resolve(desk: ServiceDeskUnderTest, case_id: str, *statuses: int) -> None:
    for status in statuses:
        desk.call("ChangeCaseStatus", pb.ChangeCaseStatusRequest(case_id=case_id, status=status), AGENT)


def test_a_reply_to_a_resolved_case_reopens_it(desk: ServiceDeskUnderTest) -> None:
    _, case_id = delivered_case(desk, customer_mail("first@example.co.th"))
    resolve(desk, case_id, res.CASE_STATUS_RESOLVED)

    outcome = delivered_case(
        desk, customer_mail("again@example.co.th", "Re: x", "ยังไม่หาย", "<first@example.co.th>")
    )

    assert outcome == ("reopened", case_id)
    case = get_case(desk, case_id).case
    assert case.status == res.CASE_STATUS_IN_PROGRESS
    assert case.history[-1].actor == "customer"
    assert desk.outbox_subjects()[-2:] == [
        "crm.servicedesk.case.status_changed",
        "crm.servicedesk.case.reopened",
    ]


def test_a_reply_to_a_closed_case_opens_a_linked_follow_up(
    desk: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    _, case_id = delivered_case(desk, customer_mail("first@example.co.th"))
    resolve(desk, case_id, res.CASE_STATUS_RESOLVED, res.CASE_STATUS_CLOSED)

    outcome, follow_up_id = delivered_case(
        desk, customer_mail("new@example.co.th", "Re: " + THAI_SUBJECT, "ดับอีกแล้ว", "<first@example.co.th>")
    )

    assert outcome == "follow_up"
    assert follow_up_id != case_id
    follow_up = get_case(desk, follow_up_id).case
    assert follow_up.follow_up_of == case_id
    assert (follow_up.title, follow_up.description, follow_up.channel) == (THAI_SUBJECT, "ดับอีกแล้ว", "email")
    assert follow_up.requester_email == CUSTOMER
    assert get_case(desk, case_id).case.status == res.CASE_STATUS_CLOSED
    reference = "SD-" + follow_up_id.removeprefix("case_")[:8].upper()
    (ack,) = sink.wait_for(lambda m: reference in m.subject)
    assert ack.recipients == (CUSTOMER,)


def test_a_mail_without_sender_is_refused_with_550_and_nothing_is_written(desk: ServiceDeskUnderTest) -> None:
    message = customer_mail("nofrom@example.co.th")
    del message["From"]

    code, text = deliver(desk, message, sender="bounce@example.co.th")

    assert code == 550, text
    assert desk.count("cases") == 0
    assert desk.count("mail_threads") == 0
    assert desk.count("outbox") == 0


def test_ingest_email_rpc_takes_in_mail_for_agents_and_refuses_others(desk: ServiceDeskUnderTest) -> None:
    raw = customer_mail("rpc@example.co.th").as_bytes()

    created = desk.call("IngestEmail", pb.IngestEmailRequest(raw_message=raw, envelope_to=[SUPPORT]), AGENT)
    again = desk.call("IngestEmail", pb.IngestEmailRequest(raw_message=raw), ADMIN)
    denied = rpc_failure(lambda: desk.call("IngestEmail", pb.IngestEmailRequest(raw_message=raw), REP))
    unreadable = rpc_failure(
        lambda: desk.call(
            "IngestEmail", pb.IngestEmailRequest(raw_message=b"Subject: x\r\n\r\nno sender"), ADMIN
        )
    )

    assert created.outcome == pb.INGEST_OUTCOME_CREATED
    assert created.case.channel == "email"
    assert again.outcome == pb.INGEST_OUTCOME_DUPLICATE
    assert again.case.id == created.case.id
    assert denied.code == grpc.StatusCode.PERMISSION_DENIED
    assert unreadable.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "raw_message" in unreadable.fields
    assert desk.count("cases") == 1


def test_mail_is_deferred_with_451_while_the_database_is_unavailable() -> None:
    # The listener over a database nobody listens on: the sending MTA must keep the mail and retry.
    ctx = ServiceDeskContext(database=Database(f"postgresql://desk:desk@127.0.0.1:{free_port()}/desk"))
    port = free_port()
    listener = BackgroundLoop("intake", [inbound_smtp_task(ctx, "127.0.0.1", port, 1_000_000)])
    listener.start()
    try:
        wait_for_port("127.0.0.1", port)
        with smtplib.SMTP("127.0.0.1", port, timeout=15) as client:
            client.ehlo()
            client.mail(CUSTOMER)
            client.rcpt(SUPPORT)
            code, text = client.data(customer_mail("deferred@example.co.th").as_bytes())
    finally:
        listener.stop()

    assert code == 451, text
