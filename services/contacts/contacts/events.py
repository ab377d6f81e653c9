"""Events of the contacts service: the subjects it publishes, the recorder that turns domain
events into protobuf messages in the outbox, and the handlers of the sales events it
consumes (purchase history), applied once each through the chassis inbox.

Published (crm.contacts.<aggregate>.<event>, payloads from crm/contacts/v1/events.proto):
lead.created/updated/qualified/disqualified, customer.created/updated/merged,
contact_person.created/updated, customer_group.created.
Consumed (durable "contacts"): crm.sales.invoice.issued, crm.sales.receipt.recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from chassis.events import Envelope, EventTables, Handler, record_event
from chassis.money import Money, to_decimal
from crm.contacts.v1 import events_pb2 as ev
from crm.sales.v1 import events_pb2 as sales
from google.protobuf.message import Message
from sqlalchemy import delete
from sqlalchemy.orm import Session

from contacts import translation as tr
from contacts.application.context import ContactsContext, EventRecorder
from contacts.application.purchase_history import record_document, reset_purchase_history
from contacts.domain import events as de
from contacts.domain.purchase_history import DocumentKind, PurchaseDocument

DURABLE = "contacts"

LEAD_CREATED = "crm.contacts.lead.created"
LEAD_UPDATED = "crm.contacts.lead.updated"
LEAD_QUALIFIED = "crm.contacts.lead.qualified"
LEAD_DISQUALIFIED = "crm.contacts.lead.disqualified"
CUSTOMER_CREATED = "crm.contacts.customer.created"
CUSTOMER_UPDATED = "crm.contacts.customer.updated"
CUSTOMER_MERGED = "crm.contacts.customer.merged"
CONTACT_PERSON_CREATED = "crm.contacts.contact_person.created"
CONTACT_PERSON_UPDATED = "crm.contacts.contact_person.updated"
CUSTOMER_GROUP_CREATED = "crm.contacts.customer_group.created"

INVOICE_ISSUED = "crm.sales.invoice.issued"
RECEIPT_RECORDED = "crm.sales.receipt.recorded"


def to_message(event: de.DomainEvent) -> tuple[str, Message, str, str]:
    """(subject, payload, aggregate type, aggregate id) of a domain event."""
    message: Message
    match event:
        case de.LeadCreated(lead):
            return LEAD_CREATED, ev.LeadCreated(lead=tr.lead_message(lead)), "lead", lead.id
        case de.LeadUpdated(lead):
            return LEAD_UPDATED, ev.LeadUpdated(lead=tr.lead_message(lead)), "lead", lead.id
        case de.LeadDisqualified(lead):
            return LEAD_DISQUALIFIED, ev.LeadDisqualified(lead=tr.lead_message(lead)), "lead", lead.id
        case de.LeadQualified(lead, customer, contact, created, amount):
            message = ev.LeadQualified(
                lead=tr.lead_message(lead),
                customer=tr.customer_message(customer),
                contact_person=tr.contact_person_message(contact) if contact else None,
                customer_created=created,
                expected_amount=tr.decimal_text(amount),
            )
            return LEAD_QUALIFIED, message, "lead", lead.id
        case de.CustomerCreated(customer):
            return (
                CUSTOMER_CREATED,
                ev.CustomerCreated(customer=tr.customer_message(customer)),
                "customer",
                customer.id,
            )
        case de.CustomerUpdated(customer):
            return (
                CUSTOMER_UPDATED,
                ev.CustomerUpdated(customer=tr.customer_message(customer)),
                "customer",
                customer.id,
            )
        case de.CustomerMerged(survivor, merged_id):
            message = ev.CustomerMerged(survivor=tr.customer_message(survivor), merged_customer_id=merged_id)
            return CUSTOMER_MERGED, message, "customer", survivor.id
        case de.ContactPersonCreated(contact):
            message = ev.ContactPersonChanged(contact_person=tr.contact_person_message(contact))
            return CONTACT_PERSON_CREATED, message, "contact_person", contact.id
        case de.ContactPersonUpdated(contact):
            message = ev.ContactPersonChanged(contact_person=tr.contact_person_message(contact))
            return CONTACT_PERSON_UPDATED, message, "contact_person", contact.id
        case de.CustomerGroupCreated(group):
            message = ev.CustomerGroupCreated(customer_group=tr.customer_group_message(group))
            return CUSTOMER_GROUP_CREATED, message, "customer_group", group.id
    raise TypeError(f"no subject for {type(event).__name__}")


def outbox_recorder(tables: EventTables) -> EventRecorder:
    """The recorder use cases emit through: one outbox row in the use case's transaction."""

    def record(session: Session, event: de.DomainEvent) -> None:
        subject, message, aggregate_type, aggregate_id = to_message(event)
        record_event(
            session,
            tables,
            subject=subject,
            message=message,
            aggregate_type=aggregate_type,
            aggregate_id=aggregate_id,
        )

    return record


# --- consumed: sales documents → purchase history --------------------------------------------


def _money(msg: Any) -> Money:
    """An event's Money; a malformed amount fails the handler (and, after the retries, goes to
    the dead-letter subject) rather than storing a wrong figure."""
    amount: Decimal = to_decimal(msg.amount or "0")
    return Money(amount, msg.currency_code or "THB")


def invoice_document(msg: sales.InvoiceIssued) -> PurchaseDocument:
    return PurchaseDocument(
        kind=DocumentKind.INVOICE,
        document_id=msg.invoice_id,
        number=msg.number,
        customer_id=msg.customer_id,
        date=msg.issue_date,
        amount=_money(msg.total),
        version=msg.version,
    )


def receipt_document(msg: sales.ReceiptRecorded) -> PurchaseDocument:
    return PurchaseDocument(
        kind=DocumentKind.RECEIPT,
        document_id=msg.receipt_id,
        number=msg.number,
        customer_id=msg.customer_id,
        date=msg.receipt_date,
        amount=_money(msg.amount),
        version=msg.version,
    )


def purchase_handlers(ctx: ContactsContext) -> list[Handler]:
    """The consumer's handlers; each runs inside the inbox transaction it is given."""

    def on_invoice(session: Session, envelope: Envelope[Any]) -> None:
        record_document(ctx.within(session), ctx, invoice_document(envelope.message))

    def on_receipt(session: Session, envelope: Envelope[Any]) -> None:
        record_document(ctx.within(session), ctx, receipt_document(envelope.message))

    return [
        Handler(INVOICE_ISSUED, sales.InvoiceIssued, on_invoice),
        Handler(RECEIPT_RECORDED, sales.ReceiptRecorded, on_receipt),
    ]


def reset_read_model(
    ctx: ContactsContext, tables: EventTables, durable: str = DURABLE
) -> Callable[[Session], None]:
    """For `crm-replay`: clears the purchase history and the inbox rows of `durable`."""

    def reset(session: Session) -> None:
        reset_purchase_history(ctx.within(session))
        session.execute(delete(tables.inbox).where(tables.inbox.c.consumer == durable))

    return reset
