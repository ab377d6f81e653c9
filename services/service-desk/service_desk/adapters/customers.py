"""The customer read model the desk keeps from the contacts events: each customer's name,
e-mail and customer groups (SLA policies match on groups), contact persons' e-mails (an
incoming mail's sender names its customer), and both their languages (mail is in them).
Events carry the whole record and its audit version: an older version than the stored one
is dropped; the consumer's inbox makes redelivery a no-op."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chassis.events import Envelope, Handler
from crm.contacts.v1 import events_pb2 as contacts
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from service_desk.adapters.tables import contact_persons, customers
from service_desk.domain.languages import DEFAULT_LANGUAGE, mail_language, recipient_language

CUSTOMER_CREATED = "crm.contacts.customer.created"
CUSTOMER_UPDATED = "crm.contacts.customer.updated"
CUSTOMER_MERGED = "crm.contacts.customer.merged"
CONTACT_PERSON_CREATED = "crm.contacts.contact_person.created"
CONTACT_PERSON_UPDATED = "crm.contacts.contact_person.updated"


@dataclass(frozen=True)
class KnownCustomer:
    id: str
    name: str
    email: str
    group_ids: frozenset[str]
    version: int


def email_key(email: str) -> str:
    return email.strip().lower()


def customer_for_email(session: Session, email: str) -> str | None:
    """The customer whose own or whose contact person's e-mail is `email` (any case); the
    customer's own address wins over a contact person's. None when nobody has it."""
    key = email_key(email)
    if not key:
        return None
    own = session.execute(
        select(customers.c.id).where(customers.c.email_key == key).order_by(customers.c.id)
    ).first()
    if own is not None:
        return str(own.id)
    contact = session.execute(
        select(contact_persons.c.customer_id)
        .where(contact_persons.c.email_key == key)
        .order_by(contact_persons.c.id)
    ).first()
    return None if contact is None else str(contact.customer_id)


def customer(session: Session, customer_id: str) -> KnownCustomer | None:
    row = session.execute(select(customers).where(customers.c.id == customer_id)).first()
    if row is None:
        return None
    return KnownCustomer(row.id, row.name, row.email, frozenset(json.loads(row.group_ids)), int(row.version))


def customer_groups(session: Session, customer_id: str) -> frozenset[str]:
    """The customer's groups as contacts last published them (empty when unknown)."""
    found = customer(session, customer_id)
    return frozenset() if found is None else found.group_ids


def customer_email(session: Session, customer_id: str) -> str | None:
    """The customer's own e-mail; None when the customer or their address is unknown."""
    found = customer(session, customer_id)
    return found.email if found is not None and found.email else None


def customer_name(session: Session, customer_id: str) -> str:
    """The customer's name, or their id when unknown (for mail and reports)."""
    found = customer(session, customer_id)
    return found.name if found is not None and found.name else customer_id


def customer_language(session: Session, customer_id: str, email: str) -> str:
    """The language of mail to `email` about `customer_id`: that of the contact person whose
    e-mail it is (of this customer when one is named), else the customer's (by id, else the
    customer whose own e-mail it is), else Thai."""
    key = email_key(email)
    contact: str | None = None
    if key:
        query = select(contact_persons.c.preferred_language).where(contact_persons.c.email_key == key)
        if customer_id:
            query = query.where(contact_persons.c.customer_id == customer_id)
        contact = session.execute(query.order_by(contact_persons.c.id)).scalars().first()
    company: str | None = None
    if customer_id:
        company = session.execute(
            select(customers.c.preferred_language).where(customers.c.id == customer_id)
        ).scalar_one_or_none()
    elif key:
        company = (
            session.execute(
                select(customers.c.preferred_language)
                .where(customers.c.email_key == key)
                .order_by(customers.c.id)
            )
            .scalars()
            .first()
        )
    return recipient_language(contact, company)


def _upsert(session: Session, table: Table, key: str, version: int, values: dict[str, Any]) -> bool:
    stored = session.execute(select(table.c.version).where(table.c.id == key)).first()
    if stored is None:
        session.execute(insert(table).values(id=key, version=version, **values))
        return True
    if stored.version > version:
        return False
    session.execute(update(table).where(table.c.id == key).values(version=version, **values))
    return True


def keep_customer(
    session: Session,
    customer_id: str,
    name: str,
    email: str,
    group_ids: Iterable[str],
    version: int,
    language: str = DEFAULT_LANGUAGE,
) -> bool:
    """Stores the customer unless a newer version is stored; True when written."""
    values = {
        "name": name,
        "email": email.strip(),
        "email_key": email_key(email),
        "group_ids": json.dumps(sorted(set(group_ids))),
        "preferred_language": mail_language(language),
    }
    return _upsert(session, customers, customer_id, version, values)


def keep_contact_person(
    session: Session,
    contact_id: str,
    customer_id: str,
    name: str,
    email: str,
    version: int,
    language: str = DEFAULT_LANGUAGE,
) -> bool:
    values = {
        "customer_id": customer_id,
        "name": name,
        "email": email.strip(),
        "email_key": email_key(email),
        "preferred_language": mail_language(language),
    }
    return _upsert(session, contact_persons, contact_id, version, values)


def forget_merged_customer(session: Session, merged_id: str, survivor_id: str) -> None:
    """A merged customer no longer exists on its own: its contact persons are the survivor's."""
    session.execute(delete(customers).where(customers.c.id == merged_id))
    session.execute(
        update(contact_persons)
        .where(contact_persons.c.customer_id == merged_id)
        .values(customer_id=survivor_id)
    )


def _on_customer(session: Session, envelope: Envelope[Any]) -> None:
    c = envelope.message.customer
    keep_customer(session, c.id, c.name, c.email, c.customer_group_ids, c.audit.version, c.preferred_language)


def _on_merged(session: Session, envelope: Envelope[Any]) -> None:
    s = envelope.message.survivor
    keep_customer(session, s.id, s.name, s.email, s.customer_group_ids, s.audit.version, s.preferred_language)
    forget_merged_customer(session, envelope.message.merged_customer_id, s.id)


def _on_contact_person(session: Session, envelope: Envelope[Any]) -> None:
    p = envelope.message.contact_person
    name = " ".join(part for part in (p.first_name, p.last_name) if part)
    keep_contact_person(session, p.id, p.customer_id, name, p.email, p.audit.version, p.preferred_language)


def customer_handlers() -> list[Handler]:
    """The consumer's handlers for the contacts events this read model needs."""
    return [
        Handler(CUSTOMER_CREATED, contacts.CustomerCreated, _on_customer),
        Handler(CUSTOMER_UPDATED, contacts.CustomerUpdated, _on_customer),
        Handler(CUSTOMER_MERGED, contacts.CustomerMerged, _on_merged),
        Handler(CONTACT_PERSON_CREATED, contacts.ContactPersonChanged, _on_contact_person),
        Handler(CONTACT_PERSON_UPDATED, contacts.ContactPersonChanged, _on_contact_person),
    ]
