"""Record ownership: who owns a new record, and who may reassign one."""

from __future__ import annotations

import pytest
from chassis.errors import PermissionDenied
from chassis.identity import Caller
from contacts.domain.ownership import Ownership, assign_owner, check_reassign

ADMIN = Caller("admin1", frozenset({"admin"}))
SYSTEM = Caller.system("web-form")
MANAGER = Caller("mgr1", frozenset({"sales_manager"}), frozenset({"t1", "t2"}))
REP = Caller("rep1", frozenset({"sales_rep"}), frozenset({"t1"}))


@pytest.mark.parametrize(
    ("caller", "owner", "team", "expected"),
    [
        (ADMIN, "", "", Ownership("admin1", "")),
        (ADMIN, "rep9", "t9", Ownership("rep9", "t9")),
        (SYSTEM, "", "", Ownership("default-owner", "default-team")),
        (SYSTEM, "rep1", "", Ownership("rep1", "")),
        (MANAGER, "", "", Ownership("mgr1", "")),
        (MANAGER, "rep1", "t1", Ownership("rep1", "t1")),
        (REP, "", "", Ownership("rep1", "t1")),
        (REP, "rep1", "t1", Ownership("rep1", "t1")),
    ],
)
def test_owner_of_a_new_record(caller: Caller, owner: str, team: str, expected: Ownership) -> None:
    assert (
        assign_owner(caller, owner, team, default_owner="default-owner", default_team="default-team")
        == expected
    )


@pytest.mark.parametrize(
    ("caller", "owner", "team"),
    [(REP, "rep2", ""), (REP, "", "t2"), (MANAGER, "rep1", "t3"), (MANAGER, "rep1", "")],
)
def test_owners_a_caller_may_not_assign(caller: Caller, owner: str, team: str) -> None:
    with pytest.raises(PermissionDenied):
        assign_owner(caller, owner, team)


def test_reassigning_needs_a_manager_of_both_teams_or_an_admin() -> None:
    check_reassign(ADMIN, Ownership("rep1", "t9"), Ownership("rep2", "t8"))
    check_reassign(MANAGER, Ownership("rep1", "t1"), Ownership("rep2", "t2"))
    with pytest.raises(PermissionDenied):
        check_reassign(MANAGER, Ownership("rep1", "t1"), Ownership("rep2", "t3"))
    with pytest.raises(PermissionDenied):
        check_reassign(MANAGER, Ownership("rep9", "t9"), Ownership("rep1", "t1"))
    with pytest.raises(PermissionDenied):
        check_reassign(REP, Ownership("rep1", "t1"), Ownership("rep2", "t1"))
