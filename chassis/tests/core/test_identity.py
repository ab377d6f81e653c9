"""Record-level access: own records, a manager's teams' records, admins everything."""

import pytest
from chassis.errors import PermissionDenied, Unauthenticated
from chassis.identity import Caller, current_caller, reset_caller, set_caller

REP = Caller("u-rep", frozenset({"sales_rep"}), frozenset({"t-north"}))
OTHER_REP = Caller("u-rep2", frozenset({"sales_rep"}), frozenset({"t-north"}))
MANAGER = Caller("u-mgr", frozenset({"sales_manager"}), frozenset({"t-north"}))
ADMIN = Caller("u-admin", frozenset({"admin"}))


@pytest.mark.parametrize(
    ("caller", "owner", "team", "allowed"),
    [
        (REP, "u-rep", "t-north", True),
        (OTHER_REP, "u-rep", "t-north", False),  # same team, but reps see only their own
        (MANAGER, "u-rep", "t-north", True),
        (MANAGER, "u-rep", "t-south", False),
        (ADMIN, "u-anyone", "t-any", True),
        (Caller.system(), "u-anyone", None, True),
    ],
)
def test_record_access_rule(caller: Caller, owner: str, team: str | None, allowed: bool) -> None:
    assert caller.can_access(owner, team) is allowed


def test_require_access_raises_permission_denied() -> None:
    with pytest.raises(PermissionDenied):
        OTHER_REP.require_access("u-rep", "t-north", "customer")


def test_metadata_round_trip() -> None:
    assert Caller.from_metadata(MANAGER.to_metadata()) == MANAGER
    assert Caller.from_metadata([("x-roles", "admin")]) is None


def test_current_caller_needs_an_identity() -> None:
    token = set_caller(None)
    try:
        with pytest.raises(Unauthenticated):
            current_caller()
    finally:
        reset_caller(token)
    token = set_caller(REP)
    try:
        assert current_caller() is REP
    finally:
        reset_caller(token)
