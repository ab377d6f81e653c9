"""Pure identity rules: roles, password policy, access-token claims, manager hierarchy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from gateway.domain.hierarchy import (
    HierarchyCycleError,
    TeamNode,
    check_new_manager,
    check_new_parent_team,
    manager_chain,
    visible_team_ids,
)
from gateway.domain.passwords import password_problems
from gateway.domain.roles import USER_ROLES, can_manage_identity, normalise_roles, unknown_roles
from gateway.domain.tokens import InvalidClaimsError, claims_from_decoded, new_access_claims

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_the_design_roles_exist_and_system_is_not_a_user_role():
    assert set(USER_ROLES) == {
        "admin",
        "sales_manager",
        "sales_rep",
        "service_agent",
        "approver",
        "accountant",
        "marketing",
    }
    assert unknown_roles(["sales_rep", "system", "boss"]) == ["system", "boss"]
    assert normalise_roles(["sales_rep", "admin", "sales_rep"]) == ["admin", "sales_rep"]
    assert can_manage_identity(["admin"])
    assert not can_manage_identity(["sales_manager"])


@pytest.mark.parametrize(
    ("password", "email", "reason"),
    [
        ("short1!", "", "at least"),
        ("x" * 300, "", "at most"),
        ("aaaaaaaaaaaa", "", "repeat"),
        ("password123", "", "commonly used"),
        ("somchai.k2024", "somchai.k@example.co.th", "e-mail"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, email, reason):
    problems = password_problems(password, email=email)
    assert any(reason in problem.reason for problem in problems)


@pytest.mark.parametrize("password", ["Demo-Passw0rd!", "admin-Passw0rd!", "ช้างเผือก-2569-ภูเขา"])
def test_reasonable_passwords_pass(password):
    assert password_problems(password, email="admin@example.co.th") == []


def test_claims_round_trip_through_the_decoder_rules():
    claims = new_access_claims(
        user_id="u1", roles=["sales_rep"], team_ids=["t1"], token_id="j", now=NOW, ttl=timedelta(minutes=15)
    )
    payload = claims.to_claims(issuer="iss", audience="aud")
    assert payload["exp"] - payload["iat"] == 900
    decoded = claims_from_decoded(payload)
    assert decoded.subject == "u1"
    assert decoded.roles == frozenset({"sales_rep"})
    assert decoded.team_ids == frozenset({"t1"})


@pytest.mark.parametrize(
    "change",
    [
        {"typ": "refresh"},
        {"sub": ""},
        {"roles": ["system"]},
        {"roles": "admin"},
        {"team_ids": [1]},
        {"exp": "soon"},
    ],
)
def test_claims_that_no_access_token_may_carry_are_refused(change):
    payload = new_access_claims(
        user_id="u1", roles=["admin"], team_ids=[], token_id="j", now=NOW, ttl=timedelta(minutes=1)
    ).to_claims(issuer="i", audience="a")
    payload.update(change)
    with pytest.raises(InvalidClaimsError):
        claims_from_decoded(payload)


def test_missing_claims_are_refused():
    payload = new_access_claims(
        user_id="u1", roles=[], team_ids=[], token_id="j", now=NOW, ttl=timedelta(minutes=1)
    ).to_claims(issuer="i", audience="a")
    del payload["jti"]
    with pytest.raises(InvalidClaimsError, match="jti"):
        claims_from_decoded(payload)


def test_a_token_must_expire_after_it_is_issued():
    with pytest.raises(InvalidClaimsError):
        new_access_claims(user_id="u", roles=[], team_ids=[], token_id="j", now=NOW, ttl=timedelta(0))


MANAGERS = {"rep": "manager", "manager": "director", "director": None}


def test_manager_chain_walks_to_the_top():
    assert manager_chain("rep", MANAGERS.get) == ["manager", "director"]
    assert manager_chain("director", MANAGERS.get) == []


def test_new_manager_may_not_close_a_loop():
    check_new_manager("rep", "director", MANAGERS.get)
    with pytest.raises(HierarchyCycleError):
        check_new_manager("director", "rep", MANAGERS.get)
    with pytest.raises(HierarchyCycleError):
        check_new_manager("rep", "rep", MANAGERS.get)


def test_a_stored_cycle_is_reported_not_looped_forever():
    looped = {"a": "b", "b": "a"}
    with pytest.raises(HierarchyCycleError):
        manager_chain("a", looped.get)


def test_team_parents_may_not_close_a_loop():
    parents = {"branch": "region", "region": None}
    check_new_parent_team("other", "region", parents.get)
    with pytest.raises(HierarchyCycleError):
        check_new_parent_team("region", "branch", parents.get)


def test_a_manager_sees_the_teams_they_lead_and_everything_below():
    teams = {
        "north": TeamNode("north", "kanya", None),
        "chiang-mai": TeamNode("chiang-mai", None, "north"),
        "lampang": TeamNode("lampang", "other", "chiang-mai"),
        "south": TeamNode("south", None, None),
    }
    assert visible_team_ids("kanya", [], teams) == {"north", "chiang-mai", "lampang"}
    assert visible_team_ids("rep", ["south", "gone"], teams) == {"south"}
    assert visible_team_ids("other", ["south"], teams) == {"lampang", "south"}
