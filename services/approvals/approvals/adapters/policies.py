"""Approval policies in the database."""

from __future__ import annotations

import datetime as dt

from chassis.errors import Conflict
from sqlalchemy import Row, insert, select, update
from sqlalchemy.orm import Session

from approvals.adapters import codec
from approvals.adapters.tables import policies
from approvals.domain.model import Policy, RequestType

t = policies


def _policy_of(row: Row[tuple[object, ...]]) -> Policy:
    m = row._mapping
    return Policy(
        id=m["id"],
        request_type=RequestType(m["request_type"]),
        name=m["name"],
        priority=m["priority"],
        conditions=codec.conditions_of(m["conditions"]),
        steps=codec.policy_steps_of(m["steps"]),
        active=m["active"],
        version=m["version"],
    )


class PolicyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, policy_id: str) -> Policy | None:
        row = self.session.execute(select(t).where(t.c.id == policy_id)).first()
        return None if row is None else _policy_of(row)

    def of_type(self, request_type: RequestType | None, include_inactive: bool = False) -> list[Policy]:
        query = select(t)
        if request_type is not None:
            query = query.where(t.c.request_type == request_type.value)
        if not include_inactive:
            query = query.where(t.c.active.is_(True))
        rows = self.session.execute(query.order_by(t.c.request_type, t.c.priority, t.c.name, t.c.id))
        return [_policy_of(row) for row in rows]

    def updated_at(self, policy_id: str) -> dt.datetime | None:
        value = self.session.execute(select(t.c.updated_at).where(t.c.id == policy_id)).scalar_one_or_none()
        return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)

    def _values(self, p: Policy, actor: str, now: dt.datetime) -> dict[str, object]:
        return {
            "request_type": p.request_type.value,
            "name": p.name.strip(),
            "priority": p.priority,
            "conditions": codec.conditions_json(p.conditions),
            "steps": codec.policy_steps_json(p.steps),
            "active": p.active,
            "version": p.version,
            "updated_at": now,
            "updated_by": actor,
        }

    def add(self, p: Policy, actor: str, now: dt.datetime) -> None:
        self.session.execute(insert(t).values(id=p.id, **self._values(p, actor, now)))

    def save(self, p: Policy, read_version: int, actor: str, now: dt.datetime) -> None:
        result = self.session.execute(
            update(t).where(t.c.id == p.id, t.c.version == read_version).values(**self._values(p, actor, now))
        )
        if getattr(result, "rowcount", 0) != 1:
            raise Conflict(f"policy {p.id} was changed meanwhile; read it again")
