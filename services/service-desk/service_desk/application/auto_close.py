"""Auto-close: a resolved case nobody answered closes itself at the end of the N-th business day
after its resolve (AUTO_CLOSE_BUSINESS_DAYS, default 4) on the case's own calendar, chosen as
its SLA is (policy → team → company → 24×7, `application.sla.case_calendar`).

Each case is closed in its own transaction under its row lock, after re-reading its status: two
replicas' passes racing on one case close it once (the loser finds it closed, PostgreSQL after
waiting for the winner's commit, SQLite because writers are serialised by BEGIN IMMEDIATE) and
only the winner writes the close events (actor `system`)."""

from __future__ import annotations

import logging
from dataclasses import replace

from service_desk import events
from service_desk.adapters.survey_repository import SurveyRepository
from service_desk.application.cases import case_event
from service_desk.application.context import ServiceDeskContext
from service_desk.application.sla import case_calendar, next_check_at, read_sla
from service_desk.domain.cases import CaseStatus
from service_desk.domain.satisfaction import auto_closed

log = logging.getLogger(__name__)

SYSTEM = "system"


def close_silent_cases(ctx: ServiceDeskContext) -> int:
    """One pass over the resolved cases; returns how many this pass closed."""
    with ctx.reading() as uow:
        resolved = SurveyRepository(uow.session).resolved_case_ids()
    closed = 0
    for case_id in resolved:
        try:
            closed += auto_close_case(ctx, case_id)
        except Exception:
            log.exception("auto-close failed", extra={"case_id": case_id})
    return closed


def auto_close_case(ctx: ServiceDeskContext, case_id: str) -> bool:
    """Closes one case when its time has come; False when it is not due or no longer resolved."""
    now = ctx.clock()
    business_days = ctx.rules.auto_close_business_days
    with ctx.transaction() as uow:
        record = uow.cases.get(case_id, for_update=True)
        if record is None or record.case.status is not CaseStatus.RESOLVED:
            return False
        found = uow.policies.get(record.sla_policy_id) if record.sla_policy_id else None
        calendar = case_calendar(uow, found[0] if found else None, record.case.team_id)
        closed = auto_closed(record.case, calendar, now, business_days)
        if closed is None:
            return False
        before = record.case.version
        changed = replace(record, case=closed, updated_at=now)
        uow.cases.save(changed, before, next_check_at(uow, changed, now))
        reason = closed.history[-1].reason
        event = case_event(changed, read_sla(uow, changed, now), SYSTEM, now, reason)
        uow.emit(events.CASE_STATUS_CHANGED, event, "case", case_id)
        uow.emit(events.CASE_CLOSED, event, "case", case_id)
    return True
