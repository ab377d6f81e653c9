"""Users and teams as the identity events describe them, and the delegations approvers name;
together they are the routing Directory of the domain.

Users and teams are the chassis read model (chassis.directory, kept by its consumer handlers);
this adapter maps its users to the domain's `User` and adds what only approvals asks: users of
a role and the delegations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from chassis.directory import Directory, DirectoryUser, user_of_row
from sqlalchemy import Row, delete, insert, select
from sqlalchemy.orm import Session

from approvals.adapters.tables import delegations, directory_tables, users
from approvals.domain.model import Delegation, User


def user_of(u: DirectoryUser) -> User:
    """The domain's user of a directory user (the same fields)."""
    return User(
        id=u.id,
        email=u.email,
        display_name=u.display_name,
        language=u.language,
        roles=u.roles,
        team_ids=u.team_ids,
        manager_id=u.manager_id,
        active=u.active,
        version=u.version,
    )


def directory_user_of(u: User) -> DirectoryUser:
    return DirectoryUser(
        id=u.id,
        email=u.email,
        display_name=u.display_name,
        language=u.language,
        roles=u.roles,
        team_ids=u.team_ids,
        manager_id=u.manager_id,
        active=u.active,
        version=u.version,
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
        self.identity = Directory(session, directory_tables)
        self._users: dict[str, User | None] = {}

    # -- users (the chassis directory) ---------------------------------------------------

    def user(self, user_id: str) -> User | None:
        if user_id not in self._users:
            found = self.identity.user(user_id)
            self._users[user_id] = None if found is None else user_of(found)
        return self._users[user_id]

    def users_with_role(self, role: str) -> Sequence[User]:
        """Active users holding `role` (roles are a JSON list: LIKE narrows, the set decides)."""
        rows = self.session.execute(
            select(users)
            .where(users.c.active.is_(True), users.c.roles.like(f'%"{role}"%'))
            .order_by(users.c.id)
        )
        return [user_of(u) for u in (user_of_row(row) for row in rows) if role in u.roles]

    def upsert_user(self, user: User) -> bool:
        """Stores the user unless a newer version is stored already; True when written (the
        identity handlers write through chassis.directory; tests seed users here)."""
        self._users.pop(user.id, None)
        return self.identity.upsert_user(directory_user_of(user))

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
