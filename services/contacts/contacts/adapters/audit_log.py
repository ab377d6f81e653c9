"""The audit log: who reassigned or merged what, kept in the same transaction as the change."""

from __future__ import annotations

import json

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from contacts.adapters.paging import Page, PageRequest, keyset_page
from contacts.adapters.rows import Row, utc
from contacts.adapters.tables import audit_entries
from contacts.domain.model import AuditEntry


def _entry(row: Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        resource_type=row["resource_type"],
        resource_id=row["resource_id"],
        action=row["action"],
        actor_id=row["actor_id"],
        details=json.loads(row["details_json"]),
        occurred_at=utc(row["occurred_at"]),
    )


class AuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        self.session.execute(
            insert(audit_entries).values(
                id=entry.id,
                resource_type=entry.resource_type,
                resource_id=entry.resource_id,
                action=entry.action,
                actor_id=entry.actor_id,
                details_json=json.dumps(entry.details, ensure_ascii=False, sort_keys=True),
                occurred_at=entry.occurred_at,
            )
        )

    def find(self, resource_type: str, resource_id: str, page: PageRequest) -> tuple[list[AuditEntry], Page]:
        """Entries of one resource (or of all, when no id is given), newest first."""
        query = select(audit_entries)
        if resource_type:
            query = query.where(audit_entries.c.resource_type == resource_type)
        if resource_id:
            query = query.where(audit_entries.c.resource_id == resource_id)
        result = keyset_page(
            self.session,
            query,
            sort=audit_entries.c.occurred_at,
            row_id=audit_entries.c.id,
            page=page,
            count=False,
        )
        return [_entry(row) for row in result.rows], result
