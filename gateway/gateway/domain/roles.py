"""The roles a user can hold (DESIGN §5). `system` is for the platform's own callers and is
never given to a person."""

from __future__ import annotations

from collections.abc import Iterable

ADMIN = "admin"
SALES_MANAGER = "sales_manager"
SALES_REP = "sales_rep"
SERVICE_AGENT = "service_agent"
APPROVER = "approver"
ACCOUNTANT = "accountant"
MARKETING = "marketing"

USER_ROLES: tuple[str, ...] = (
    ADMIN,
    SALES_MANAGER,
    SALES_REP,
    SERVICE_AGENT,
    APPROVER,
    ACCOUNTANT,
    MARKETING,
)


def unknown_roles(roles: Iterable[str]) -> list[str]:
    """The names in `roles` that are not user roles, in the order given."""
    return [role for role in roles if role not in USER_ROLES]


def normalise_roles(roles: Iterable[str]) -> list[str]:
    """Sorted and without repeats, so equal role sets compare and store equal."""
    return sorted(set(roles))


def can_manage_identity(roles: Iterable[str]) -> bool:
    """Only admins create and change users and teams."""
    return ADMIN in set(roles)
