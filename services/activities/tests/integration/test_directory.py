"""The identity read model activities keeps is the chassis directory (migration 0005): the
migrations build exactly the tables the code declares; zones set before 0005 survive it (and its
downgrade); over a real nats-server the identity events keep users and teams, never a user's
zone, and a deactivation stores the user inactive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from activities.adapters.tables import metadata
from activities.bootstrap import MIGRATIONS_DIR
from activities.testing import (
    REP,
    ActivitiesUnderTest,
    eventually,
    publish,
    settings_for,
    start_activities,
    stop_activities,
)
from alembic import command
from alembic.config import Config
from chassis.db import Database, migrate, normalise_url
from chassis.directory import DirectoryUser
from chassis.testing import NatsServer
from chassis.testkit import schema_differences
from crm.activities.v1 import activities_service_pb2 as pb
from crm.identity.v1 import identity_pb2 as identity

OLD_USERS = [
    # id, display name, e-mail, zone, version: a described user with a zone, one without, and
    # the placeholder the old set_time_zone made for a user identity had not described yet.
    ("u-malee", "Malee", "malee@example.co.th", "Asia/Tokyo", 3),
    ("u-anan", "Anan", "anan@example.co.th", None, 1),
    ("u-early", "", "", "Europe/Berlin", 0),
]


@pytest.fixture
def with_events(database_url: str, nats_server: NatsServer, tmp_path: Path) -> Iterator[ActivitiesUnderTest]:
    running = start_activities(settings_for(database_url, nats_server.url, tmp_path))
    try:
        yield running
    finally:
        stop_activities(running)


def _downgrade(database_url: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    url = normalise_url(database_url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.downgrade(config, revision)


def _rows(database: Database, query: str) -> list[tuple[object, ...]]:
    with database.read() as session:
        return [tuple(r) for r in session.execute(sa.text(query))]


def test_migrations_build_exactly_the_tables_in_the_code(activities: ActivitiesUnderTest) -> None:
    assert schema_differences(activities.service.database.engine, metadata) == []


def test_zones_set_before_0005_survive_it_and_its_downgrade(database_url: str) -> None:
    migrate(database_url, MIGRATIONS_DIR, "0004")
    database = Database(database_url)
    try:
        with database.transaction() as session:
            for user_id, name, email, zone, version in OLD_USERS:
                session.execute(
                    sa.text(
                        "INSERT INTO users (id, display_name, email, language, time_zone, active, version)"
                        " VALUES (:id, :name, :email, 'th', :zone, :active, :version)"
                    ),
                    {
                        "id": user_id,
                        "name": name,
                        "email": email,
                        "zone": zone,
                        "active": True,
                        "version": version,
                    },
                )

        migrate(database_url, MIGRATIONS_DIR, "head")
        assert _rows(database, "SELECT user_id, time_zone FROM user_settings ORDER BY user_id") == [
            ("u-early", "Europe/Berlin"),
            ("u-malee", "Asia/Tokyo"),
        ]
        # The placeholder is gone; described users keep everything and get empty roles/teams.
        assert _rows(
            database, "SELECT id, display_name, roles, team_ids, manager_id FROM users ORDER BY id"
        ) == [
            ("u-anan", "Anan", "[]", "[]", ""),
            ("u-malee", "Malee", "[]", "[]", ""),
        ]
        assert schema_differences(database.engine, metadata) == []
        with database.read() as session:
            from activities.adapters.directory import Directory

            directory = Directory(session)
            assert directory.user("u-malee") == DirectoryUser(
                "u-malee", "malee@example.co.th", "Malee", "th", version=3
            )
            assert [directory.time_zone(u) for u in ("u-malee", "u-anan", "u-early")] == [
                "Asia/Tokyo",
                "",
                "Europe/Berlin",
            ]

        _downgrade(database_url, "0004")
        assert _rows(
            database, "SELECT id, display_name, email, time_zone, version FROM users ORDER BY id"
        ) == [
            ("u-anan", "Anan", "anan@example.co.th", None, 1),
            ("u-early", "", "", "Europe/Berlin", 0),
            ("u-malee", "Malee", "malee@example.co.th", "Asia/Tokyo", 3),
        ]
    finally:
        database.dispose()


def _user(version: int, **changes: object) -> identity.User:
    values: dict[str, object] = {
        "id": "u-malee",
        "email": "malee@example.co.th",
        "display_name": "Malee",
        "language": "th",
        "roles": ["sales_rep"],
        "team_ids": ["team-bkk"],
        "manager_id": "u-manager",
        "active": True,
        "version": version,
    }
    return identity.User(**(values | changes))


def test_identity_events_keep_users_and_teams_but_never_a_zone(
    with_events: ActivitiesUnderTest, nats_server: NatsServer
) -> None:
    running = with_events
    # The zone may be set before identity has described the user.
    running.call("SetUserTimeZone", pb.SetUserTimeZoneRequest(time_zone="Asia/Tokyo"), REP)
    publish(
        nats_server.url,
        "crm.identity.user.created",
        identity.UserCreated(user=_user(1)).SerializeToString(),
        "i1",
    )
    team = identity.Team(id="team-bkk", name="Bangkok", manager_id="u-manager", version=1)
    publish(
        nats_server.url,
        "crm.identity.team.created",
        identity.TeamCreated(team=team).SerializeToString(),
        "i2",
    )
    eventually(lambda: running.count("users") == 1 and running.count("teams") == 1, what="identity applied")

    updated = _user(2, display_name="Malee S.", language="en")
    publish(
        nats_server.url,
        "crm.identity.user.updated",
        identity.UserUpdated(user=updated).SerializeToString(),
        "i3",
    )
    stale = _user(1, display_name="Stale")
    publish(
        nats_server.url,
        "crm.identity.user.updated",
        identity.UserUpdated(user=stale).SerializeToString(),
        "i4",
    )
    eventually(lambda: running.count("inbox") >= 4, what="all identity events consumed")
    with running.service.context.reading() as uow:
        user = uow.directory.user("u-malee")
        zone = uow.zone_of_user("u-malee")
    assert user == DirectoryUser(
        "u-malee",
        "malee@example.co.th",
        "Malee S.",
        "en",
        frozenset({"sales_rep"}),
        frozenset({"team-bkk"}),
        "u-manager",
        True,
        2,
    )
    assert zone == "Asia/Tokyo"

    # The deactivation event carries the user as it was; the directory stores it inactive.
    gone = identity.UserDeactivated(user=_user(3)).SerializeToString()
    publish(nats_server.url, "crm.identity.user.deactivated", gone, "i5")
    eventually(lambda: running.count("users", "version = 3") == 1, what="deactivation applied")
    with running.service.context.reading() as uow:
        found = uow.directory.users(["u-malee", "u-nobody"])
        assert uow.zone_of_user("u-malee") == "Asia/Tokyo"
    assert list(found) == ["u-malee"]
    assert not found["u-malee"].active
