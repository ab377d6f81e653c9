"""Shared helpers of the repositories: UTC timestamps, audit columns, optimistic updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from chassis.errors import Conflict
from chassis.identity import Caller
from sqlalchemy import ColumnElement, Table, or_, update
from sqlalchemy.orm import Session

from contacts.domain.model import AuditStamp

# A result row as a mapping (SQLAlchemy's RowMapping).
Row = Mapping[Any, Any]


def utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands timestamps back without a zone; every timestamp we store is UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def audit_from_row(row: Row) -> AuditStamp:
    return AuditStamp(
        created_at=utc(row["created_at"]),
        created_by=row["created_by"],
        updated_at=utc(row["updated_at"]),
        updated_by=row["updated_by"],
        version=int(row["version"]),
    )


def audit_values(audit: AuditStamp) -> dict[str, Any]:
    return {
        "created_at": audit.created_at,
        "created_by": audit.created_by,
        "updated_at": audit.updated_at,
        "updated_by": audit.updated_by,
        "version": audit.version,
    }


def update_versioned(
    session: Session, table: Table, record_id: str, new_version: int, values: dict[str, Any], what: str
) -> None:
    """UPDATE … WHERE version = new_version - 1: a concurrent change that got there first
    makes this match no row, and the use case fails with Conflict (ABORTED) instead of
    overwriting it."""
    result = session.execute(
        update(table).where(table.c.id == record_id, table.c.version == new_version - 1).values(**values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"{what} {record_id} was changed by someone else; read it again and retry")


def like_pattern(query: str) -> str:
    """A case-insensitive LIKE pattern for `query` (% and _ taken literally)."""
    escaped = query.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def visible_to(caller: Caller, table: Table) -> ColumnElement[bool] | None:
    """The record rule of `Caller.can_access` as SQL: None (no filter) for admins and the
    system; owner_id = me OR team_id IN my teams for managers; owner_id = me otherwise."""
    if caller.sees_all:
        return None
    mine = table.c.owner_id == caller.user_id
    if caller.is_manager and caller.team_ids:
        return or_(mine, table.c.team_id.in_(sorted(caller.team_ids)))
    return mine
