"""The customer's side of the satisfaction link: what the link's page shows, and the answer.

The gateway's link pages call as `system` (admins may too). An answer spends the link once: the
case row is locked, the link re-read under that lock and marked answered by a conditional update,
so a second or racing answer finds it ANSWERED and changes nothing. Solved or 4–5 closes the
case, 3 closes and flags it for the team lead, not solved or 1–2 reopens it (its resolution
clock runs again, so its next escalation check is recomputed) and mails the lead. The case
events of the change and `case.survey_answered` (reporting) are written in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from chassis.errors import InvalidArgument, NotFound
from chassis.identity import Caller
from crm.servicedesk.v1 import events_pb2 as ev

from service_desk import events
from service_desk import translation as tr
from service_desk.adapters.repositories import CaseRecord
from service_desk.adapters.survey_repository import SurveyLink, SurveyRepository
from service_desk.application.cases import case_event
from service_desk.application.context import ServiceDeskContext, UnitOfWork
from service_desk.application.notifications import notify_team_lead
from service_desk.application.sla import next_check_at, read_sla
from service_desk.domain.cases import CaseStatus
from service_desk.domain.satisfaction import (
    SurveyAnswer,
    SurveyDecision,
    SurveyOutcome,
    SurveyState,
    answered_survey,
    survey_outcome,
    survey_state,
    token_digest,
)

MAX_COMMENT = 2_000
MAX_TOKEN = 200
CUSTOMER = "customer"


@dataclass(frozen=True)
class SurveyView:
    """What the link's page shows."""

    state: SurveyState
    case_id: str
    case_title: str
    expires_at: dt.datetime
    language: str


def _digest(token: str) -> str:
    text = token.strip()
    if not text:
        raise InvalidArgument("token", "is required")
    if len(text) > MAX_TOKEN:
        raise InvalidArgument("token", "is not a survey token")
    return token_digest(text)


def _link(surveys: SurveyRepository, digest: str) -> SurveyLink:
    link = surveys.get(digest)
    if link is None:
        raise NotFound("survey", "(this link)")  # the token is a secret: never echoed
    return link


def _case(uow: UnitOfWork, link: SurveyLink, *, for_update: bool = False) -> CaseRecord:
    record = uow.cases.get(link.case_id, for_update=for_update)
    if record is None:
        raise NotFound("survey", "(this link)")
    return record


def get_survey(ctx: ServiceDeskContext, caller: Caller, token: str) -> SurveyView:
    """The link's state, case title, expiry and language; changes nothing."""
    caller.require_role("system")
    digest = _digest(token)
    now = ctx.clock()
    with ctx.reading() as uow:
        link = _link(SurveyRepository(uow.session), digest)
        case = _case(uow, link).case
    state = survey_state(case, link.resolved_at, link.answered, now)
    return SurveyView(state, case.id, case.title, link.expires_at, link.language)


def answer_survey(
    ctx: ServiceDeskContext,
    caller: Caller,
    token: str,
    solved: bool | None,
    score: int | None,
    comment: str = "",
) -> tuple[SurveyState, CaseStatus, bool]:
    """Applies the answer when the link is open; returns the link's state afterwards (ANSWERED
    when this or an earlier answer spent it, else EXPIRED / SUPERSEDED), the case's status and
    whether this answer was the one taken."""
    caller.require_role("system")
    text = comment.strip()
    if len(text) > MAX_COMMENT:
        raise InvalidArgument("comment", f"is longer than {MAX_COMMENT} characters")
    digest = _digest(token)
    now = ctx.clock()
    answer = SurveyAnswer(solved, score, now, text)
    outcome = survey_outcome(answer)  # bad input refused before anything is read or written
    with ctx.transaction() as uow:
        surveys = SurveyRepository(uow.session)
        record = _case(uow, _link(surveys, digest), for_update=True)
        link = _link(surveys, digest)  # re-read under the case's lock: a racing answer is seen
        state = survey_state(record.case, link.resolved_at, link.answered, now)
        if state is not SurveyState.OPEN or not surveys.record_answer(digest, answer):
            spent = state if state is not SurveyState.OPEN else SurveyState.ANSWERED
            return spent, record.case.status, False
        changed = _apply(uow, record, link, answer, outcome, now)
    return SurveyState.ANSWERED, changed.case.status, True


def _apply(
    uow: UnitOfWork,
    record: CaseRecord,
    link: SurveyLink,
    answer: SurveyAnswer,
    outcome: SurveyOutcome,
    now: dt.datetime,
) -> CaseRecord:
    before = record.case.version
    case, _ = answered_survey(record.case, answer, link.resolved_at)
    changed = replace(record, case=case, updated_at=now)
    # a reopen resumes the resolution clock: its escalation check is due again
    uow.cases.save(changed, before, next_check_at(uow, changed, now))
    sla = read_sla(uow, changed, now)
    reason = _reason(answer)
    event = case_event(changed, sla, CUSTOMER, now, reason)
    uow.emit(events.CASE_STATUS_CHANGED, event, "case", case.id)
    reopened = outcome.decision is SurveyDecision.REOPEN
    uow.emit(events.CASE_REOPENED if reopened else events.CASE_CLOSED, event, "case", case.id)
    uow.emit(events.CASE_SURVEY_ANSWERED, survey_event(changed, link, answer, outcome), "case", case.id)
    if outcome.notify_lead:
        notify_team_lead(uow, case, reason, "survey_unhappy")
    elif outcome.flag_for_lead:
        notify_team_lead(uow, case, reason, "survey_flagged")
    return changed


def _reason(answer: SurveyAnswer) -> str:
    parts = []
    if answer.solved is not None:
        parts.append("solved" if answer.solved else "not solved")
    if answer.score is not None:
        parts.append(f"score {answer.score}")
    if answer.comment:
        parts.append(answer.comment)
    return "survey: " + "; ".join(parts)


def survey_event(
    record: CaseRecord, link: SurveyLink, answer: SurveyAnswer, outcome: SurveyOutcome
) -> ev.CaseSurveyAnswered:
    """The answer with what a satisfaction report groups by (team, assignee, customer, policy)."""
    case = record.case
    message = ev.CaseSurveyAnswered(
        case_id=case.id,
        version=case.version,
        score=answer.score or 0,
        comment=answer.comment,
        team_id=case.team_id,
        assignee_id=case.assignee_id,
        customer_id=case.customer_id,
        sla_policy_id=record.sla_policy_id,
        occur_time=tr.timestamp(answer.answered_at),
        resolve_time=tr.timestamp(link.resolved_at),
        reopened=outcome.decision is SurveyDecision.REOPEN,
        flagged_for_lead=outcome.flag_for_lead,
    )
    if answer.solved is not None:
        message.solved = answer.solved
    return message
