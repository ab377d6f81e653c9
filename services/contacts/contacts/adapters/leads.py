"""The lead repository, with record-level filtering in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chassis.identity import Caller
from sqlalchemy import ColumnElement, Select, insert, or_, select
from sqlalchemy.orm import Session

from contacts.adapters.paging import Page, PageRequest, keyset_page
from contacts.adapters.rows import (
    Row,
    audit_from_row,
    audit_values,
    like_pattern,
    update_versioned,
    visible_to,
)
from contacts.adapters.tables import leads
from contacts.domain.contact_points import try_normalise_phone
from contacts.domain.model import Lead, LeadProfile, LeadSource, LeadStatus


@dataclass(frozen=True)
class LeadFilter:
    status: LeadStatus | None = None
    source: LeadSource | None = None
    owner_id: str = ""
    query: str = ""


def _values(lead: Lead) -> dict[str, Any]:
    p = lead.profile
    return {
        "source": lead.source.value,
        "status": lead.status.value,
        "disqualify_reason": lead.disqualify_reason,
        "company_name": p.company_name,
        "contact_name": p.contact_name,
        "email": p.email,
        "phone": p.phone,
        "tax_id": p.tax_id,
        "notes": p.notes,
        "source_detail": p.source_detail,
        "owner_id": lead.owner_id,
        "team_id": lead.team_id,
        "customer_id": lead.customer_id or None,
        "contact_person_id": lead.contact_person_id or None,
        **audit_values(lead.audit),
    }


def _lead(row: Row) -> Lead:
    return Lead(
        id=row["id"],
        source=LeadSource(row["source"]),
        status=LeadStatus(row["status"]),
        profile=LeadProfile(
            company_name=row["company_name"],
            contact_name=row["contact_name"],
            email=row["email"],
            phone=row["phone"],
            tax_id=row["tax_id"],
            notes=row["notes"],
            source_detail=row["source_detail"],
        ),
        owner_id=row["owner_id"],
        team_id=row["team_id"],
        audit=audit_from_row(row),
        disqualify_reason=row["disqualify_reason"],
        customer_id=row["customer_id"] or "",
        contact_person_id=row["contact_person_id"] or "",
    )


class LeadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, lead_id: str, *, lock: bool = False) -> Lead | None:
        query = select(leads).where(leads.c.id == lead_id)
        if lock:
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        return _lead(row) if row else None

    def add(self, lead: Lead, request_id: str = "") -> None:
        self.session.execute(insert(leads).values(id=lead.id, request_id=request_id or None, **_values(lead)))

    def by_request_id(self, request_id: str) -> Lead | None:
        row = self.session.execute(select(leads).where(leads.c.request_id == request_id)).mappings().first()
        return _lead(row) if row else None

    def update(self, lead: Lead) -> None:
        update_versioned(self.session, leads, lead.id, lead.audit.version, _values(lead), "lead")

    def of_customer(self, customer_id: str) -> list[Lead]:
        rows = self.session.execute(
            select(leads).where(leads.c.customer_id == customer_id).order_by(leads.c.created_at, leads.c.id)
        ).mappings()
        return [_lead(row) for row in rows]

    def find(self, caller: Caller, where: LeadFilter, page: PageRequest) -> tuple[list[Lead], Page]:
        """Leads the caller may see, newest first."""
        query: Select[Any] = select(leads)
        rule = visible_to(caller, leads)
        if rule is not None:
            query = query.where(rule)
        if where.status is not None:
            query = query.where(leads.c.status == where.status.value)
        if where.source is not None:
            query = query.where(leads.c.source == where.source.value)
        if where.owner_id:
            query = query.where(leads.c.owner_id == where.owner_id)
        if where.query.strip():
            pattern = like_pattern(where.query)
            matches: list[ColumnElement[bool]] = [
                leads.c.company_name.ilike(pattern, escape="\\"),
                leads.c.contact_name.ilike(pattern, escape="\\"),
                leads.c.email.ilike(pattern, escape="\\"),
                leads.c.phone.ilike(pattern, escape="\\"),
            ]
            phone = try_normalise_phone(where.query)
            if phone:
                matches.append(leads.c.phone == phone)
            query = query.where(or_(*matches))
        result = keyset_page(self.session, query, sort=leads.c.created_at, row_id=leads.c.id, page=page)
        return [_lead(row) for row in result.rows], result
