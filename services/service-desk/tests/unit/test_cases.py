"""Cases: the status machine and history, customer replies, the satisfaction survey, auto-close
and e-mail threading."""

import datetime as dt

import pytest
from chassis.errors import FailedPrecondition, InvalidArgument
from service_desk.domain.calendars import BusinessCalendar
from service_desk.domain.cases import (
    Case,
    CaseStatus,
    ReplyEffect,
    after_customer_reply,
    changed_status,
    customer_reply_effect,
    follow_up_case,
    open_case,
)
from service_desk.domain.email_threading import thread_keys, threaded_case, title_from_subject
from service_desk.domain.satisfaction import (
    SurveyAnswer,
    SurveyDecision,
    answered_survey,
    auto_close_at,
    auto_closed,
    link_expires_at,
    survey_outcome,
)
from service_desk.testing import bkk

CREATED = bkk(2026, 4, 1, 9, 0)
RESOLVED_AT = bkk(2026, 4, 2, 15, 0)


def resolved_case() -> Case:
    case = open_case("c1", "Printer jams", "cust-1", CREATED, contract_id="ma-42", team_id="team-a")
    case = changed_status(case, CaseStatus.IN_PROGRESS, bkk(2026, 4, 1, 9, 30), "agent-1")
    return changed_status(case, CaseStatus.RESOLVED, RESOLVED_AT, "agent-1", "replaced the roller")


def test_a_case_keeps_its_history_in_order() -> None:
    case = resolved_case()
    assert case.status == CaseStatus.RESOLVED
    assert [(c.from_status, c.to_status) for c in case.history] == [
        (None, CaseStatus.NEW),
        (CaseStatus.NEW, CaseStatus.IN_PROGRESS),
        (CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED),
    ]
    assert case.resolved_at == RESOLVED_AT
    assert case.version == 3


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], CaseStatus.CLOSED),
        ([CaseStatus.IN_PROGRESS], CaseStatus.NEW),
        ([CaseStatus.RESOLVED, CaseStatus.CLOSED], CaseStatus.IN_PROGRESS),
        ([CaseStatus.WAITING_FOR_CUSTOMER], CaseStatus.CLOSED),
    ],
)
def test_transitions_the_machine_refuses(path: list[CaseStatus], refused: CaseStatus) -> None:
    case = open_case("c1", "Printer jams", "cust-1", CREATED)
    for status in path:
        case = changed_status(case, status, CREATED)
    with pytest.raises(FailedPrecondition, match=f"cannot become {refused.value}"):
        changed_status(case, refused, CREATED)


def test_a_new_case_names_its_missing_fields() -> None:
    with pytest.raises(InvalidArgument) as caught:
        open_case("c1", "  ", "", dt.datetime(2026, 4, 1, 9, 0))
    assert [v.field for v in caught.value.violations] == ["title", "customer_id", "created_at"]


def test_changes_must_come_in_time_order() -> None:
    with pytest.raises(InvalidArgument, match=r"^at:"):
        changed_status(resolved_case(), CaseStatus.IN_PROGRESS, RESOLVED_AT - dt.timedelta(minutes=1))


@pytest.mark.parametrize(
    ("path", "effect", "status_after"),
    [
        ([], ReplyEffect.APPEND, CaseStatus.NEW),
        ([CaseStatus.WAITING_FOR_CUSTOMER], ReplyEffect.RESUME, CaseStatus.IN_PROGRESS),
        ([CaseStatus.RESOLVED], ReplyEffect.REOPEN, CaseStatus.IN_PROGRESS),
        ([CaseStatus.RESOLVED, CaseStatus.CLOSED], ReplyEffect.FOLLOW_UP, CaseStatus.CLOSED),
    ],
)
def test_what_a_customer_reply_does(
    path: list[CaseStatus], effect: ReplyEffect, status_after: CaseStatus
) -> None:
    case = open_case("c1", "Printer jams", "cust-1", CREATED)
    for status in path:
        case = changed_status(case, status, CREATED)
    assert customer_reply_effect(case) == effect
    assert after_customer_reply(case, bkk(2026, 4, 3, 9, 0)).status == status_after


def test_a_reply_to_a_closed_case_opens_a_linked_follow_up() -> None:
    closed = changed_status(resolved_case(), CaseStatus.CLOSED, bkk(2026, 4, 3, 9, 0))
    follow_up = follow_up_case(closed, "c2", "", bkk(2026, 5, 1, 10, 0))
    assert (follow_up.status, follow_up.follow_up_of, follow_up.title) == (
        CaseStatus.NEW,
        "c1",
        "Printer jams",
    )
    assert (follow_up.contract_id, follow_up.team_id) == ("ma-42", "team-a")
    with pytest.raises(FailedPrecondition):
        follow_up_case(resolved_case(), "c3", "", bkk(2026, 5, 1, 10, 0))


