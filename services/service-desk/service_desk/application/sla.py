"""A case's SLA as read now: its policy, its calendar (policy → team → company → 24×7), both
clocks, and when the escalation scheduler must look at the case next."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from chassis.errors import InvalidArgument

from service_desk.adapters.calendar_settings import company_calendar, team_calendar
from service_desk.adapters.repositories import CaseRecord
from service_desk.application.context import UnitOfWork
from service_desk.domain.calendars import TWENTY_FOUR_SEVEN, BusinessCalendar
from service_desk.domain.escalation import EscalationCheck, escalations_due
from service_desk.domain.sla_clocks import CaseClocks, case_clocks
from service_desk.domain.sla_policies import SlaPolicy


@dataclass(frozen=True)
class CaseSla:
    policy: SlaPolicy
    calendar: BusinessCalendar
    clocks: CaseClocks


def read_sla(uow: UnitOfWork, record: CaseRecord, now: dt.datetime) -> CaseSla | None:
    """None when the case has no policy or the policy has no target for its priority."""
    if not record.sla_policy_id:
        return None
    found = uow.policies.get(record.sla_policy_id)
    if found is None:
        return None
    policy = found[0]
    calendar = case_calendar(uow, policy, record.case.team_id)
    try:
        clocks = case_clocks(record.case, policy, calendar, now)
    except InvalidArgument:  # no target for this priority: no SLA
        return None
    return CaseSla(policy, calendar, clocks)


def case_calendar(uow: UnitOfWork, policy: SlaPolicy | None, team_id: str) -> BusinessCalendar:
    """The calendar a case's clocks run on: the policy's, else its team's, else the company's,
    else 24x7 (a calendar id naming no stored calendar is passed over)."""
    candidates: tuple[Callable[[], str], ...] = (
        lambda: policy.calendar_id if policy is not None else "",
        lambda: team_calendar(uow.session, team_id),
        lambda: company_calendar(uow.session),
    )
    for candidate in candidates:
        calendar_id = candidate()
        if calendar_id:
            stored = uow.calendars.get(calendar_id)
            if stored is not None:
                return stored[0]
    return TWENTY_FOUR_SEVEN


def escalation_checks(uow: UnitOfWork, record: CaseRecord, sla: CaseSla) -> list[EscalationCheck]:
    fired = uow.cases.fired(record.case.id)
    return [
        escalations_due(record.case.id, clock, sla.policy, fired[clock.kind])
        for clock in (sla.clocks.first_response, sla.clocks.resolution)
    ]


def next_check_at(uow: UnitOfWork, record: CaseRecord, now: dt.datetime) -> dt.datetime | None:
    """Now when a level is due unfired, else the next level's instant while a clock runs, else
    None (a paused or stopped clock waits for the next status change)."""
    sla = read_sla(uow, record, now)
    if sla is None:
        return None
    checks = escalation_checks(uow, record, sla)
    if any(check.fire for check in checks):
        return now
    return min((c.next_check_at for c in checks if c.next_check_at is not None), default=None)
