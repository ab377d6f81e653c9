"""E-mail intake on the whole platform: a customer's Thai mail sent to the service desk's
inbound SMTP port becomes a case (read over the desk's gRPC port as a service agent), the
acknowledgement reaches the platform's mail sink with the case reference, and the customer's
answer to it threads back onto the same case."""

from __future__ import annotations

import smtplib
import uuid
from email.headerregistry import Address
from email.message import EmailMessage

import grpc
from chassis.identity import Caller
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from crm.servicedesk.v1 import servicedesk_service_pb2_grpc as pb_grpc

from crm_platform.processes import Platform

from .conftest import eventually
from .quotes import mail

AGENT = Caller("e2e-agent", frozenset({"service_agent"}))
SUBJECT = "เครื่องพิมพ์ใบกำกับภาษีกระดาษติด"


def send(platform: Platform, message: EmailMessage) -> str:
    """Hands `message` to the desk's listener; the DATA reply text ("created case_…")."""
    with smtplib.SMTP("127.0.0.1", platform.ports.inbound_smtp, timeout=15) as client:
        client.ehlo()
        client.mail(str(message["From"].addresses[0].addr_spec))
        client.rcpt("support@siamsupply.example")
        code, text = client.data(message.as_bytes())
    assert code == 250, text
    return text.decode()


def customer_mail(sender: str, subject: str, body: str, in_reply_to: str = "") -> EmailMessage:
    message = EmailMessage()
    message["From"] = Address("วิภา ทดสอบ", addr_spec=sender)
    message["To"] = "support@siamsupply.example"
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@customer.example.co.th>"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(body)
    return message


def test_a_customer_mail_becomes_a_case_is_acknowledged_and_the_answer_threads_back(
    platform: Platform,
) -> None:
    sender = f"wipa.{uuid.uuid4().hex[:8]}@customer.example.co.th"
    channel = grpc.insecure_channel(f"127.0.0.1:{platform.ports.grpc['service-desk']}")
    stub = pb_grpc.ServiceDeskServiceStub(channel)
    try:
        outcome, case_id = send(platform, customer_mail(sender, SUBJECT, "กระดาษติดทุกครั้งที่พิมพ์")).split()[-2:]

        assert outcome == "created"
        case = stub.GetCase(pb.GetCaseRequest(id=case_id), metadata=AGENT.to_metadata(), timeout=10).case
        assert case.title == SUBJECT
        assert case.requester_email == sender
        assert case.channel == "email"

        reference = "SD-" + case_id.removeprefix("case_")[:8].upper()
        ack = mail(platform, sender, reference)
        assert SUBJECT in str(ack["Subject"])

        answer = customer_mail(sender, "Re: " + str(ack["Subject"]), "รุ่น LQ-310", str(ack["Message-ID"]))
        assert send(platform, answer).split()[-2:] == ["threaded", case_id]

        def threaded() -> None:
            found = stub.GetCase(pb.GetCaseRequest(id=case_id), metadata=AGENT.to_metadata(), timeout=10)
            assert [(m.body, m.from_customer) for m in found.messages] == [("รุ่น LQ-310", True)]

        eventually(threaded)
    finally:
        channel.close()
