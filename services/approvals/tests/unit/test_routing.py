"""Who is asked: named users, roles, managers n levels up; delegates for the day the step
opens (Thai calendar); never the requester; admins when a step names nobody."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from approvals.domain.model import ApproverKind, Delegation, PolicyStep
from approvals.domain.routing import assign, escalation_target, local_day, manager_chain

from .org import NOW, USERS, any_of_finance, directory, manager_step


def test_manager_levels_climb_the_hierarchy():
    d = directory()
    assert [manager_chain(d, "rep", n) for n in (1, 2, 3, 4)] == ["manager", "director", "ceo", ""]


def test_an_inactive_manager_is_skipped():
    users = [replace(u, active=False) if u.id == "manager" else u for u in USERS]
    assert manager_chain(directory(users=users), "rep", 1) == "director"


def test_a_role_step_asks_every_active_holder_but_never_the_requester():
    places, fell_back = assign(any_of_finance(), "fin1", directory(), NOW)
    assert [p.approver_id for p in places] == ["fin2"]
    assert not fell_back


def test_a_named_user_step():
    places, _ = assign(PolicyStep("cfo", ApproverKind.USER, user_id="director"), "rep", directory(), NOW)
    assert [p.approver_id for p in places] == ["director"]


def test_a_step_naming_nobody_goes_to_the_admins():
    places, fell_back = assign(manager_step(levels=4), "rep", directory(), NOW)
    assert ([p.approver_id for p in places], fell_back) == (["ceo"], True)


def test_a_delegation_covering_the_thai_day_routes_to_the_delegate():
    # 2026-11-23 17:30 UTC is already the 24th in Bangkok.
    late = dt.datetime(2026, 11, 23, 17, 30, tzinfo=dt.UTC)
    assert local_day(late) == dt.date(2026, 11, 24)
    leave = Delegation("d1", "manager", "deputy", dt.date(2026, 11, 24), dt.date(2026, 11, 30), "leave")
    [early] = assign(manager_step(), "rep", directory(leave), NOW)[0]
    [during] = assign(manager_step(), "rep", directory(leave), late)[0]
    assert (early.approver_id, early.delegate_id) == ("manager", "")
    assert (during.approver_id, during.delegate_id, during.asked()) == ("manager", "deputy", "deputy")


def test_a_delegate_who_is_the_requester_is_not_used():
    to_rep = Delegation("d1", "manager", "rep", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    [place] = assign(manager_step(), "rep", directory(to_rep), NOW)[0]
    assert place.delegate_id == ""


def test_escalation_goes_to_the_next_manager_up_skipping_the_requester():
    [place] = assign(manager_step(), "rep", directory(), NOW)[0]
    assert escalation_target(place, "rep", directory()) == "director"
    place.escalated_to_id = "director"
    assert escalation_target(place, "rep", directory()) == "ceo"
    [own] = assign(PolicyStep("x", ApproverKind.USER, user_id="manager"), "director", directory(), NOW)[0]
    assert escalation_target(own, "director", directory()) == "ceo"
