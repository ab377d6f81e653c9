"""The satisfaction survey sent on resolve, its outcome, and auto-close of silent cases.

The customer gets a single-purpose link valid 14 days from the resolve. Solved, or a score of
4–5, closes the case; 3 closes it and flags it for the team lead; "not solved" or 1–2 reopens
it, notifies the lead and resumes the SLA (the resolution clock runs again from the reopen).
A resolved case with no reply closes itself after N business days (default 4).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from enum import StrEnum

from chassis.errors import FailedPrecondition, InvalidArgument

from service_desk.domain.calendars import BusinessCalendar, business_days_after
from service_desk.domain.cases import Case, CaseStatus, changed_status

LINK_VALID_FOR = dt.timedelta(days=14)
DEFAULT_AUTO_CLOSE_BUSINESS_DAYS = 4


class SurveyState(StrEnum):
    """What a survey link shows: waiting, spent, too old, or overtaken by the case."""

    OPEN = "open"
    ANSWERED = "answered"
    EXPIRED = "expired"
    # The case moved on (reopened, or closed otherwise) since the link's resolve.
    SUPERSEDED = "superseded"


class SurveyDecision(StrEnum):
    CLOSE = "close"
    REOPEN = "reopen"


@dataclass(frozen=True)
class SurveyAnswer:
    """`solved` None when the customer only scored; `score` None when they only answered."""

    solved: bool | None
    score: int | None
    answered_at: dt.datetime
    comment: str = ""


@dataclass(frozen=True)
class SurveyOutcome:
    decision: SurveyDecision
    flag_for_lead: bool
    notify_lead: bool


def link_expires_at(resolved_at: dt.datetime) -> dt.datetime:
    """The survey link of a resolve is valid for 14 days."""
    return resolved_at + LINK_VALID_FOR


def token_digest(token: str) -> str:
    """What is stored of a link's token (SHA-256, hex): the database alone opens no survey."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def survey_state(case: Case, resolved_at: dt.datetime, answered: bool, now: dt.datetime) -> SurveyState:
    """The state of the link issued at `resolved_at`: an answer spends it, then it expires 14
    days after the resolve, and it is superseded once the case left that resolve."""
    if answered:
        return SurveyState.ANSWERED
    if now > link_expires_at(resolved_at):
        return SurveyState.EXPIRED
    if case.status != CaseStatus.RESOLVED or case.resolved_at != resolved_at:
        return SurveyState.SUPERSEDED
    return SurveyState.OPEN


def survey_outcome(answer: SurveyAnswer) -> SurveyOutcome:
    """The issue's rule; an unhappy signal wins over a happy one (solved but scored 2 reopens)."""
    if answer.score is not None and not 1 <= answer.score <= 5:
        raise InvalidArgument("score", "must be 1 to 5")
    if answer.solved is None and answer.score is None:
        raise InvalidArgument("score", "answer whether it is solved or give a score")
    if answer.solved is False or answer.score in (1, 2):
        return SurveyOutcome(SurveyDecision.REOPEN, flag_for_lead=False, notify_lead=True)
    if answer.score == 3:
        return SurveyOutcome(SurveyDecision.CLOSE, flag_for_lead=True, notify_lead=False)
    return SurveyOutcome(SurveyDecision.CLOSE, flag_for_lead=False, notify_lead=False)


def answered_survey(case: Case, answer: SurveyAnswer, resolved_at: dt.datetime) -> tuple[Case, SurveyOutcome]:
    """The case after the customer's answer to the link issued at `resolved_at` (the link
    carries it, so a link from an earlier resolve is refused once the case was reopened)."""
    if case.status != CaseStatus.RESOLVED or case.resolved_at != resolved_at:
        raise FailedPrecondition(f"case {case.id} is no longer waiting for this survey")
    if answer.answered_at > link_expires_at(resolved_at):
        raise FailedPrecondition("the survey link has expired (valid 14 days from the resolve)")
    outcome = survey_outcome(answer)
    score = answer.score  # this answer's; None when the customer only said whether it is solved
    if outcome.decision == SurveyDecision.REOPEN:
        reopened = changed_status(case, CaseStatus.IN_PROGRESS, answer.answered_at, "customer", "not solved")
        return replace(reopened, satisfaction_score=score), outcome
    closed = changed_status(case, CaseStatus.CLOSED, answer.answered_at, "customer", "survey")
    return replace(closed, flagged_for_lead=outcome.flag_for_lead, satisfaction_score=score), outcome


def auto_close_at(
    case: Case, calendar: BusinessCalendar, business_days: int = DEFAULT_AUTO_CLOSE_BUSINESS_DAYS
) -> dt.datetime | None:
    """When a resolved case closes itself for want of a reply: the close of the N-th business
    day after the resolve. None unless the case is resolved (a reply reopens it)."""
    if case.status != CaseStatus.RESOLVED or case.resolved_at is None:
        return None
    return business_days_after(calendar, case.resolved_at, business_days)


def auto_closed(
    case: Case,
    calendar: BusinessCalendar,
    now: dt.datetime,
    business_days: int = DEFAULT_AUTO_CLOSE_BUSINESS_DAYS,
) -> Case | None:
    """The case closed by the system when its time has come; None when it is not due."""
    due = auto_close_at(case, calendar, business_days)
    if due is None or now < due:
        return None
    return changed_status(
        case, CaseStatus.CLOSED, now, "system", f"no reply in {business_days} business days"
    )
