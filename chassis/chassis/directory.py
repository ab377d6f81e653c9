"""The read model of users and teams that services keep from the gateway's identity events
(crm.identity.v1: user created/updated/deactivated, team created/updated).

The gateway owns users, teams, roles and the manager hierarchy; a service that routes work or
mails people keeps this copy in its own database so it never calls the gateway back. Wiring:

    directory = add_directory_tables(metadata)            # migration: create_directory_tables(op)
    handlers = [*directory_handlers(directory), ...]      # the service's consumer
    Directory(session, directory).team_lead("support-north")

Each event carries the whole user or team and its version; an older version than the stored
one is dropped (events of one aggregate may arrive out of order), the same or a newer one is
written. The consumer's inbox makes redelivery a no-op on top of that.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crm.identity.v1 import identity_pb2 as identity
from sqlalchemy import Boolean, Column, Integer, MetaData, Row, String, Table, Text, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.schema import SchemaItem

from chassis.events.envelope import Envelope
from chassis.events.inbox import Handler

USERS_TABLE = "users"
TEAMS_TABLE = "teams"
USER_ID = 64

USER_CREATED = "crm.identity.user.created"
USER_UPDATED = "crm.identity.user.updated"
USER_DEACTIVATED = "crm.identity.user.deactivated"
TEAM_CREATED = "crm.identity.team.created"
TEAM_UPDATED = "crm.identity.team.updated"

DEFAULT_LANGUAGE = "th"


@dataclass(frozen=True)
class DirectoryTables:
    users: Table
    teams: Table


@dataclass(frozen=True)
class DirectoryUser:
    """A user as the identity events last described them."""

    id: str
    email: str = ""
    display_name: str = ""
    language: str = DEFAULT_LANGUAGE
    roles: frozenset[str] = frozenset()
    team_ids: frozenset[str] = frozenset()
    manager_id: str = ""
    active: bool = True
    version: int = 0


@dataclass(frozen=True)
class DirectoryTeam:
    """A team; its `manager_id` is the team lead."""

    id: str
    name: str = ""
    manager_id: str = ""
    parent_team_id: str = ""
    version: int = 0


def _user_items() -> list[SchemaItem]:
    return [
        Column("id", String(USER_ID), primary_key=True),
        Column("email", String(254), nullable=False),
        Column("display_name", String(200), nullable=False),
        Column("language", String(10), nullable=False),
        Column("roles", Text, nullable=False),  # JSON list
        Column("team_ids", Text, nullable=False),  # JSON list
        Column("manager_id", String(USER_ID), nullable=False),
        Column("active", Boolean, nullable=False),
        Column("version", Integer, nullable=False),
    ]


def _team_items() -> list[SchemaItem]:
    return [
        Column("id", String(USER_ID), primary_key=True),
        Column("name", String(200), nullable=False),
        Column("manager_id", String(USER_ID), nullable=False),
        Column("parent_team_id", String(USER_ID), nullable=False),
        Column("version", Integer, nullable=False),
    ]


def add_directory_tables(metadata: MetaData) -> DirectoryTables:
    """Adds `users` and `teams` to a service's metadata (the same columns approvals keeps)."""
    return DirectoryTables(
        users=Table(USERS_TABLE, metadata, *_user_items()),
        teams=Table(TEAMS_TABLE, metadata, *_team_items()),
    )


def create_directory_tables(op: Any) -> None:
    """For a service's Alembic migration: `create_directory_tables(op)` in `upgrade()`."""
    op.create_table(USERS_TABLE, *_user_items())
    op.create_table(TEAMS_TABLE, *_team_items())


def drop_directory_tables(op: Any) -> None:
    """The `downgrade()` counterpart of `create_directory_tables`."""
    op.drop_table(TEAMS_TABLE)
    op.drop_table(USERS_TABLE)


def user_of_row(row: Row[Any]) -> DirectoryUser:
    """The user of a `users` row (for a service's own queries over the directory tables)."""
    m = row._mapping
    return DirectoryUser(
        id=m["id"],
        email=m["email"],
        display_name=m["display_name"],
        language=m["language"] or DEFAULT_LANGUAGE,
        roles=frozenset(json.loads(m["roles"])),
        team_ids=frozenset(json.loads(m["team_ids"])),
        manager_id=m["manager_id"],
        active=bool(m["active"]),
        version=int(m["version"]),
    )


