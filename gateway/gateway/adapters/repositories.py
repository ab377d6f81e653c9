"""Reading and writing users and teams inside a caller's transaction (a SQLAlchemy Session).

Records come back as frozen dataclasses with their roles and team ids, so the use cases in
gateway.identity.service never see rows or SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from gateway.adapters.tables import team_memberships, teams, user_roles, users
from gateway.domain.hierarchy import TeamNode


@dataclass(frozen=True)
class UserRecord:
    id: str
    email: str
    display_name: str
    password_hash: str
    manager_id: str | None
    language: str
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime
    roles: tuple[str, ...]
    team_ids: tuple[str, ...]


@dataclass(frozen=True)
class TeamRecord:
    id: str
    name: str
    description: str
    manager_id: str | None
    parent_team_id: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class UserRepository:
    """Users with their roles and team memberships."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, user_id: str, *, for_update: bool = False) -> UserRecord | None:
        query = sa.select(users).where(users.c.id == user_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        return self._with_links([row])[0] if row else None

    def get_by_email(self, email: str) -> UserRecord | None:
        row = self.session.execute(sa.select(users).where(users.c.email == email.lower())).mappings().first()
        return self._with_links([row])[0] if row else None

    def exist(self, user_ids: Iterable[str]) -> set[str]:
        wanted = set(user_ids)
        if not wanted:
            return set()
        found = self.session.execute(sa.select(users.c.id).where(users.c.id.in_(wanted))).scalars()
        return set(found)

    def manager_of(self, user_id: str) -> str | None:
        value = self.session.execute(sa.select(users.c.manager_id).where(users.c.id == user_id)).scalar()
        return str(value) if value else None

    def page(
        self, *, after_email: str, limit: int, query: str = "", active: bool | None = None
    ) -> list[UserRecord]:
        """Ordered by e-mail; `after_email` is the keyset page cursor."""
        statement = sa.select(users).where(users.c.email > after_email).order_by(users.c.email).limit(limit)
        if query:
            pattern = f"%{query.lower()}%"
            statement = statement.where(
                sa.or_(users.c.email.like(pattern), sa.func.lower(users.c.display_name).like(pattern))
            )
        if active is not None:
            statement = statement.where(users.c.active == active)
        rows = list(self.session.execute(statement).mappings())
        return self._with_links(rows)

    def insert(self, values: dict[str, Any], roles: Sequence[str], team_ids: Sequence[str]) -> None:
        self.session.execute(users.insert().values(**values))
        self._set_links(values["id"], roles, team_ids)

    def update(
        self,
        user_id: str,
        values: dict[str, Any],
        *,
        roles: Sequence[str] | None = None,
        team_ids: Sequence[str] | None = None,
    ) -> None:
        if values:
            self.session.execute(users.update().where(users.c.id == user_id).values(**values))
        if roles is not None:
            self.session.execute(user_roles.delete().where(user_roles.c.user_id == user_id))
            self._insert_roles(user_id, roles)
        if team_ids is not None:
            self.session.execute(team_memberships.delete().where(team_memberships.c.user_id == user_id))
            self._insert_teams(user_id, team_ids)

    def set_password_hash(self, user_id: str, password_hash: str, now: datetime) -> None:
        self.session.execute(
            users.update().where(users.c.id == user_id).values(password_hash=password_hash, updated_at=now)
        )

    def count(self) -> int:
        return int(self.session.execute(sa.select(sa.func.count()).select_from(users)).scalar_one())

    def _set_links(self, user_id: str, roles: Sequence[str], team_ids: Sequence[str]) -> None:
        self._insert_roles(user_id, roles)
        self._insert_teams(user_id, team_ids)

    def _insert_roles(self, user_id: str, roles: Sequence[str]) -> None:
        if roles:
            self.session.execute(user_roles.insert(), [{"user_id": user_id, "role": r} for r in roles])

    def _insert_teams(self, user_id: str, team_ids: Sequence[str]) -> None:
        if team_ids:
            self.session.execute(
                team_memberships.insert(), [{"user_id": user_id, "team_id": t} for t in team_ids]
            )

    def _with_links(self, rows: Sequence[Any]) -> list[UserRecord]:
        ids = [row["id"] for row in rows]
        roles: dict[str, list[str]] = {i: [] for i in ids}
        memberships: dict[str, list[str]] = {i: [] for i in ids}
        if ids:
            for user_id, role in self.session.execute(
                sa.select(user_roles.c.user_id, user_roles.c.role).where(user_roles.c.user_id.in_(ids))
            ):
                roles[user_id].append(role)
            for user_id, team_id in self.session.execute(
                sa.select(team_memberships.c.user_id, team_memberships.c.team_id).where(
                    team_memberships.c.user_id.in_(ids)
                )
            ):
                memberships[user_id].append(team_id)
        return [
            UserRecord(
                id=row["id"],
                email=row["email"],
                display_name=row["display_name"],
                password_hash=row["password_hash"],
                manager_id=row["manager_id"],
                language=row["language"],
                active=bool(row["active"]),
                version=int(row["version"]),
                created_at=aware(row["created_at"]),
                updated_at=aware(row["updated_at"]),
                roles=tuple(sorted(roles[row["id"]])),
                team_ids=tuple(sorted(memberships[row["id"]])),
            )
            for row in rows
        ]


class TeamRepository:
    """Teams and their place in the hierarchy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, team_id: str, *, for_update: bool = False) -> TeamRecord | None:
        query = sa.select(teams).where(teams.c.id == team_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        return _team(row) if row else None

    def get_by_name(self, name: str) -> TeamRecord | None:
        row = self.session.execute(sa.select(teams).where(teams.c.name == name)).mappings().first()
        return _team(row) if row else None

    def exist(self, team_ids: Iterable[str]) -> set[str]:
        wanted = set(team_ids)
        if not wanted:
            return set()
        return set(self.session.execute(sa.select(teams.c.id).where(teams.c.id.in_(wanted))).scalars())

    def parent_of(self, team_id: str) -> str | None:
        value = self.session.execute(sa.select(teams.c.parent_team_id).where(teams.c.id == team_id)).scalar()
        return str(value) if value else None

    def nodes(self) -> dict[str, TeamNode]:
        """Every team's place in the hierarchy (teams are few; one query)."""
        rows = self.session.execute(sa.select(teams.c.id, teams.c.manager_id, teams.c.parent_team_id))
        return {row.id: TeamNode(row.id, row.manager_id, row.parent_team_id) for row in rows}

    def page(self, *, after_name: str, limit: int) -> list[TeamRecord]:
        rows = self.session.execute(
            sa.select(teams).where(teams.c.name > after_name).order_by(teams.c.name).limit(limit)
        ).mappings()
        return [_team(row) for row in rows]

    def insert(self, values: dict[str, Any]) -> None:
        self.session.execute(teams.insert().values(**values))

    def update(self, team_id: str, values: dict[str, Any]) -> None:
        self.session.execute(teams.update().where(teams.c.id == team_id).values(**values))


def _team(row: Any) -> TeamRecord:
    return TeamRecord(
        id=row["id"],
        name=row["name"],
        description=row["description"] or "",
        manager_id=row["manager_id"],
        parent_team_id=row["parent_team_id"],
        version=int(row["version"]),
        created_at=aware(row["created_at"]),
        updated_at=aware(row["updated_at"]),
    )


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
