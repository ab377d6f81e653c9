"""/api/v1/users, /api/v1/teams and /api/v1/me. Every signed-in user may read users and teams
(to pick an owner or a manager); only admins create and change them."""

from __future__ import annotations

import base64
import binascii

from chassis.errors import FieldViolation
from flask import Response

from gateway.context import current_user, services
from gateway.domain.roles import ADMIN
from gateway.identity.models import (
    PageQuery,
    PasswordChange,
    TeamCreate,
    TeamList,
    TeamOut,
    TeamPatch,
    UserCreate,
    UserList,
    UserOut,
    UserPatch,
    UserQuery,
)
from gateway.problems import validation_problem
from gateway.routing import ApiBlueprint, etag, expected_version, json_response, no_content

api = ApiBlueprint("identity", __name__, tag="identity")


def _require_admin() -> None:
    current_user().require_role(ADMIN)


def _encode_cursor(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def _decode_cursor(token: str) -> str:
    if not token:
        return ""
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise validation_problem([FieldViolation("page_token", "is not a token this API gave out")]) from None


@api.route("GET", "/me", summary="The signed-in user", response=UserOut)
def get_me() -> Response:
    user = services().identity.get_user(current_user().user_id)
    return json_response(UserOut.of(user), headers=etag(user.version))


@api.route(
    "POST", "/me/password", summary="Change the signed-in user's password", body=PasswordChange, status=204
)
def change_my_password(body: PasswordChange) -> Response:
    """Every refresh token of the user is revoked; other sessions must log in again."""
    services().identity.change_own_password(current_user().user_id, body.current_password, body.new_password)
    return no_content()


@api.route("GET", "/users", summary="List users", query=UserQuery, response=UserList)
def list_users(query: UserQuery) -> Response:
    found = services().identity.list_users(
        after_email=_decode_cursor(query.page_token),
        limit=query.page_size + 1,
        query=query.q,
        active=query.active,
    )
    page = found[: query.page_size]
    token = _encode_cursor(page[-1].email) if len(found) > query.page_size else ""
    return json_response(UserList(users=[UserOut.of(u) for u in page], next_page_token=token))


@api.route(
    "POST",
    "/users",
    summary="Create a user (admin)",
    body=UserCreate,
    response=UserOut,
    status=201,
    idempotent=True,
)
def create_user(body: UserCreate) -> Response:
    _require_admin()
    user = services().identity.create_user(body.model_dump())
    return json_response(UserOut.of(user), 201, headers=etag(user.version))


@api.route("GET", "/users/<user_id>", summary="Get a user", response=UserOut)
def get_user(user_id: str) -> Response:
    user = services().identity.get_user(user_id)
    return json_response(UserOut.of(user), headers=etag(user.version))


@api.route(
    "PATCH",
    "/users/<user_id>",
    summary="Change a user's name, roles, teams, manager or password (admin)",
    body=UserPatch,
    response=UserOut,
    headers=("If-Match",),
)
def update_user(user_id: str, body: UserPatch) -> Response:
    _require_admin()
    changes = body.model_dump(exclude_unset=True, exclude={"expected_version"})
    user = services().identity.update_user(user_id, changes, expected_version(body.expected_version))
    return json_response(UserOut.of(user), headers=etag(user.version))


@api.route("POST", "/users/<user_id>/deactivate", summary="Deactivate a user (admin)", response=UserOut)
def deactivate_user(user_id: str) -> Response:
    """The user can no longer log in; their tokens stop working at once."""
    _require_admin()
    user = services().identity.deactivate_user(user_id, acting_user_id=current_user().user_id)
    return json_response(UserOut.of(user), headers=etag(user.version))


@api.route("GET", "/teams", summary="List teams", query=PageQuery, response=TeamList)
def list_teams(query: PageQuery) -> Response:
    found = services().identity.list_teams(
        after_name=_decode_cursor(query.page_token), limit=query.page_size + 1
    )
    page = found[: query.page_size]
    token = _encode_cursor(page[-1].name) if len(found) > query.page_size else ""
    return json_response(TeamList(teams=[TeamOut.of(t) for t in page], next_page_token=token))


@api.route(
    "POST",
    "/teams",
    summary="Create a team (admin)",
    body=TeamCreate,
    response=TeamOut,
    status=201,
    idempotent=True,
)
def create_team(body: TeamCreate) -> Response:
    _require_admin()
    team = services().identity.create_team(body.model_dump())
    return json_response(TeamOut.of(team), 201, headers=etag(team.version))


@api.route("GET", "/teams/<team_id>", summary="Get a team", response=TeamOut)
def get_team(team_id: str) -> Response:
    team = services().identity.get_team(team_id)
    return json_response(TeamOut.of(team), headers=etag(team.version))


@api.route(
    "PATCH",
    "/teams/<team_id>",
    summary="Rename a team or change its manager or parent (admin)",
    body=TeamPatch,
    response=TeamOut,
    headers=("If-Match",),
)
def update_team(team_id: str, body: TeamPatch) -> Response:
    _require_admin()
    changes = body.model_dump(exclude_unset=True, exclude={"expected_version"})
    team = services().identity.update_team(team_id, changes, expected_version(body.expected_version))
    return json_response(TeamOut.of(team), headers=etag(team.version))