def _team_of(row: Row[Any]) -> DirectoryTeam:
    m = row._mapping
    return DirectoryTeam(m["id"], m["name"], m["manager_id"], m["parent_team_id"], int(m["version"]))


class Directory:
    """Lookups and writes over one transaction's session."""

    def __init__(self, session: Session, tables: DirectoryTables) -> None:
        self.session = session
        self.tables = tables

    def user(self, user_id: str) -> DirectoryUser | None:
        if not user_id:
            return None
        t = self.tables.users
        row = self.session.execute(select(t).where(t.c.id == user_id)).first()
        return None if row is None else user_of_row(row)

    def team(self, team_id: str) -> DirectoryTeam | None:
        if not team_id:
            return None
        t = self.tables.teams
        row = self.session.execute(select(t).where(t.c.id == team_id)).first()
        return None if row is None else _team_of(row)

    def team_lead(self, team_id: str) -> DirectoryUser | None:
        """The active user who manages `team_id`; None when the team, its manager or an active
        record of them is unknown."""
        team = self.team(team_id)
        if team is None:
            return None
        lead = self.user(team.manager_id)
        return lead if lead is not None and lead.active else None

    def upsert_user(self, user: DirectoryUser) -> bool:
        """Stores `user` unless a newer version is stored; True when written."""
        t = self.tables.users
        values = {
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language or DEFAULT_LANGUAGE,
            "roles": json.dumps(sorted(user.roles)),
            "team_ids": json.dumps(sorted(user.team_ids)),
            "manager_id": user.manager_id,
            "active": user.active,
            "version": user.version,
        }
        return self._upsert(t, user.id, user.version, values)

    def upsert_team(self, team: DirectoryTeam) -> bool:
        """Stores `team` unless a newer version is stored; True when written."""
        values = {
            "name": team.name,
            "manager_id": team.manager_id,
            "parent_team_id": team.parent_team_id,
            "version": team.version,
        }
        return self._upsert(self.tables.teams, team.id, team.version, values)

    def _upsert(self, table: Table, key: str, version: int, values: dict[str, Any]) -> bool:
        stored = self.session.execute(select(table.c.version).where(table.c.id == key)).first()
        if stored is None:
            self.session.execute(insert(table).values(id=key, **values))
            return True
        if stored.version > version:
            return False
        self.session.execute(update(table).where(table.c.id == key).values(**values))
        return True


def user_of(message: identity.User, *, active: bool | None = None) -> DirectoryUser:
    """The directory's user of an identity event's `User` (language "th" when unset)."""
    return DirectoryUser(
        id=message.id,
        email=message.email,
        display_name=message.display_name,
        language=message.language or DEFAULT_LANGUAGE,
        roles=frozenset(message.roles),
        team_ids=frozenset(message.team_ids),
        manager_id=message.manager_id,
        active=message.active if active is None else active,
        version=message.version,
    )


def team_of(message: identity.Team) -> DirectoryTeam:
    return DirectoryTeam(
        message.id, message.name, message.manager_id, message.parent_team_id, message.version
    )


def directory_handlers(tables: DirectoryTables) -> list[Handler]:
    """The consumer handlers keeping `tables` (each runs in the inbox transaction it is given).
    A deactivation stores the user inactive whatever its `active` field says."""

    def on_user(active: bool | None) -> Callable[[Session, Envelope[Any]], None]:
        def apply(session: Session, envelope: Envelope[Any]) -> None:
            Directory(session, tables).upsert_user(user_of(envelope.message.user, active=active))

        return apply

    def on_team(session: Session, envelope: Envelope[Any]) -> None:
        Directory(session, tables).upsert_team(team_of(envelope.message.team))

    return [
        Handler(USER_CREATED, identity.UserCreated, on_user(None)),
        Handler(USER_UPDATED, identity.UserUpdated, on_user(None)),
        Handler(USER_DEACTIVATED, identity.UserDeactivated, on_user(False)),
        Handler(TEAM_CREATED, identity.TeamCreated, on_team),
        Handler(TEAM_UPDATED, identity.TeamUpdated, on_team),
    ]
