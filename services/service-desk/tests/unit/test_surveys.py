"""The satisfaction link's state (open, answered, expired, superseded), what is stored of its
token, and the score kept on the case."""

import datetime as dt

from service_desk.domain.cases import Case, CaseStatus, changed_status, open_case
from service_desk.domain.satisfaction import (
    SurveyAnswer,
    SurveyState,
    answered_survey,
    survey_state,
    token_digest,
)
from service_desk.testing import bkk

RESOLVED_AT = bkk(2026, 4, 2, 15, 0)


def resolved_case(at: dt.datetime = RESOLVED_AT) -> Case:
    case = open_case("c1", "Printer jams", "cust-1", bkk(2026, 4, 1, 9, 0), team_id="team-a")
    case = changed_status(case, CaseStatus.IN_PROGRESS, bkk(2026, 4, 1, 9, 30), "agent-1")
    return changed_status(case, CaseStatus.RESOLVED, at, "agent-1")


def test_a_fresh_link_is_open_until_fourteen_days_after_the_resolve() -> None:
    case = resolved_case()
    assert survey_state(case, RESOLVED_AT, False, bkk(2026, 4, 16, 15, 0)) is SurveyState.OPEN
    assert survey_state(case, RESOLVED_AT, False, bkk(2026, 4, 16, 15, 1)) is SurveyState.EXPIRED


def test_an_answered_link_stays_answered() -> None:
    case = resolved_case()
    assert survey_state(case, RESOLVED_AT, True, bkk(2026, 4, 3, 9, 0)) is SurveyState.ANSWERED
    assert survey_state(case, RESOLVED_AT, True, bkk(2026, 6, 1, 9, 0)) is SurveyState.ANSWERED


def test_the_link_of_an_earlier_resolve_is_superseded() -> None:
    reopened = changed_status(resolved_case(), CaseStatus.IN_PROGRESS, bkk(2026, 4, 3, 9, 0), "customer")
    now = bkk(2026, 4, 3, 10, 0)
    assert survey_state(reopened, RESOLVED_AT, False, now) is SurveyState.SUPERSEDED
    again = changed_status(reopened, CaseStatus.RESOLVED, now, "agent-1")
    assert survey_state(again, RESOLVED_AT, False, now) is SurveyState.SUPERSEDED
    assert survey_state(again, now, False, now) is SurveyState.OPEN
    closed = changed_status(resolved_case(), CaseStatus.CLOSED, now, "system")
    assert survey_state(closed, RESOLVED_AT, False, now) is SurveyState.SUPERSEDED


def test_only_the_tokens_sha256_is_stored() -> None:
    digest = token_digest("abc")
    assert digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert token_digest("abd") != digest


def test_the_answers_score_is_kept_on_the_case() -> None:
    closed, _ = answered_survey(resolved_case(), SurveyAnswer(None, 4, bkk(2026, 4, 3, 9, 0)), RESOLVED_AT)
    assert (closed.status, closed.satisfaction_score) == (CaseStatus.CLOSED, 4)
    reopened, _ = answered_survey(resolved_case(), SurveyAnswer(None, 2, bkk(2026, 4, 3, 9, 0)), RESOLVED_AT)
    assert (reopened.status, reopened.satisfaction_score) == (CaseStatus.IN_PROGRESS, 2)
    only_solved, _ = answered_survey(
        resolved_case(), SurveyAnswer(True, None, bkk(2026, 4, 3, 9, 0)), RESOLVED_AT
    )
    assert only_solved.satisfaction_score is None
