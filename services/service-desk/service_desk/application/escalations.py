"""The SLA scheduler's pass: every case whose next check is due is re-read under its row lock,
its clocks computed, and each reached level claimed by a conditional insert (primary key case,
clock, level) before its event is written. Two schedulers racing on one case therefore fire a
level once: the loser's insert does nothing (PostgreSQL waits for the winner's commit; SQLite
serialises writers with BEGIN IMMEDIATE), and it publishes nothing. The level's notice mail
(assignee, team lead) is queued in the same transaction under a key of case, clock, level and
recipient, so it is mailed once too (application/notifications.py)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

from crm.servicedesk.v1 import events_pb2 as ev
from crm.servicedesk.v1 import resources_pb2 as res

from service_desk import events
from service_desk import translation as tr
from service_desk.application.context import ServiceDeskContext, UnitOfWork
from service_desk.application.notifications import notify_escalation, reassign_target
from service_desk.application.sla import CaseSla, escalation_checks, next_check_at, read_sla
from service_desk.domain.cases import Case
from service_desk.domain.escalation import Escalation, EscalationLevel, apply_escalation
from service_desk.domain.sla_clocks import ClockKind
from service_desk.domain.sla_policies import EscalationActionKind

log = logging.getLogger(__name__)

SUBJECTS = {
    EscalationLevel.WARNING: events.CASE_SLA_WARNING,
    EscalationLevel.BREACH: events.CASE_SLA_BREACHED,
}


def check_escalations(ctx: ServiceDeskContext) -> int:
    """One pass over the cases due for a check; returns how many levels this pass fired."""
    now = ctx.clock()
    with ctx.reading() as uow:
        due = uow.cases.due_for_check(now, ctx.rules.escalation_batch_size)
    fired = 0
    for case_id in due:
        try:
            fired += escalate_case(ctx, case_id)
        except Exception:
            log.exception("escalation check failed", extra={"case_id": case_id})
    return fired


def escalate_case(ctx: ServiceDeskContext, case_id: str) -> int:
    """Fires what is due for one case in one transaction and sets its next check."""
    now = ctx.clock()
    fired = 0
    with ctx.transaction() as uow:
        record = uow.cases.get(case_id, for_update=True)
        if record is None:
            return 0
        before = record.case.version
        sla = read_sla(uow, record, now)
        if sla is not None:
            for check in escalation_checks(uow, record, sla):
                for escalation in check.fire:
                    if not uow.cases.claim_escalation(
                        case_id, escalation.clock, escalation.level, escalation.at, now
                    ):
                        continue
                    escalation = with_reassign_targets(uow, record.case, escalation)
                    record = replace(record, case=apply_escalation(record.case, escalation))
                    notify_escalation(uow, record.case, escalation, due_at(sla, escalation))
                    uow.emit(
                        SUBJECTS[escalation.level],
                        sla_event(record.case, sla, escalation, now),
                        "case",
                        case_id,
                    )
                    fired += 1
        following = next_check_at(uow, record, now)
        if record.case.version != before:
            uow.cases.save(replace(record, updated_at=now), before, following)
        else:
            uow.cases.set_next_check(case_id, following)
    return fired


def with_reassign_targets(uow: UnitOfWork, case: Case, escalation: Escalation) -> Escalation:
    """The escalation with each REASSIGN naming a user (a named team's lead, or the case's own
    team lead when the policy names nobody); see notifications.reassign_target."""
    actions = tuple(
        replace(a, reassign_to=reassign_target(uow, case, a.reassign_to))
        if a.kind == EscalationActionKind.REASSIGN
        else a
        for a in escalation.actions
    )
    return replace(escalation, actions=actions)


def due_at(sla: CaseSla, escalation: Escalation) -> dt.datetime | None:
    clock = (
        sla.clocks.first_response if escalation.clock is ClockKind.FIRST_RESPONSE else sla.clocks.resolution
    )
    return clock.due_at


def sla_event(case: Case, sla: CaseSla, escalation: Escalation, now: dt.datetime) -> ev.CaseSlaEvent:
    """The event of one fired level, carrying what a notifier or a report needs."""
    clock = (
        sla.clocks.first_response if escalation.clock is ClockKind.FIRST_RESPONSE else sla.clocks.resolution
    )
    return ev.CaseSlaEvent(
        case_id=case.id,
        version=case.version,
        clock=tr.enum_value(res.ClockKind, "CLOCK_KIND_", escalation.clock),
        level=escalation.level.value,
        reached_time=tr.timestamp(escalation.at),
        actions=[tr.action_message(a) for a in escalation.actions],
        customer_id=case.customer_id,
        team_id=case.team_id,
        assignee_id=case.assignee_id,
        priority=tr.priority_value(case.priority),
        sla_policy_id=sla.policy.id,
        target_minutes=clock.target_minutes,
        occur_time=tr.timestamp(now),
    )
