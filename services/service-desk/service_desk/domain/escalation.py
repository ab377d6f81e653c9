"""Escalation: a warning at a share of the target and a breach at the target, each fired once.

A pure decision for the scheduler: given a clock read now and the levels already fired for it,
what fires now and when to look again. A paused or fulfilled clock needs no timed check (its
next status change is the moment to recompute). When the scheduler was away past both
thresholds, both fire, warning first, so reports see both events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from service_desk.domain.cases import Case, raised
from service_desk.domain.sla_clocks import ClockKind, ClockState, SlaClock
from service_desk.domain.sla_policies import EscalationAction, EscalationActionKind, SlaPolicy


class EscalationLevel(StrEnum):
    """Named as the events: crm.servicedesk.case.sla_warning / .sla_breached."""

    WARNING = "sla_warning"
    BREACH = "sla_breached"


@dataclass(frozen=True)
class Escalation:
    case_id: str
    clock: ClockKind
    level: EscalationLevel
    at: dt.datetime
    actions: tuple[EscalationAction, ...]

    @property
    def key(self) -> str:
        """Idempotency key: one firing per case, clock and level, ever."""
        return f"{self.case_id}:{self.clock.value}:{self.level.value}"


@dataclass(frozen=True)
class EscalationCheck:
    fire: tuple[Escalation, ...]
    next_check_at: dt.datetime | None


def escalations_due(
    case_id: str,
    clock: SlaClock,
    policy: SlaPolicy,
    fired: frozenset[EscalationLevel],
) -> EscalationCheck:
    """What fires for this clock now (levels reached and not in `fired`) and when the next
    unfired level falls due while the clock runs."""
    fire: list[Escalation] = []
    pending: list[dt.datetime] = []
    for level, reached, at, actions in (
        (EscalationLevel.WARNING, clock.warned, clock.warning_at, policy.warning_actions),
        (EscalationLevel.BREACH, clock.breached, clock.due_at, policy.breach_actions),
    ):
        if level in fired or at is None:
            continue
        if reached:
            fire.append(Escalation(case_id, clock.kind, level, at, actions))
        elif clock.state == ClockState.RUNNING:
            pending.append(at)
    return EscalationCheck(tuple(fire), min(pending, default=None))


def apply_escalation(case: Case, escalation: Escalation) -> Case:
    """The case after the escalation's case-changing actions (raise priority, reassign); the
    notifications are the edge's to send. A raised priority gives a new target, and the clocks
    are recomputed from creation under it."""
    priority, assignee = case.priority, case.assignee_id
    for action in escalation.actions:
        if action.kind == EscalationActionKind.RAISE_PRIORITY:
            priority = raised(priority)
        elif action.kind == EscalationActionKind.REASSIGN:
            assignee = action.reassign_to
    if (priority, assignee) == (case.priority, case.assignee_id):
        return case
    return replace(case, priority=priority, assignee_id=assignee, version=case.version + 1)