@pytest.mark.parametrize(
    ("solved", "score", "decision", "flag", "notify"),
    [
        (True, None, SurveyDecision.CLOSE, False, False),
        (None, 5, SurveyDecision.CLOSE, False, False),
        (None, 4, SurveyDecision.CLOSE, False, False),
        (None, 3, SurveyDecision.CLOSE, True, False),
        (True, 3, SurveyDecision.CLOSE, True, False),
        (None, 2, SurveyDecision.REOPEN, False, True),
        (None, 1, SurveyDecision.REOPEN, False, True),
        (False, None, SurveyDecision.REOPEN, False, True),
        (False, 5, SurveyDecision.REOPEN, False, True),
        (True, 2, SurveyDecision.REOPEN, False, True),
    ],
)
def test_survey_outcomes(
    solved: bool | None, score: int | None, decision: SurveyDecision, flag: bool, notify: bool
) -> None:
    outcome = survey_outcome(SurveyAnswer(solved, score, RESOLVED_AT))
    assert (outcome.decision, outcome.flag_for_lead, outcome.notify_lead) == (decision, flag, notify)


@pytest.mark.parametrize(("solved", "score"), [(None, None), (None, 0), (True, 6)])
def test_a_survey_answer_needs_a_valid_score_or_answer(solved: bool | None, score: int | None) -> None:
    with pytest.raises(InvalidArgument, match=r"^score:"):
        survey_outcome(SurveyAnswer(solved, score, RESOLVED_AT))


def test_a_score_of_three_closes_and_flags_for_the_lead() -> None:
    case, _ = answered_survey(resolved_case(), SurveyAnswer(None, 3, bkk(2026, 4, 3, 10, 0)), RESOLVED_AT)
    assert case.status == CaseStatus.CLOSED
    assert case.flagged_for_lead


def test_not_solved_reopens_and_the_link_is_spent() -> None:
    case, outcome = answered_survey(
        resolved_case(), SurveyAnswer(False, None, bkk(2026, 4, 3, 10, 0)), RESOLVED_AT
    )
    assert case.status == CaseStatus.IN_PROGRESS
    assert outcome.notify_lead
    with pytest.raises(FailedPrecondition, match="no longer waiting"):
        answered_survey(case, SurveyAnswer(True, 5, bkk(2026, 4, 3, 11, 0)), RESOLVED_AT)


def test_the_link_is_valid_fourteen_days() -> None:
    assert link_expires_at(RESOLVED_AT) == bkk(2026, 4, 16, 15, 0)
    case, _ = answered_survey(resolved_case(), SurveyAnswer(True, None, bkk(2026, 4, 16, 15, 0)), RESOLVED_AT)
    assert case.status == CaseStatus.CLOSED
    with pytest.raises(FailedPrecondition, match="expired"):
        answered_survey(resolved_case(), SurveyAnswer(True, None, bkk(2026, 4, 16, 15, 1)), RESOLVED_AT)


def test_a_silent_resolved_case_closes_after_four_business_days(office: BusinessCalendar) -> None:
    # resolved Thu 2026-04-02: Fri 3, (Sat, Sun, Mon 6 holiday) Tue 7, Wed 8, Thu 9 → Thu 17:30
    case = resolved_case()
    assert auto_close_at(case, office) == bkk(2026, 4, 9, 17, 30)
    assert auto_closed(case, office, bkk(2026, 4, 9, 17, 29)) is None
    closed = auto_closed(case, office, bkk(2026, 4, 9, 17, 30))
    assert closed is not None
    assert (closed.status, closed.history[-1].actor) == (CaseStatus.CLOSED, "system")
    assert auto_close_at(case, office, business_days=1) == bkk(2026, 4, 3, 17, 30)
    reopened = after_customer_reply(case, bkk(2026, 4, 3, 9, 0))
    assert auto_close_at(reopened, office) is None


@pytest.mark.parametrize(
    ("subject", "title"),
    [
        ("Printer jams on floor 3", "Printer jams on floor 3"),
        ("Re: RE: Fwd: Printer jams", "Printer jams"),
        ("ตอบกลับ: เครื่องพิมพ์กระดาษติด", "เครื่องพิมพ์กระดาษติด"),
        ("Re[2]:  Printer\n jams", "Printer jams"),
        ("Re: ", "(no subject)"),
        ("Reboot needed", "Reboot needed"),
    ],
)
def test_the_subject_becomes_the_title(subject: str, title: str) -> None:
    assert title_from_subject(subject) == title


def test_replies_thread_by_the_nearest_known_parent() -> None:
    known = {"first@mail.customer.co.th": "c1", "agent-reply@crm.example": "c1", "other@x": "c9"}
    assert thread_keys("<b@x>", "<a@x> <b@x>") == ["b@x", "a@x"]
    assert threaded_case("<agent-reply@crm.example>", "", known) == "c1"
    assert threaded_case("<unknown@x>", "<other@x> <first@mail.customer.co.th> <unknown@x>", known) == "c1"
    assert threaded_case("", "<nothing@x>", known) is None
    assert threaded_case("first@mail.customer.co.th", "", known) == "c1"
