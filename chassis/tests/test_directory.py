"""The users/teams read model from identity events, over SQLite and PostgreSQL: applied
through the inbox as a consumer does, stale versions dropped, a deactivation kept, a team's
lead found; the migration helpers create and drop the same tables."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from chassis.db import Database, new_metadata
from chassis.directory import (
    TEAM_CREATED,
    TEAM_UPDATED,
    USER_CREATED,
    USER_DEACTIVATED,
    USER_UPDATED,
    Directory,
    DirectoryTables,
    add_directory_tables,
    create_directory_tables,
    directory_handlers,
    drop_directory_tables,
)
from chassis.events import Envelope, EventTables, Outcome, add_event_tables, apply_once
from crm.identity.v1 import identity_pb2 as identity
from google.protobuf.message import Message


class Model:
    def __init__(self, database_url: str) -> None:
        metadata = new_metadata()
        self.events: EventTables = add_event_tables(metadata)
        self.tables: DirectoryTables = add_directory_tables(metadata)
        self.db = Database(database_url)
        metadata.create_all(self.db.engine)
        self.handlers = {h.subject: h for h in directory_handlers(self.tables)}

    def apply(self, subject: str, message: Message, event_id: str | None = None) -> Outcome:
        envelope: Envelope[Any] = Envelope(
            event_id=event_id or str(uuid.uuid4()),
            subject=subject,
            event_type=message.DESCRIPTOR.full_name,
            occurred_at=datetime.now(UTC),
            message=message,
        )
        return apply_once(self.db, self.events, "service-desk", self.handlers[subject], envelope)


def _user(version: int, **changes: Any) -> identity.User:
    values: dict[str, Any] = {
        "id": "u-lead",
        "email": "somchai@siamsupply.example",
        "display_name": "Somchai",
        "roles": ["service_agent", "sales_manager"],
        "team_ids": ["support-north"],
        "manager_id": "u-boss",
        "language": "en",
        "active": True,
        "version": version,
    }
    return identity.User(**(values | changes))


def _team(version: int, manager_id: str = "u-lead") -> identity.Team:
    return identity.Team(id="support-north", name="Support North", manager_id=manager_id, version=version)


def test_a_created_user_is_found_with_email_language_roles_teams_and_manager(database_url: str) -> None:
    model = Model(database_url)

    assert model.apply(USER_CREATED, identity.UserCreated(user=_user(1))) == Outcome.APPLIED

    with model.db.read() as session:
        user = Directory(session, model.tables).user("u-lead")
    assert user is not None
    assert (user.email, user.display_name, user.language) == ("somchai@siamsupply.example", "Somchai", "en")
    assert user.roles == {"service_agent", "sales_manager"}
    assert user.team_ids == {"support-north"}
    assert (user.manager_id, user.active, user.version) == ("u-boss", True, 1)


def test_a_user_without_a_language_reads_in_thai(database_url: str) -> None:
    model = Model(database_url)
    model.apply(USER_CREATED, identity.UserCreated(user=_user(1, language="")))

    with model.db.read() as session:
        user = Directory(session, model.tables).user("u-lead")
    assert user is not None
    assert user.language == "th"


def test_an_older_version_arriving_late_is_dropped(database_url: str) -> None:
    model = Model(database_url)
    model.apply(USER_CREATED, identity.UserCreated(user=_user(1)))
    model.apply(USER_UPDATED, identity.UserUpdated(user=_user(3, email="new@siamsupply.example")))

    model.apply(USER_UPDATED, identity.UserUpdated(user=_user(2, email="stale@siamsupply.example")))

    with model.db.read() as session:
        user = Directory(session, model.tables).user("u-lead")
    assert user is not None
    assert (user.email, user.version) == ("new@siamsupply.example", 3)


def test_a_redelivered_event_is_applied_once(database_url: str) -> None:
    model = Model(database_url)
    event_id = str(uuid.uuid4())

    first = model.apply(USER_CREATED, identity.UserCreated(user=_user(1)), event_id)
    again = model.apply(USER_CREATED, identity.UserCreated(user=_user(1)), event_id)

    assert (first, again) == (Outcome.APPLIED, Outcome.DUPLICATE)
    with model.db.read() as session:
        count = session.execute(sa.select(sa.func.count()).select_from(model.tables.users)).scalar_one()
    assert count == 1


def test_a_deactivated_lead_is_no_lead_even_if_the_event_says_active(database_url: str) -> None:
    model = Model(database_url)
    model.apply(USER_CREATED, identity.UserCreated(user=_user(1)))
    model.apply(TEAM_CREATED, identity.TeamCreated(team=_team(1)))
    with model.db.read() as session:
        lead = Directory(session, model.tables).team_lead("support-north")
    assert lead is not None
    assert lead.id == "u-lead"

    model.apply(USER_DEACTIVATED, identity.UserDeactivated(user=_user(2)))

    with model.db.read() as session:
        directory = Directory(session, model.tables)
        user = directory.user("u-lead")
        assert user is not None
        assert not user.active
        assert directory.team_lead("support-north") is None


def test_a_team_update_changes_its_lead_and_a_stale_one_is_dropped(database_url: str) -> None:
    model = Model(database_url)
    model.apply(USER_CREATED, identity.UserCreated(user=_user(1)))
    model.apply(USER_CREATED, identity.UserCreated(user=_user(1, id="u-next", email="next@x.example")))
    model.apply(TEAM_CREATED, identity.TeamCreated(team=_team(1)))

    model.apply(TEAM_UPDATED, identity.TeamUpdated(team=_team(3, manager_id="u-next")))
    model.apply(TEAM_UPDATED, identity.TeamUpdated(team=_team(2, manager_id="u-lead")))

    with model.db.read() as session:
        directory = Directory(session, model.tables)
        team = directory.team("support-north")
        lead = directory.team_lead("support-north")
    assert team is not None
    assert (team.name, team.version) == ("Support North", 3)
    assert lead is not None
    assert lead.email == "next@x.example"


def test_unknown_users_and_teams_are_none(database_url: str) -> None:
    model = Model(database_url)
    with model.db.read() as session:
        directory = Directory(session, model.tables)
        assert directory.user("nobody") is None
        assert directory.user("") is None
        assert directory.team_lead("no-team") is None
        assert directory.team_lead("") is None


def test_the_migration_helpers_create_and_drop_the_tables(database_url: str) -> None:
    db = Database(database_url)
    with db.engine.begin() as connection:
        create_directory_tables(Operations(MigrationContext.configure(connection)))
    assert {"users", "teams"} <= set(sa.inspect(db.engine).get_table_names())

    with db.engine.begin() as connection:
        drop_directory_tables(Operations(MigrationContext.configure(connection)))
    assert not {"users", "teams"} & set(sa.inspect(db.engine).get_table_names())
