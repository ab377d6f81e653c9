"""A request's life with worked cases: the 25% discount going to the manager, any-of and
all-of steps, the rules of deciding (reason, own request, someone else's step), delegation,
withdrawal, escalation once per SLA period, and action links."""

from __future__ import annotations

import datetime as dt

import pytest
from approvals.domain import events as de
from approvals.domain.links import ActionLink, link_problem
from approvals.domain.model import Decision, Delegation, RequestStatus, StepStatus
from approvals.domain.requests import decide, escalate, open_request, withdraw
from chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied

from .org import NOW, all_of_finance, any_of_finance, directory, manager_step, policy, request

LATER = NOW + dt.timedelta(hours=1)


def opened(*steps, d=None):  # type: ignore[no-untyped-def]
    r = request()
    found = open_request(r, policy(*steps), d or directory(), NOW)
    return r, found


def test_a_25_percent_discount_asks_the_manager_and_the_approval_approves():
    r, found = opened(manager_step())
    assert [type(e) for e in found] == [de.RequestOpened, de.StepActivated]
    assert r.waiting_for() == ["manager"]
    found = decide(r, "manager", Decision.APPROVE, "ok", directory(), LATER)
    assert [type(e) for e in found] == [de.StepApproved, de.RequestApproved]
    assert (r.status, r.decided_by, r.decided_at) == (RequestStatus.APPROVED, "manager", LATER)
    assert r.waiting_for() == []


def test_no_policy_approves_at_once_and_says_so():
    r = request()
    found = open_request(r, None, directory(), NOW)
    assert isinstance(found[-1], de.RequestApproved)
    assert found[-1].automatic
    assert (r.status, r.decided_by, r.reason) == (
        RequestStatus.APPROVED,
        "system",
        "no approval policy applies",
    )


def test_two_steps_run_in_order():
    r, _ = opened(manager_step(), manager_step(levels=2, name="director"))
    assert r.waiting_for() == ["manager"]
    found = decide(r, "manager", Decision.APPROVE, "", directory(), LATER)
    assert [type(e) for e in found] == [de.StepApproved, de.StepActivated]
    assert r.status is RequestStatus.PENDING
    assert r.waiting_for() == ["director"]
    decide(r, "director", Decision.APPROVE, "", directory(), LATER)
    assert r.status is RequestStatus.APPROVED


def test_any_of_needs_one_all_of_needs_everyone():
    r, _ = opened(any_of_finance())
    decide(r, "fin2", Decision.APPROVE, "", directory(), LATER)
    assert r.status is RequestStatus.APPROVED
    r, _ = opened(all_of_finance())
    found = decide(r, "fin1", Decision.APPROVE, "", directory(), LATER)
    assert [type(e) for e in found] == [de.StepApproved]
    assert not found[0].step_done
    assert r.waiting_for() == ["fin2"]
    decide(r, "fin2", Decision.APPROVE, "", directory(), LATER)
    assert r.status is RequestStatus.APPROVED


def test_a_rejection_needs_a_reason_and_ends_the_request():
    r, _ = opened(manager_step(), manager_step(levels=2))
    with pytest.raises(InvalidArgument) as refused:
        decide(r, "manager", Decision.REJECT, "   ", directory(), LATER)
    assert refused.value.violations[0].field == "reason"
    assert r.status is RequestStatus.PENDING
    assert r.version == 1
    found = decide(r, "manager", Decision.REJECT, "ส่วนลดเกินนโยบาย", directory(), LATER)
    assert isinstance(found[0], de.RequestRejected)
    assert (r.status, r.reason) == (RequestStatus.REJECTED, "ส่วนลดเกินนโยบาย")
    assert [s.status for s in r.steps] == [StepStatus.REJECTED, StepStatus.CANCELLED]
    with pytest.raises(FailedPrecondition):
        decide(r, "manager", Decision.APPROVE, "", directory(), LATER)


def test_only_an_assignee_decides_and_never_the_requester():
    r, _ = opened(any_of_finance())
    with pytest.raises(PermissionDenied):
        decide(r, "manager", Decision.APPROVE, "", directory(), LATER)
    with pytest.raises(PermissionDenied):
        decide(r, "rep", Decision.APPROVE, "", directory(), LATER)
    assert r.status is RequestStatus.PENDING
    assert r.version == 1


def test_a_delegate_decides_for_the_approver_and_the_audit_names_both():
    leave = Delegation("d1", "manager", "deputy", dt.date(2026, 11, 20), dt.date(2026, 11, 30))
    d = directory(leave)
    r, found = opened(manager_step(), d=d)
    place = r.steps[0].assignees[0]
    assert (place.approver_id, place.delegate_id) == ("manager", "deputy")
    assert r.waiting_for() == ["manager", "deputy"]
    found = decide(r, "deputy", Decision.APPROVE, "", d, LATER)
    assert isinstance(found[0], de.StepApproved)
    assert (found[0].actor, found[0].on_behalf_of) == ("deputy", "manager")
    assert r.status is RequestStatus.APPROVED


def test_the_requester_withdraws_others_cannot():
    r, _ = opened(manager_step())
    with pytest.raises(PermissionDenied):
        withdraw(r, "manager", "", LATER)
    withdraw(r, "rep", "wrong customer", LATER)
    assert r.status is RequestStatus.WITHDRAWN
    with pytest.raises(FailedPrecondition):
        withdraw(r, "rep", "", LATER)


def test_escalation_after_the_sla_goes_one_manager_up_once_per_period():
    r, _ = opened(manager_step(sla=3600))
    assert escalate(r, directory(), NOW + dt.timedelta(minutes=59)) is None
    at = NOW + dt.timedelta(hours=1)
    fired = escalate(r, directory(), at)
    assert fired is not None
    assert (fired.previous, fired.targets, fired.reminded) == (("manager",), ("director",), ("manager",))
    assert r.waiting_for() == ["manager", "director"]
    assert escalate(r, directory(), at + dt.timedelta(minutes=1)) is None  # fired once
    decide(r, "director", Decision.APPROVE, "", directory(), at)
    assert r.status is RequestStatus.APPROVED


def test_a_step_without_sla_never_escalates():
    r, _ = opened(manager_step())
    assert escalate(r, directory(), NOW + dt.timedelta(days=30)) is None


def link(**overrides):  # type: ignore[no-untyped-def]
    values = dict(
        token_hash="h",
        request_id="req_1",
        step_index=0,
        actor_id="manager",
        action=Decision.APPROVE,
        expires_at=NOW + dt.timedelta(days=7),
    )
    values.update(overrides)
    return ActionLink(**values)


def test_action_links_act_once_in_time_for_the_current_holder():
    r, _ = opened(manager_step(), manager_step(levels=2))
    assert link_problem(link(), r, LATER) == ""
    assert "used" in link_problem(link(used_at=LATER), r, LATER)
    assert "expired" in link_problem(link(), r, NOW + dt.timedelta(days=8))
    assert "no longer an approver" in link_problem(link(actor_id="rep2"), r, LATER)
    decide(r, "manager", Decision.APPROVE, "", directory(), LATER)
    assert "decided" in link_problem(link(), r, LATER)
    decide(r, "director", Decision.APPROVE, "", directory(), LATER)
    assert "already approved" in link_problem(link(step_index=1, actor_id="director"), r, LATER)
