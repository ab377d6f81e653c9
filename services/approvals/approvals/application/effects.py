"""What a use case does with the domain's events, inside its transaction: the audit trail,
the outbox event on crm.approvals.request.*, the mail, and the business metrics."""

from __future__ import annotations

from approvals import translation as tr
from approvals.adapters.audit import Origin
from approvals.application import notifications as notify
from approvals.application.context import ApprovalsContext, UnitOfWork
from approvals.domain import events as de
from approvals.domain.model import SYSTEM
from approvals.metrics import DECISIONS, ESCALATIONS

SUBJECT = "crm.approvals.request."
CREATED = SUBJECT + "created"
STEP_APPROVED = SUBJECT + "step_approved"
APPROVED = SUBJECT + "approved"
REJECTED = SUBJECT + "rejected"
WITHDRAWN = SUBJECT + "withdrawn"
ESCALATED = SUBJECT + "escalated"
SUBJECTS = (CREATED, STEP_APPROVED, APPROVED, REJECTED, WITHDRAWN, ESCALATED)


def apply_effects(
    ctx: ApprovalsContext, uow: UnitOfWork, events: list[de.DomainEvent], origin: Origin
) -> list[tuple[str, str]]:
    """Applies every event; returns the (request type, decision) pairs to count after commit."""
    now = ctx.clock()
    decided: list[tuple[str, str]] = []
    for event in events:
        r = event.request
        match event:
            case de.RequestOpened():
                uow.audit.add(r.id, "created", r.requester_id, origin, now, details=r.snapshot.title)
                uow.emit(
                    CREATED,
                    tr.event_message(
                        r, "pending", approver_ids=r.waiting_for(), decided_by=r.requester_id, now=now
                    ),
                    r.id,
                )
            case de.StepActivated(step=step, fell_back=fell_back):
                for place in step.assignees:
                    details = (
                        f"delegated by {place.approver_id} to {place.delegate_id}"
                        if place.delegate_id
                        else ""
                    )
                    uow.audit.add(
                        r.id,
                        "assigned",
                        place.asked(),
                        Origin("system"),
                        now,
                        on_behalf_of=place.approver_id if place.delegate_id else "",
                        step_index=step.index,
                        details=details or ("no approver named: the admins decide" if fell_back else ""),
                    )
                asked = [p.asked() for p in step.assignees]
                notify.ask_to_decide(ctx, uow, r, step.index, asked, notify.ASSIGNED, now)
            case de.StepApproved(step=step, actor=actor, on_behalf_of=behalf, comment=comment):
                uow.audit.add(
                    r.id,
                    "step_approved",
                    actor,
                    origin,
                    now,
                    on_behalf_of=behalf,
                    step_index=step.index,
                    reason=comment,
                )
                uow.emit(
                    STEP_APPROVED,
                    tr.event_message(
                        r,
                        "step_approved",
                        reason=comment,
                        decided_by=actor,
                        on_behalf_of=behalf,
                        step_index=step.index,
                        step_name=step.name,
                        approver_ids=r.waiting_for(),
                        now=now,
                    ),
                    r.id,
                )
            case de.RequestApproved(actor=actor, comment=comment, automatic=automatic):
                uow.audit.add(
                    r.id, "auto_approved" if automatic else "approved", actor, origin, now, reason=comment
                )
                uow.emit(
                    APPROVED,
                    tr.event_message(
                        r, "approved", reason=comment, decided_by=actor, auto_approved=automatic, now=now
                    ),
                    r.id,
                )
                notify.tell_requester(ctx, uow, r, actor, comment, automatic)
                decided.append((r.request_type.value, "approved"))
            case de.RequestRejected(step=step, actor=actor, on_behalf_of=behalf, reason=reason):
                uow.audit.add(
                    r.id,
                    "rejected",
                    actor,
                    origin,
                    now,
                    on_behalf_of=behalf,
                    step_index=step.index,
                    reason=reason,
                )
                uow.emit(
                    REJECTED,
                    tr.event_message(
                        r,
                        "rejected",
                        reason=reason,
                        decided_by=actor,
                        on_behalf_of=behalf,
                        step_index=step.index,
                        step_name=step.name,
                        now=now,
                    ),
                    r.id,
                )
                notify.tell_requester(ctx, uow, r, actor, reason, False)
                decided.append((r.request_type.value, "rejected"))
            case de.RequestWithdrawn(actor=actor, reason=reason):
                uow.audit.add(r.id, "withdrawn", actor, origin, now, reason=reason)
                uow.emit(
                    WITHDRAWN,
                    tr.event_message(r, "withdrawn", reason=reason, decided_by=actor, now=now),
                    r.id,
                )
                decided.append((r.request_type.value, "withdrawn"))
            case de.StepEscalated(step=step, previous=previous, targets=targets, reminded=reminded):
                uow.audit.add(
                    r.id,
                    "escalated",
                    SYSTEM,
                    Origin("system"),
                    now,
                    step_index=step.index,
                    details=f"from {', '.join(previous)} to {', '.join(targets) or 'nobody above'}",
                )
                for user_id in reminded:
                    uow.audit.add(r.id, "reminded", user_id, Origin("system"), now, step_index=step.index)
                uow.emit(
                    ESCALATED,
                    tr.event_message(
                        r,
                        "escalated",
                        decided_by=SYSTEM,
                        step_index=step.index,
                        step_name=step.name,
                        approver_ids=list(targets),
                        previous_approver_ids=previous,
                        now=now,
                    ),
                    r.id,
                )
                notify.ask_to_decide(
                    ctx,
                    uow,
                    r,
                    step.index,
                    targets,
                    notify.ESCALATED,
                    now,
                    {"escalation_level": step.escalation_level},
                )
                notify.ask_to_decide(
                    ctx,
                    uow,
                    r,
                    step.index,
                    reminded,
                    notify.REMINDER,
                    now,
                    {"escalated_to": ", ".join(targets)},
                )
                decided.append((r.request_type.value, "escalated"))
    return decided


def count_decisions(decided: list[tuple[str, str]]) -> None:
    """After the commit: a rolled-back decision is not counted."""
    for request_type, decision in decided:
        if decision == "escalated":
            ESCALATIONS.inc()
        else:
            DECISIONS.labels(request_type, decision).inc()
