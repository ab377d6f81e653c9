"""Users and teams as the identity events describe them, and the delegations approvers name;
together they are the routing Directory of the domain."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.orm import Session

from approvals.adapters.tables import delegations, teams, users
from approvals.domain.model import Delegation, User


def _user_of(row: Row[tuple[object, ...]]) -> User:
    m = row._mapping
    return User(
        id=m["id"],
        email=m["email"],
        display_name=m["display_name"],
        language=m["language"],
        roles=frozenset(json.loads(m["roles"])),
        team_ids=frozenset(json.loads(m["team_ids"])),
        manager_id=m["manager_id"],
        active=m["active"],
        version=m["version"],
    )


def _delegation_of(row: Row[tuple[object, ...]]) -> Delegation:
    m = row._mapping
    return Delegation(
        m["id"], m["delegator_id"], m["delegate_id"], m["start_date"], m["end_date"], m["reason"]
    )


class DatabaseDirectory:
    """The domain's Directory over this transaction's session (users cached per use case)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._users: dict[str, User | None] = {}

    # -- users and teams (identity events) -----------------------------------------------

    def user(self, user_id: str) -> User | None:
        if user_id not in self._users:
            row = self.session.execute(select(users).where(users.c.id == user_id)).first()
            self._users[user_id] = None if row is None else _user_of(row)
        return self._users[user_id]

    def users_with_role(self, role: str) -> Sequence[User]:
        rows = self.session.execute(
            select(users)
            .where(users.c.active.is_(True), users.c.roles.like(f'%"{role}"%'))
            .order_by(users.c.id)
        )
        return [u for u in (_user_of(row) for row in rows) if role in u.roles]

    def upsert_user(self, user: User) -> bool:
        """Stores the user unless a newer version is stored already; True when written."""
        values = {
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language or "th",
            "roles": json.dumps(sorted(user.roles)),
            "team_ids": json.dumps(sorted(user.team_ids)),
            "manager_id": user.manager_id,
            "active": user.active,
            "version": user.version,
        }
        self._users.pop(user.id, None)
        stored = self.session.execute(select(users.c.version).where(users.c.id == user.id)).first()
        if stored is None:
            self.session.execute(insert(users).values(id=user.id, **values))
            return True
        if stored.version > user.version:
            return False
        self.session.execute(update(users).where(users.c.id == user.id).values(**values))
        return True

    def upsert_team(
        self, team_id: str, name: str, manager_id: str, parent_team_id: str, version: int
    ) -> bool:
        values = {
            "name": name,
            "manager_id": manager_id,
            "parent_team_id": parent_team_id,
            "version": version,
        }
        stored = self.session.execute(select(teams.c.version).where(teams.c.id == team_id)).first()
        if stored is None:
            self.session.execute(insert(teams).values(id=team_id, **values))
            return True
        if stored.version > version:
            return False
        self.session.execute(update(teams).where(teams.c.id == team_id).values(**values))
        return True

    # -- delegations ---------------------------------------------------------------------

    def delegations_of(self, user_id: str) -> Sequence[Delegation]:
        rows = self.session.execute(
            select(delegations)
            .where(delegations.c.delegator_id == user_id)
            .order_by(delegations.c.start_date)
        )
        return [_delegation_of(row) for row in rows]

    def delegation(self, delegation_id: str) -> Delegation | None:
        row = self.session.execute(select(delegations).where(delegations.c.id == delegation_id)).first()
        return None if row is None else _delegation_of(row)

    def add_delegation(self, d: Delegation, now: dt.datetime) -> None:
        self.session.execute(
            insert(delegations).values(
                id=d.id,
                delegator_id=d.delegator_id,
                delegate_id=d.delegate_id,
                start_date=d.start_date,
                end_date=d.end_date,
                reason=d.reason,
                created_at=now,
            )
        )

    def delete_delegation(self, delegation_id: str) -> None:
        self.session.execute(delete(delegations).where(delegations.c.id == delegation_id))
