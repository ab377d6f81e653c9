"""The customer group repository (reference data every caller may read)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from contacts.adapters.paging import Page, PageRequest, keyset_page
from contacts.adapters.rows import Row, utc
from contacts.adapters.tables import customer_groups
from contacts.domain.model import CustomerGroup


def _group(row: Row) -> CustomerGroup:
    return CustomerGroup(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        description=row["description"],
        version=int(row["version"]),
        created_at=utc(row["created_at"]),
    )


class GroupRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, group: CustomerGroup, actor: str) -> None:
        self.session.execute(
            insert(customer_groups).values(
                id=group.id,
                code=group.code,
                name=group.name,
                description=group.description,
                version=group.version,
                created_at=group.created_at,
                created_by=actor,
            )
        )

    def code_taken(self, code: str) -> bool:
        return (
            self.session.execute(select(customer_groups.c.id).where(customer_groups.c.code == code)).first()
            is not None
        )

    def existing_ids(self, group_ids: Iterable[str]) -> set[str]:
        ids = sorted(set(group_ids))
        if not ids:
            return set()
        rows = self.session.execute(select(customer_groups.c.id).where(customer_groups.c.id.in_(ids)))
        return {row.id for row in rows}

    def find(self, page: PageRequest) -> tuple[list[CustomerGroup], Page]:
        result = keyset_page(
            self.session,
            select(customer_groups),
            sort=customer_groups.c.created_at,
            row_id=customer_groups.c.id,
            page=page,
            descending=False,
            count=False,
        )
        return [_group(row) for row in result.rows], result
