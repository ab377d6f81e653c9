"""The identity read model approvals keeps is the chassis directory: the migrations build
exactly the tables the code declares (users/teams included), and the identity events reach
it over a real nats-server: a deactivation stores the user inactive whatever the payload's
`active` says, so routing by role skips them; a stale version changes nothing."""

from __future__ import annotations

from approvals.adapters.tables import metadata
from approvals.domain.model import User
from approvals.testing import ApprovalsUnderTest, eventually, publish
from chassis.testkit import schema_differences
from crm.identity.v1 import identity_pb2 as identity

from .conftest import USERS


def _message(user_id: str, version: int, **changes: object) -> identity.User:
    user = next(u for u in USERS if u.id == user_id)
    values: dict[str, object] = {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "roles": sorted(user.roles),
        "team_ids": sorted(user.team_ids),
        "manager_id": user.manager_id,
        "language": user.language,
        "active": True,
        "version": version,
    }
    return identity.User(**(values | changes))


def _stored(running: ApprovalsUnderTest, user_id: str) -> User | None:
    with running.service.context.transaction() as uow:
        return uow.directory.user(user_id)


def _managers(running: ApprovalsUnderTest) -> list[str]:
    with running.service.context.transaction() as uow:
        return [u.id for u in uow.directory.users_with_role("sales_manager")]


def test_migrations_build_exactly_the_tables_in_the_code(approvals: ApprovalsUnderTest) -> None:
    assert schema_differences(approvals.service.database.engine, metadata) == []


def test_identity_events_keep_the_directory(approvals_with_events: ApprovalsUnderTest, nats_server) -> None:
    running = approvals_with_events
    for user_id in ("u-manager", "u-director", "u-deputy"):
        publish(nats_server.url, "crm.identity.user.created", identity.UserCreated(user=_message(user_id, 1)))
    publish(
        nats_server.url,
        "crm.identity.team.created",
        identity.TeamCreated(team=identity.Team(id="north", name="North", manager_id="u-manager", version=1)),
    )
    eventually(lambda: running.count("users") == 3 and running.count("teams") == 1, what="identity applied")
    assert _managers(running) == ["u-deputy", "u-director", "u-manager"]

    # The gateway's deactivation event carries the user; the directory forces active=False.
    publish(
        nats_server.url,
        "crm.identity.user.deactivated",
        identity.UserDeactivated(user=_message("u-deputy", 2, active=True)),
    )
    eventually(lambda: running.count("users", "version = 2") == 1, what="deactivation applied")
    deputy = _stored(running, "u-deputy")
    assert deputy is not None
    assert not deputy.active
    assert _managers(running) == ["u-director", "u-manager"]

    # An older version arriving late is dropped; a newer one is written.
    publish(
        nats_server.url,
        "crm.identity.user.updated",
        identity.UserUpdated(user=_message("u-manager", 3, display_name="Somchai")),
    )
    publish(
        nats_server.url,
        "crm.identity.user.updated",
        identity.UserUpdated(user=_message("u-manager", 2, display_name="Stale")),
    )
    eventually(lambda: running.count("inbox") >= 7, what="all identity events consumed")
    manager = _stored(running, "u-manager")
    assert manager is not None
    assert manager.display_name == "Somchai"
    with running.service.database.read() as session:
        row = session.execute(metadata.tables["teams"].select()).one()
    assert (row.id, row.manager_id, row.version) == ("north", "u-manager", 1)
