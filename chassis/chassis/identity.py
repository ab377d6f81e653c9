"""The caller of a request and record-level access.

The gateway authenticates users and passes the caller to services as gRPC metadata
(`x-user-id`, `x-roles`, `x-team-ids`). Services decide record by record: a sales rep sees
and edits records they own, a sales manager also their teams' records, an admin all. The
`system` role is for the platform's own callers (event consumers, the public web form).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from chassis.errors import PermissionDenied, Unauthenticated

ROLES = frozenset(
    {"admin", "sales_manager", "sales_rep", "service_agent", "approver", "accountant", "marketing", "system"}
)
# Roles that see every record of a kind, whoever owns it.
SEE_ALL_ROLES = frozenset({"admin", "system"})
MANAGER_ROLES = frozenset({"sales_manager"})

MD_USER_ID = "x-user-id"
MD_ROLES = "x-roles"
MD_TEAM_IDS = "x-team-ids"


@dataclass(frozen=True)
class Caller:
    user_id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    team_ids: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def system(cls, name: str = "system") -> Caller:
        return cls(user_id=name, roles=frozenset({"system"}))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def sees_all(self) -> bool:
        return bool(self.roles & SEE_ALL_ROLES)

    @property
    def is_manager(self) -> bool:
        return bool(self.roles & MANAGER_ROLES)

    def can_access(self, owner_id: str | None, team_id: str | None) -> bool:
        """The record rule: own records; a manager's teams' records; admins everything."""
        if self.sees_all:
            return True
        if owner_id and owner_id == self.user_id:
            return True
        return bool(self.is_manager and team_id and team_id in self.team_ids)

    def require_access(self, owner_id: str | None, team_id: str | None, what: str = "record") -> None:
        if not self.can_access(owner_id, team_id):
            raise PermissionDenied(f"{self.user_id} may not access this {what}")

    def require_role(self, *roles: str) -> None:
        if not self.sees_all and not self.has_role(*roles):
            raise PermissionDenied(f"needs one of the roles {', '.join(sorted(roles))}")

    def to_metadata(self) -> list[tuple[str, str]]:
        return [
            (MD_USER_ID, self.user_id),
            (MD_ROLES, ",".join(sorted(self.roles))),
            (MD_TEAM_IDS, ",".join(sorted(self.team_ids))),
        ]

    @classmethod
    def from_metadata(cls, metadata: Iterable[tuple[str, str | bytes]] | None) -> Caller | None:
        values = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in (metadata or ())}
        user_id = values.get(MD_USER_ID, "").strip()
        if not user_id:
            return None
        return cls(
            user_id=user_id,
            roles=frozenset(_split(values.get(MD_ROLES, ""))),
            team_ids=frozenset(_split(values.get(MD_TEAM_IDS, ""))),
        )


def _split(value: str) -> Sequence[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


_current: contextvars.ContextVar[Caller | None] = contextvars.ContextVar("crm_caller", default=None)


def current_caller() -> Caller:
    """The caller of the request being served; raises Unauthenticated when there is none."""
    caller = _current.get()
    if caller is None:
        raise Unauthenticated("no caller identity (x-user-id) on the request")
    return caller


def optional_caller() -> Caller | None:
    return _current.get()


def set_caller(caller: Caller | None) -> contextvars.Token[Caller | None]:
    return _current.set(caller)


def reset_caller(token: contextvars.Token[Caller | None]) -> None:
    _current.reset(token)
