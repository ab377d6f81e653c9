"""Identity use cases: users, teams, roles and the manager hierarchy. Each is one transaction
that stores the change and its identity event (crm.identity.*) in the outbox together."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from chassis.db import Database
from chassis.errors import (
    AlreadyExists,
    Conflict,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    ViolationCollector,
)
from chassis.events import EventTables, record_event
from crm.identity.v1 import identity_pb2
from google.protobuf.message import Message
from sqlalchemy.orm import Session

from gateway.adapters.refresh_tokens import RefreshTokenRepository
from gateway.adapters.repositories import TeamRecord, TeamRepository, UserRecord, UserRepository
from gateway.auth.passwords import PasswordHashing
from gateway.domain.hierarchy import HierarchyCycleError, check_new_manager, check_new_parent_team
from gateway.domain.passwords import password_problems
from gateway.domain.roles import ADMIN, normalise_roles, unknown_roles

USER_CREATED = "crm.identity.user.created"
USER_UPDATED = "crm.identity.user.updated"
USER_DEACTIVATED = "crm.identity.user.deactivated"
TEAM_CREATED = "crm.identity.team.created"
TEAM_UPDATED = "crm.identity.team.updated"

T = TypeVar("T")
# An identity event message class (UserCreated, TeamUpdated, ...).
EventFactory = Callable[..., Message]


def user_message(user: UserRecord) -> identity_pb2.User:
    return identity_pb2.User(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles=list(user.roles),
        team_ids=list(user.team_ids),
        manager_id=user.manager_id or "",
        language=user.language,
        active=user.active,
        version=user.version,
    )


def team_message(team: TeamRecord) -> identity_pb2.Team:
    return identity_pb2.Team(
        id=team.id,
        name=team.name,
        manager_id=team.manager_id or "",
        parent_team_id=team.parent_team_id or "",
        version=team.version,
    )


@dataclass
class IdentityService:
    database: Database
    events: EventTables
    hashing: PasswordHashing
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    # Told the user's id after a deactivation commits (the auth guard's active-user cache).
    user_deactivated: Callable[[str], None] = lambda _user_id: None

    # -- users -------------------------------------------------------------------------

    def create_user(self, fields: Mapping[str, Any]) -> UserRecord:
        """`fields`: email, display_name, password, roles, team_ids, manager_id, language."""
        now = self.clock()
        email = str(fields["email"]).strip().lower()
        _check_password(str(fields["password"]), email)
        password_hash = self.hashing.hash(str(fields["password"]))
        user_id = str(uuid.uuid4())
        with self.database.transaction() as session:
            users = UserRepository(session)
            if users.get_by_email(email) is not None:
                raise AlreadyExists(f"a user with the e-mail {email} exists already")
            roles = normalise_roles(fields.get("roles") or [])
            team_ids = sorted(set(fields.get("team_ids") or []))
            manager_id = fields.get("manager_id") or None
            self._check_links(session, roles=roles, team_ids=team_ids, manager_id=manager_id, user_id=user_id)
            users.insert(
                {
                    "id": user_id,
                    "email": email,
                    "display_name": fields.get("display_name") or email,
                    "password_hash": password_hash,
                    "manager_id": manager_id,
                    "language": fields.get("language") or "th",
                    "active": True,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                },
                roles,
                team_ids,
            )
            user = _must(users.get(user_id), "user", user_id)
            self._record_user(session, USER_CREATED, identity_pb2.UserCreated, user)
            return user

    def update_user(
        self, user_id: str, changes: Mapping[str, Any], expected_version: int | None = None
    ) -> UserRecord:
        """Changes name, language, roles, teams, manager or password (whatever `changes` holds)."""
        now = self.clock()
        with self.database.transaction() as session:
            users = UserRepository(session)
            user = _must(users.get(user_id, for_update=True), "user", user_id)
            _check_version(user.version, expected_version)
            values: dict[str, Any] = {}
            for name in ("display_name", "language"):
                if changes.get(name) is not None:
                    values[name] = changes[name]
            if "manager_id" in changes:
                values["manager_id"] = changes["manager_id"] or None
            if changes.get("password"):
                _check_password(str(changes["password"]), user.email)
                values["password_hash"] = self.hashing.hash(str(changes["password"]))
                RefreshTokenRepository(session).revoke_user(user_id, now)
            roles = normalise_roles(changes["roles"]) if changes.get("roles") is not None else None
            team_ids = sorted(set(changes["team_ids"])) if changes.get("team_ids") is not None else None
            self._check_links(
                session, roles=roles, team_ids=team_ids, manager_id=values.get("manager_id"), user_id=user_id
            )
            if not values and roles is None and team_ids is None:
                return user
            values.update(version=user.version + 1, updated_at=now)
            users.update(user_id, values, roles=roles, team_ids=team_ids)
            updated = _must(users.get(user_id), "user", user_id)
            self._record_user(session, USER_UPDATED, identity_pb2.UserUpdated, updated)
            return updated

    def deactivate_user(self, user_id: str, *, acting_user_id: str) -> UserRecord:
        """Ends the user's sessions at once: refresh tokens are revoked and the auth guard
        refuses their access tokens."""
        if user_id == acting_user_id:
            raise FailedPrecondition("you cannot deactivate your own account")
        now = self.clock()
        with self.database.transaction() as session:
            users = UserRepository(session)
            user = _must(users.get(user_id, for_update=True), "user", user_id)
            if not user.active:
                return user
            users.update(user_id, {"active": False, "version": user.version + 1, "updated_at": now})
            RefreshTokenRepository(session).revoke_user(user_id, now)
            updated = _must(users.get(user_id), "user", user_id)
            self._record_user(session, USER_DEACTIVATED, identity_pb2.UserDeactivated, updated)
        self.user_deactivated(user_id)
        return updated

    def change_own_password(self, user_id: str, current_password: str, new_password: str) -> None:
        with self.database.read() as session:
            user = _must(UserRepository(session).get(user_id), "user", user_id)
        if not self.hashing.verify(user.password_hash, current_password).ok:
            raise InvalidArgument("current_password", "is not your current password")
        self.update_user(user_id, {"password": new_password})

    def get_user(self, user_id: str) -> UserRecord:
        with self.database.read() as session:
            return _must(UserRepository(session).get(user_id), "user", user_id)

    def list_users(
        self, *, after_email: str, limit: int, query: str = "", active: bool | None = None
    ) -> list[UserRecord]:
        with self.database.read() as session:
            return UserRepository(session).page(
                after_email=after_email, limit=limit, query=query, active=active
            )

    def ensure_admin(self, email: str, password: str) -> bool:
        """Creates the first admin unless a user with this e-mail exists; True if created.
        Safe when several workers start at once (the e-mail is unique)."""
        from sqlalchemy.exc import IntegrityError

        with self.database.read() as session:
            if UserRepository(session).get_by_email(email) is not None:
                return False
        try:
            self.create_user(
                {"email": email, "password": password, "display_name": "Administrator", "roles": [ADMIN]}
            )
        except (AlreadyExists, IntegrityError):
            return False
        return True

    # -- teams -------------------------------------------------------------------------

    def create_team(self, fields: Mapping[str, Any]) -> TeamRecord:
        now = self.clock()
        team_id = str(uuid.uuid4())
        with self.database.transaction() as session:
            teams = TeamRepository(session)
            name = str(fields["name"]).strip()
            if teams.get_by_name(name) is not None:
                raise AlreadyExists(f"a team named {name!r} exists already")
            values: dict[str, Any] = {
                "id": team_id,
                "name": name,
                "description": fields.get("description") or "",
                "manager_id": fields.get("manager_id") or None,
                "parent_team_id": fields.get("parent_team_id") or None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            self._check_team_links(session, team_id, values["manager_id"], values["parent_team_id"])
            teams.insert(values)
            team = _must(teams.get(team_id), "team", team_id)
            self._record_team(session, TEAM_CREATED, identity_pb2.TeamCreated, team)
            return team

    def update_team(
        self, team_id: str, changes: Mapping[str, Any], expected_version: int | None = None
    ) -> TeamRecord:
        now = self.clock()
        with self.database.transaction() as session:
            teams = TeamRepository(session)
            team = _must(teams.get(team_id, for_update=True), "team", team_id)
            _check_version(team.version, expected_version)
            values: dict[str, Any] = {}
            if changes.get("name") is not None and changes["name"].strip() != team.name:
                other = teams.get_by_name(changes["name"].strip())
                if other is not None:
                    raise AlreadyExists(f"a team named {changes['name']!r} exists already")
                values["name"] = changes["name"].strip()
            if changes.get("description") is not None:
                values["description"] = changes["description"]
            for name in ("manager_id", "parent_team_id"):
                if name in changes:
                    values[name] = changes[name] or None
            if not values:
                return team
            self._check_team_links(session, team_id, values.get("manager_id"), values.get("parent_team_id"))
            values.update(version=team.version + 1, updated_at=now)
            teams.update(team_id, values)
            updated = _must(teams.get(team_id), "team", team_id)
            self._record_team(session, TEAM_UPDATED, identity_pb2.TeamUpdated, updated)
            return updated

    def get_team(self, team_id: str) -> TeamRecord:
        with self.database.read() as session:
            return _must(TeamRepository(session).get(team_id), "team", team_id)

    def list_teams(self, *, after_name: str, limit: int) -> list[TeamRecord]:
        with self.database.read() as session:
            return TeamRepository(session).page(after_name=after_name, limit=limit)

    # -- events ----------------------------------------------------------------------------

    def _record_user(self, session: Session, subject: str, event: EventFactory, user: UserRecord) -> None:
        """The user as it is after the change, in the outbox of the same transaction."""
        record_event(
            session,
            self.events,
            subject=subject,
            message=event(user=user_message(user)),
            aggregate_type="user",
            aggregate_id=user.id,
        )

    def _record_team(self, session: Session, subject: str, event: EventFactory, team: TeamRecord) -> None:
        record_event(
            session,
            self.events,
            subject=subject,
            message=event(team=team_message(team)),
            aggregate_type="team",
            aggregate_id=team.id,
        )

    # -- rules that need the database -----------------------------------------------------

    def _check_links(
        self,
        session: Session,
        *,
        roles: Sequence[str] | None,
        team_ids: Sequence[str] | None,
        manager_id: str | None,
        user_id: str,
    ) -> None:
        problems = ViolationCollector()
        for role in unknown_roles(roles or []):
            problems.add("roles", f"{role!r} is not a role")
        missing_teams = set(team_ids or []) - TeamRepository(session).exist(team_ids or [])
        for team_id in sorted(missing_teams):
            problems.add("team_ids", f"team {team_id!r} does not exist")
        if manager_id:
            users = UserRepository(session)
            if not users.exist([manager_id]):
                problems.add("manager_id", f"user {manager_id!r} does not exist")
            else:
                try:
                    check_new_manager(user_id, manager_id, users.manager_of)
                except HierarchyCycleError as cycle:
                    problems.add("manager_id", str(cycle))
        problems.raise_if_any()

    def _check_team_links(
        self, session: Session, team_id: str, manager_id: str | None, parent_team_id: str | None
    ) -> None:
        problems = ViolationCollector()
        if manager_id and not UserRepository(session).exist([manager_id]):
            problems.add("manager_id", f"user {manager_id!r} does not exist")
        if parent_team_id:
            teams = TeamRepository(session)
            if not teams.exist([parent_team_id]):
                problems.add("parent_team_id", f"team {parent_team_id!r} does not exist")
            else:
                try:
                    check_new_parent_team(team_id, parent_team_id, teams.parent_of)
                except HierarchyCycleError as cycle:
                    problems.add("parent_team_id", str(cycle))
        problems.raise_if_any()


def _check_password(password: str, email: str) -> None:
    problems = password_problems(password, email=email)
    if problems:
        raise InvalidArgument(violations=[FieldViolation("password", p.reason) for p in problems])


def _check_version(current: int, expected: int | None) -> None:
    if expected and expected != current:
        raise Conflict(f"the record is at version {current}, not {expected}; read it again")


def _must(record: T | None, kind: str, record_id: str) -> T:
    if record is None:
        raise NotFound(kind, record_id)
    return record
