"""The life of an approval request: opened by the matching policy's steps (or approved at once
when none matches), decided step by step, withdrawn by its requester, escalated when a step
waits past its SLA.

Rules (the issue's, in one place):
- a rejection needs a reason and ends the request; the last approval approves it;
- "any" steps need one approval of any place, "all" steps every place;
- only someone holding an open place of the pending step decides it (the approver, their
  delegate, or the manager it escalated to); the requester never decides their own request;
- an overdue step escalates once per SLA period: each open place goes to the next manager up
  (the earlier holders may still decide and are reminded), and the step's clock restarts.
"""

from __future__ import annotations

import datetime as dt

from chassis.errors import FailedPrecondition, PermissionDenied

from approvals.domain import events as de
from approvals.domain.model import (
    SYSTEM,
    ApprovalRequest,
    Assignee,
    Decision,
    Policy,
    RequestStatus,
    Step,
    StepMode,
    StepStatus,
)
from approvals.domain.policies import require_reason
from approvals.domain.routing import Directory, assign, escalation_target

NO_POLICY_REASON = "no approval policy applies"


def open_request(
    request: ApprovalRequest, policy: Policy | None, directory: Directory, now: dt.datetime
) -> list[de.DomainEvent]:
    """Gives a new request its steps from `policy` and activates the first; without a policy
    the request is approved at once."""
    request.created_at = now
    request.version = 1
    found: list[de.DomainEvent] = [de.RequestOpened(request)]
    if policy is None:
        request.status = RequestStatus.APPROVED
        request.decided_by = SYSTEM
        request.reason = NO_POLICY_REASON
        request.decided_at = now
        return [*found, de.RequestApproved(request, SYSTEM, NO_POLICY_REASON, automatic=True)]
    request.policy_id, request.policy_name = policy.id, policy.name
    request.steps = [
        Step(index=i, name=s.name, mode=s.mode, definition=s) for i, s in enumerate(policy.steps)
    ]
    return [*found, _activate(request, request.steps[0], directory, now)]


def _activate(
    request: ApprovalRequest, step: Step, directory: Directory, now: dt.datetime
) -> de.StepActivated:
    step.assignees, fell_back = assign(step.definition, request.requester_id, directory, now)
    step.status = StepStatus.PENDING
    step.activated_at = now
    sla = step.definition.sla_seconds
    step.due_at = now + dt.timedelta(seconds=sla) if sla else None
    return de.StepActivated(request, step, fell_back)


def _pending_step(request: ApprovalRequest) -> Step:
    step = request.current
    if request.status is not RequestStatus.PENDING or step is None:
        raise FailedPrecondition(f"the request is {request.status.value}; there is nothing to decide")
    return step


def places_for(request: ApprovalRequest, actor: str) -> tuple[Step, list[Assignee]]:
    """The pending step and the open places `actor` may decide; PermissionDenied otherwise."""
    step = _pending_step(request)
    if actor == request.requester_id:
        raise PermissionDenied("a requester cannot decide their own request")
    places = step.open_places_of(actor)
    if not places:
        raise PermissionDenied(f"{actor} is not an approver of the pending step of this request")
    return step, places


def decide(
    request: ApprovalRequest,
    actor: str,
    decision: Decision,
    reason: str,
    directory: Directory,
    now: dt.datetime,
) -> list[de.DomainEvent]:
    """Records `actor`'s decision on every open place they hold in the pending step."""
    if decision is Decision.REJECT:
        reason = require_reason(reason)
    step, places = places_for(request, actor)
    on_behalf_of = ",".join(sorted({p.approver_id for p in places if p.approver_id != actor}))
    for place in places:
        place.decision, place.decided_by, place.decided_at = decision, actor, now
    request.version += 1
    if decision is Decision.REJECT:
        step.status = StepStatus.REJECTED
        _end(request, RequestStatus.REJECTED, actor, reason, now)
        return [de.RequestRejected(request, step, actor, on_behalf_of, reason)]
    done = step.mode is StepMode.ANY or all(p.decided for p in step.assignees)
    found: list[de.DomainEvent] = [de.StepApproved(request, step, actor, on_behalf_of, reason, done)]
    if not done:
        return found
    step.status = StepStatus.APPROVED
    following = [s for s in request.steps if s.status is StepStatus.WAITING]
    if following:
        return [*found, _activate(request, following[0], directory, now)]
    request.status = RequestStatus.APPROVED
    request.decided_by, request.reason, request.decided_at = actor, reason, now
    return [*found, de.RequestApproved(request, actor, reason)]


def _end(request: ApprovalRequest, status: RequestStatus, actor: str, reason: str, now: dt.datetime) -> None:
    request.status = status
    request.decided_by, request.reason, request.decided_at = actor, reason, now
    for step in request.steps:
        if step.status in (StepStatus.WAITING, StepStatus.PENDING):
            step.status = StepStatus.CANCELLED


def withdraw(
    request: ApprovalRequest, actor: str, reason: str, now: dt.datetime, *, admin: bool = False
) -> de.RequestWithdrawn:
    """The requester (or an admin, or the system on resubmission) takes a pending request back."""
    if actor != request.requester_id and not admin:
        raise PermissionDenied("only the requester can withdraw a request")
    if request.status is not RequestStatus.PENDING:
        raise FailedPrecondition(
            f"the request is {request.status.value}; only a pending one can be withdrawn"
        )
    _end(request, RequestStatus.WITHDRAWN, actor, reason.strip(), now)
    request.version += 1
    return de.RequestWithdrawn(request, actor, reason.strip())


def is_overdue(request: ApprovalRequest, now: dt.datetime) -> bool:
    step = request.current
    return (
        request.status is RequestStatus.PENDING
        and step is not None
        and step.due_at is not None
        and step.due_at <= now
    )


def escalate(request: ApprovalRequest, directory: Directory, now: dt.datetime) -> de.StepEscalated | None:
    """Escalates the pending step if it is overdue (None otherwise). The step's clock restarts,
    so the same breach never fires twice; at the top of the hierarchy the holders are only
    reminded."""
    if not is_overdue(request, now):
        return None
    step = request.current
    assert step is not None
    open_places = [p for p in step.assignees if not p.decided]
    previous = tuple(sorted({p.asked() for p in open_places}))
    targets: list[str] = []
    for place in open_places:
        target = escalation_target(place, request.requester_id, directory)
        if target and target not in place.actors():
            place.escalated_to_id = target
            if target not in targets:
                targets.append(target)
    step.escalation_level += 1
    sla = step.definition.sla_seconds
    step.due_at = now + dt.timedelta(seconds=sla)
    request.version += 1
    return de.StepEscalated(request, step, previous, tuple(targets), previous)
