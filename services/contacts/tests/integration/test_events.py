"""Events on a real nats-server: qualified leads reach JetStream through the outbox relay, and
purchase history is built from sales events through the inbox, once per event, also when a
publisher repeats itself, the consumer is reset, or the customer was merged."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from chassis.events import EVENTS_STREAM, replay
from chassis.testing import NatsServer
from contacts.bootstrap import replay_config
from contacts.events import DURABLE, INVOICE_ISSUED, RECEIPT_RECORDED
from contacts.testing import (
    REP,
    ContactsUnderTest,
    consumer_caught_up,
    delete_consumer,
    eventually,
    publish,
    read_stream,
    start_contacts,
    stop_contacts,
)
from crm.common.v1 import money_pb2
from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import events_pb2 as ev
from crm.contacts.v1 import resources_pb2 as res
from crm.sales.v1 import events_pb2 as sales
from sqlalchemy import text


def thb(amount: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code="THB", amount=amount)


def invoice(customer_id: str, number: str, total: str, version: int = 1, invoice_id: str = "") -> bytes:
    return sales.InvoiceIssued(
        invoice_id=invoice_id or f"inv_{number}",
        number=number,
        customer_id=customer_id,
        issue_date="2026-01-15",
        total=thb(total),
        vat=thb("0.00"),
        version=version,
    ).SerializeToString()


def receipt(customer_id: str, number: str, amount: str) -> bytes:
    return sales.ReceiptRecorded(
        receipt_id=f"rc_{number}",
        number=number,
        customer_id=customer_id,
        receipt_date="2026-02-01",
        amount=thb(amount),
        version=1,
    ).SerializeToString()


def customer(contacts: ContactsUnderTest, name: str, phone: str) -> res.Customer:
    return contacts.call(
        "CreateCustomer",
        pb.CreateCustomerRequest(
            customer=res.Customer(kind=res.CUSTOMER_KIND_JURISTIC, name=name, phone=phone)
        ),
        REP,
    ).customer


def history(contacts: ContactsUnderTest, customer_id: str) -> pb.GetPurchaseHistoryResponse:
    return contacts.call("GetPurchaseHistory", pb.GetPurchaseHistoryRequest(customer_id=customer_id), REP)


def test_a_qualified_lead_reaches_jetstream(
    contacts_with_events: ContactsUnderTest, nats_server: NatsServer
) -> None:
    contacts = contacts_with_events
    lead = contacts.call(
        "CreateLead",
        pb.CreateLeadRequest(
            lead=res.Lead(
                source=res.LEAD_SOURCE_LINE,
                company_name="บริษัท ระยองเคมี จำกัด",
                contact_name="คุณประเสริฐ",
                phone="086-111-2222",
            )
        ),
        REP,
    ).lead
    result = contacts.call(
        "QualifyLead", pb.QualifyLeadRequest(lead_id=lead.id, expected_amount=thb("80000")), REP
    )

    [message] = read_stream(nats_server.url, "crm.contacts.lead.qualified")
    event = ev.LeadQualified.FromString(message.data)
    assert (event.lead.id, event.customer.id, event.contact_person.id) == (
        lead.id,
        result.customer.id,
        result.contact_person.id,
    )
    assert (event.customer_created, event.expected_amount, event.lead.audit.version) == (True, "80000.00", 2)
    assert message.headers["Crm-Event-Type"] == "crm.contacts.v1.LeadQualified"
    with contacts.service.database.read() as session:
        outbox_id = session.execute(
            text("SELECT id FROM outbox WHERE subject = 'crm.contacts.lead.qualified'")
        ).scalar_one()
    assert message.headers["Nats-Msg-Id"] == outbox_id
    created = read_stream(nats_server.url, "crm.contacts.customer.created")
    assert ev.CustomerCreated.FromString(created[0].data).customer.id == result.customer.id


def test_purchase_history_is_built_from_sales_events_once(
    contacts_with_events: ContactsUnderTest, nats_server: NatsServer, database_url: str, tmp_path: Path
) -> None:
    contacts = contacts_with_events
    buyer = customer(contacts, "บริษัท ขอนแก่นก่อสร้าง จำกัด", "043-333-888")
    invoice_event = str(uuid.uuid4())
    assert (
        publish(
            nats_server.url, INVOICE_ISSUED, invoice(buyer.id, "INV2569-00001", "107000.00"), invoice_event
        )
        is False
    )
    publish(
        nats_server.url, RECEIPT_RECORDED, receipt(buyer.id, "RC2569-00001", "104000.00"), str(uuid.uuid4())
    )
    # The publisher repeats itself: JetStream drops the same Nats-Msg-Id ...
    assert (
        publish(
            nats_server.url, INVOICE_ISSUED, invoice(buyer.id, "INV2569-00001", "107000.00"), invoice_event
        )
        is True
    )
    # ... and the same document version under another event id changes nothing either.
    publish(nats_server.url, INVOICE_ISSUED, invoice(buyer.id, "INV2569-00001", "999.00"), str(uuid.uuid4()))

    eventually(lambda: len(history(contacts, buyer.id).entries) == 2, what="two history entries")
    eventually(lambda: consumer_caught_up(nats_server.url, EVENTS_STREAM, DURABLE), what="the consumer")
    found = history(contacts, buyer.id)
    assert sorted((e.kind, e.number, e.amount.amount) for e in found.entries) == [
        ("invoice", "INV2569-00001", "107000.00"),
        ("receipt", "RC2569-00001", "104000.00"),
    ]
    assert (found.total_invoiced.amount, found.total_received.amount) == ("107000.00", "104000.00")
    inbox_rows = contacts.count("inbox", f"consumer = '{DURABLE}'")
    assert inbox_rows == 3

    # A newer version of the invoice (a corrected total) replaces the stored one.
    publish(
        nats_server.url,
        INVOICE_ISSUED,
        invoice(buyer.id, "INV2569-00001", "110000.00", version=2),
        str(uuid.uuid4()),
    )
    eventually(
        lambda: history(contacts, buyer.id).total_invoiced.amount == "110000.00", what="the new version"
    )

    # The durable consumer is lost and re-created: every event comes again; the inbox drops them.
    stop_contacts(contacts)
    delete_consumer(nats_server.url, EVENTS_STREAM, DURABLE)
    again = start_contacts(database_url, nats_server.url, tmp_path)
    try:
        eventually(lambda: consumer_caught_up(nats_server.url, EVENTS_STREAM, DURABLE), what="the redelivery")
        replayed = history(again, buyer.id)
        assert len(replayed.entries) == 2
        assert (replayed.total_invoiced.amount, replayed.total_received.amount) == ("110000.00", "104000.00")
        assert again.count("inbox", f"consumer = '{DURABLE}'") == 4
        assert again.count("purchase_history") == 2
    finally:
        stop_contacts(again)


def test_history_follows_a_merge(contacts_with_events: ContactsUnderTest, nats_server: NatsServer) -> None:
    contacts = contacts_with_events
    survivor = customer(contacts, "บริษัท เชียงใหม่ฟู้ดส์ จำกัด", "053-221-100")
    duplicate = customer(contacts, "บริษัท ภูเก็ตมารีน จำกัด", "076-212-345")
    publish(
        nats_server.url, INVOICE_ISSUED, invoice(duplicate.id, "INV2569-00010", "5350.00"), str(uuid.uuid4())
    )
    eventually(lambda: len(history(contacts, duplicate.id).entries) == 1, what="the duplicate's invoice")

    contacts.call(
        "MergeCustomers", pb.MergeCustomersRequest(survivor_id=survivor.id, duplicate_id=duplicate.id), REP
    )
    moved = history(contacts, survivor.id)
    assert [(e.number, e.original_customer_id) for e in moved.entries] == [("INV2569-00010", duplicate.id)]
    assert history(contacts, duplicate.id).entries == []

    # Sales still knows the old id: its later documents land at the survivor too.
    publish(
        nats_server.url, RECEIPT_RECORDED, receipt(duplicate.id, "RC2569-00010", "5350.00"), str(uuid.uuid4())
    )
    eventually(lambda: len(history(contacts, survivor.id).entries) == 2, what="the receipt at the survivor")
    found = history(contacts, survivor.id)
    assert {(e.kind, e.original_customer_id) for e in found.entries} == {
        ("invoice", duplicate.id),
        ("receipt", duplicate.id),
    }
    assert (found.total_invoiced.amount, found.total_received.amount) == ("5350.00", "5350.00")
    [merged] = read_stream(nats_server.url, "crm.contacts.customer.merged")
    event = ev.CustomerMerged.FromString(merged.data)
    assert (event.survivor.id, event.merged_customer_id) == (survivor.id, duplicate.id)


def test_replay_rebuilds_the_purchase_history(
    contacts_with_events: ContactsUnderTest,
    nats_server: NatsServer,
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
) -> None:
    contacts = contacts_with_events
    buyer = customer(contacts, "บริษัท ขอนแก่นก่อสร้าง จำกัด", "043-333-888")
    for number in ("INV2569-00001", "INV2569-00002"):
        publish(nats_server.url, INVOICE_ISSUED, invoice(buyer.id, number, "1070.00"), str(uuid.uuid4()))
    eventually(lambda: len(history(contacts, buyer.id).entries) == 2, what="the history")
    eventually(lambda: consumer_caught_up(nats_server.url, EVENTS_STREAM, DURABLE), what="the consumer")
    stop_contacts(contacts)

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("NATS_URL", nats_server.url)
    database, tables, nats_url, handlers, reset = replay_config()
    try:
        applied = asyncio.run(
            replay(
                database, tables, nats_url, handlers=handlers, reset=reset, consumer=DURABLE, idle_timeout=5
            )
        )
        assert applied == 2
        with database.read() as session:
            rows = session.execute(text("SELECT number, amount_minor FROM purchase_history ORDER BY number"))
            assert [tuple(row) for row in rows] == [("INV2569-00001", 107000), ("INV2569-00002", 107000)]
    finally:
        database.dispose()
