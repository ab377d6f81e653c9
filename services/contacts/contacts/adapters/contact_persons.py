"""The contact person repository (access follows the customer a contact belongs to)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from contacts.adapters.paging import Page, PageRequest, keyset_page
from contacts.adapters.rows import Row, audit_from_row, audit_values, update_versioned
from contacts.adapters.tables import contact_persons
from contacts.domain.model import ContactPerson, ContactProfile


def _values(contact: ContactPerson) -> dict[str, Any]:
    p = contact.profile
    return {
        "customer_id": contact.customer_id,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "nickname": p.nickname,
        "position": p.position,
        "email": p.email,
        "phone": p.phone,
        "birthday": p.birthday,
        "is_primary": p.is_primary,
        "marketing_consent": p.marketing_consent,
        "preferred_language": p.preferred_language,
        **audit_values(contact.audit),
    }


def _contact(row: Row) -> ContactPerson:
    return ContactPerson(
        id=row["id"],
        customer_id=row["customer_id"],
        profile=ContactProfile(
            first_name=row["first_name"],
            last_name=row["last_name"],
            nickname=row["nickname"],
            position=row["position"],
            email=row["email"],
            phone=row["phone"],
            birthday=row["birthday"],
            is_primary=bool(row["is_primary"]),
            marketing_consent=bool(row["marketing_consent"]),
            preferred_language=row["preferred_language"],
        ),
        audit=audit_from_row(row),
    )


class ContactPersonRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, contact_id: str, *, lock: bool = False) -> ContactPerson | None:
        query = select(contact_persons).where(contact_persons.c.id == contact_id)
        if lock:
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        return _contact(row) if row else None

    def add(self, contact: ContactPerson) -> None:
        self.session.execute(insert(contact_persons).values(id=contact.id, **_values(contact)))

    def update(self, contact: ContactPerson) -> None:
        update_versioned(
            self.session,
            contact_persons,
            contact.id,
            contact.audit.version,
            _values(contact),
            "contact person",
        )

    def of_customer(self, customer_id: str) -> list[ContactPerson]:
        rows = self.session.execute(
            select(contact_persons)
            .where(contact_persons.c.customer_id == customer_id)
            .order_by(contact_persons.c.created_at, contact_persons.c.id)
        ).mappings()
        return [_contact(row) for row in rows]

    def find(self, customer_id: str, page: PageRequest) -> tuple[list[ContactPerson], Page]:
        """A customer's contact persons in the order they were added."""
        query = select(contact_persons).where(contact_persons.c.customer_id == customer_id)
        result = keyset_page(
            self.session,
            query,
            sort=contact_persons.c.created_at,
            row_id=contact_persons.c.id,
            page=page,
            descending=False,
            count=False,
        )
        return [_contact(row) for row in result.rows], result

    def other_primaries(self, customer_id: str, except_id: str) -> list[str]:
        """Ids of the customer's primary contacts other than `except_id` (to demote them)."""
        rows = self.session.execute(
            select(contact_persons.c.id).where(
                contact_persons.c.customer_id == customer_id,
                contact_persons.c.is_primary.is_(True),
                contact_persons.c.id != except_id,
            )
        )
        return [row.id for row in rows]
