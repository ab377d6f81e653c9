"""The satisfaction link end to end over real gRPC, a real SMTP server (aiosmtpd), SQLite and
PostgreSQL: a resolve mails one link, the link's answer closes, flags or reopens the case once,
it expires after 14 days and an earlier resolve's link is superseded; events on a real NATS."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from chassis.directory import DirectoryTeam, DirectoryUser
from chassis.identity import Caller
from chassis.mail.testing import ReceivedMail, SmtpSink
from chassis.testing import NatsServer
from crm.servicedesk.v1 import events_pb2 as ev
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from service_desk.testing import (
    ADMIN,
    AGENT,
    ServiceDeskUnderTest,
    bangkok_instant,
    bkk,
    change_status,
    mail_to,
    office_policy,
    read_stream,
    rpc_failure,
    running_service_desk,
)

GATEWAY = Caller.system("gateway")
REQUESTER = "somchai@customer.co.th"
LEAD = "lead@siamsupply.example"
RESOLVED_AT = bkk(2026, 4, 2, 15, 0)  # a Thursday


@pytest.fixture
def desk(database_url: str, sink: SmtpSink, tmp_path: Path) -> Iterator[ServiceDeskUnderTest]:
    with running_service_desk(database_url, None, tmp_path, **mail_to(sink)) as running:
        yield running


@pytest.fixture
def desk_with_events(
    database_url: str, nats_server: NatsServer, sink: SmtpSink, tmp_path: Path
) -> Iterator[ServiceDeskUnderTest]:
    with running_service_desk(database_url, nats_server.url, tmp_path, **mail_to(sink)) as running:
        yield running


def _resolved_case(desk: ServiceDeskUnderTest, requester: str = REQUESTER) -> res.Case:
    """An office-hours case opened Wed 2026-04-01 09:00, answered 09:15, resolved Thu 15:00."""
    office_policy(desk)
    desk.clock.set(bkk(2026, 4, 1, 9, 0))
    request = pb.CreateCaseRequest(
        title="Printer jams",
        customer_id="cus_1",
        team_id="support-north",
        requester_email=requester,
        requester_name="Somchai Jaidee",
    )
    case = desk.call("CreateCase", request, AGENT).case
    desk.clock.set(bkk(2026, 4, 1, 9, 15))
    desk.call("AddCaseReply", pb.AddCaseReplyRequest(case_id=case.id, body="We are on it"), AGENT)
    change_status(desk, case.id, res.CASE_STATUS_IN_PROGRESS, bkk(2026, 4, 1, 9, 30))
    return change_status(desk, case.id, res.CASE_STATUS_RESOLVED, RESOLVED_AT)


def _links(sink: SmtpSink, count: int = 1) -> list[ReceivedMail]:
    return sink.wait_for(lambda m: REQUESTER in m.recipients and "/service/survey/" in m.body(), count)


def _token(mail: ReceivedMail) -> str:
    found = re.search(r"/service/survey/([A-Za-z0-9_-]+)", mail.body())
    assert found is not None
    return found.group(1)


def _answer(
    desk: ServiceDeskUnderTest, token: str, *, score: int = 0, solved: int = 0, comment: str = ""
) -> pb.AnswerSurveyResponse:
    request = pb.AnswerSurveyRequest(token=token, score=score, solved=solved, comment=comment)
    return desk.call("AnswerSurvey", request, GATEWAY)


def _case(desk: ServiceDeskUnderTest, case_id: str) -> res.Case:
    return desk.call("GetCase", pb.GetCaseRequest(id=case_id), AGENT).case


def test_a_resolve_mails_one_link_and_a_score_of_five_closes_the_case(
    desk_with_events: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    desk = desk_with_events
    case = _resolved_case(desk)

    [mail] = _links(sink)
    token = _token(mail)
    assert len(token) == 32  # 24 random bytes, URL-safe base64
    assert "Printer jams" in mail.subject
    assert f"http://127.0.0.1:8080/service/survey/{token}" in mail.body()
    assert desk.count("survey_links", f"case_id = '{case.id}'") == 1
    assert desk.count("survey_links", f"token_sha256 = '{token}'") == 0  # only its digest

    desk.clock.set(bkk(2026, 4, 3, 10, 0))
    shown = desk.call("GetSurvey", pb.GetSurveyRequest(token=token), GATEWAY)
    assert (shown.state, shown.case_id, shown.case_title, shown.language) == (
        pb.SURVEY_STATE_OPEN,
        case.id,
        "Printer jams",
        "th",
    )
    assert shown.expire_time.ToDatetime(tzinfo=dt.UTC) == RESOLVED_AT + dt.timedelta(days=14)

    answered = _answer(desk, token, score=5, comment="เร็วมาก ขอบคุณครับ")

    assert (answered.state, answered.case_status) == (pb.SURVEY_STATE_ANSWERED, res.CASE_STATUS_CLOSED)
    closed = _case(desk, case.id)
    assert (closed.status, closed.satisfaction_score, closed.flagged_for_lead) == (
        res.CASE_STATUS_CLOSED,
        5,
        False,
    )
    assert closed.history[-1].actor == "customer"
    [survey] = [
        ev.CaseSurveyAnswered.FromString(m.data)
        for m in read_stream(desk.settings.nats_url, "crm.servicedesk.case.survey_answered")
    ]
    assert (survey.case_id, survey.score, survey.comment, survey.team_id) == (
        case.id,
        5,
        "เร็วมาก ขอบคุณครับ",
        "support-north",
    )
    assert not survey.HasField("solved")
    assert (survey.reopened, survey.flagged_for_lead, survey.version) == (False, False, closed.version)
    [close] = read_stream(desk.settings.nats_url, "crm.servicedesk.case.closed")
    assert ev.CaseEvent.FromString(close.data).actor == "customer"
    assert desk.outbox_subjects().count("crm.servicedesk.case.status_changed") == 3


def test_a_score_of_three_closes_and_flags_the_case_for_the_lead(
    desk: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    case = _resolved_case(desk)
    desk.clock.set(bkk(2026, 4, 3, 10, 0))

    answered = _answer(desk, _token(_links(sink)[0]), score=3, solved=pb.SURVEY_SOLVED_YES)

    assert answered.case_status == res.CASE_STATUS_CLOSED
    flagged = _case(desk, case.id)
    assert (flagged.satisfaction_score, flagged.flagged_for_lead) == (3, True)


def test_not_solved_reopens_the_case_resumes_its_resolution_clock_and_mails_the_lead(
    desk: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    with desk.service.context.transaction() as uow:
        uow.directory.upsert_user(DirectoryUser("u-lead", LEAD, "Lead North", "en", version=1))
        uow.directory.upsert_team(DirectoryTeam("support-north", "Support North", "u-lead", version=1))
    case = _resolved_case(desk)
    resolved = _case(desk, case.id)
    assert resolved.resolution.state == res.CLOCK_STATE_FULFILLED
    assert desk.count("cases", "next_check_at IS NOT NULL") == 0

    desk.clock.set(bkk(2026, 4, 3, 10, 0))
    answered = _answer(desk, _token(_links(sink)[0]), solved=pb.SURVEY_SOLVED_NO, score=2)

    assert (answered.state, answered.case_status) == (pb.SURVEY_STATE_ANSWERED, res.CASE_STATUS_IN_PROGRESS)
    reopened = _case(desk, case.id)
    assert reopened.status == res.CASE_STATUS_IN_PROGRESS
    assert reopened.satisfaction_score == 2
    assert reopened.resolution.state == res.CLOCK_STATE_RUNNING
    assert reopened.resolution.HasField("due_time")
    assert desk.count("cases", "next_check_at IS NOT NULL") == 1  # the scheduler looks again
    [notice] = sink.wait_for(lambda m: LEAD in m.recipients)
    assert "Printer jams" in notice.subject
    assert desk.outbox_subjects()[-3:] == [
        "crm.servicedesk.case.status_changed",
        "crm.servicedesk.case.reopened",
        "crm.servicedesk.case.survey_answered",
    ]


def test_a_second_answer_changes_nothing(desk: ServiceDeskUnderTest, sink: SmtpSink) -> None:
    case = _resolved_case(desk)
    token = _token(_links(sink)[0])
    desk.clock.set(bkk(2026, 4, 3, 10, 0))
    first = _answer(desk, token, score=4)
    after_first = _case(desk, case.id)
    events_before = desk.outbox_subjects()

    desk.clock.set(bkk(2026, 4, 3, 11, 0))
    again = _answer(desk, token, solved=pb.SURVEY_SOLVED_NO)

    assert (again.state, again.case_status) == (pb.SURVEY_STATE_ANSWERED, res.CASE_STATUS_CLOSED)
    assert (first.applied, again.applied) == (True, False)
    assert _case(desk, case.id) == after_first
    assert desk.outbox_subjects() == events_before
    shown = desk.call("GetSurvey", pb.GetSurveyRequest(token=token), GATEWAY)
    assert shown.state == pb.SURVEY_STATE_ANSWERED


def test_the_link_has_expired_fifteen_days_after_the_resolve(
    desk: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    case = _resolved_case(desk)
    token = _token(_links(sink)[0])
    desk.clock.set(RESOLVED_AT + dt.timedelta(days=15))

    assert desk.call("GetSurvey", pb.GetSurveyRequest(token=token), GATEWAY).state == pb.SURVEY_STATE_EXPIRED
    late = _answer(desk, token, score=5)

    assert (late.state, late.case_status) == (pb.SURVEY_STATE_EXPIRED, res.CASE_STATUS_RESOLVED)
    assert _case(desk, case.id).status == res.CASE_STATUS_RESOLVED
    assert desk.count("survey_links", "answered_at IS NOT NULL") == 0


def test_the_link_of_an_earlier_resolve_is_superseded_after_a_reopen(
    desk: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    case = _resolved_case(desk)
    first = _token(_links(sink)[0])
    change_status(desk, case.id, res.CASE_STATUS_IN_PROGRESS, bkk(2026, 4, 3, 9, 0))
    change_status(desk, case.id, res.CASE_STATUS_RESOLVED, bkk(2026, 4, 3, 14, 0))
    second = _token(_links(sink, count=2)[1])
    assert second != first

    stale = _answer(desk, first, solved=pb.SURVEY_SOLVED_NO)

    assert (stale.state, stale.case_status) == (pb.SURVEY_STATE_SUPERSEDED, res.CASE_STATUS_RESOLVED)
    shown = desk.call("GetSurvey", pb.GetSurveyRequest(token=second), GATEWAY)
    assert shown.state == pb.SURVEY_STATE_OPEN
    assert _answer(desk, second, score=5).case_status == res.CASE_STATUS_CLOSED


def test_a_bad_score_is_refused_naming_score_and_nothing_is_written(
    desk: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    case = _resolved_case(desk)
    token = _token(_links(sink)[0])
    before = desk.outbox_subjects()

    for score, solved in ((6, 0), (-1, pb.SURVEY_SOLVED_YES), (0, 0)):
        failure = rpc_failure(lambda s=score, v=solved: _answer(desk, token, score=s, solved=v))  # type: ignore[misc]
        assert failure.code == grpc.StatusCode.INVALID_ARGUMENT
        assert "score" in failure.fields

    assert _case(desk, case.id).status == res.CASE_STATUS_RESOLVED
    assert desk.outbox_subjects() == before
    assert desk.count("survey_links", "answered_at IS NOT NULL") == 0


def test_only_the_system_or_an_admin_opens_a_link_and_unknown_tokens_are_not_found(
    desk: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    _resolved_case(desk)
    token = _token(_links(sink)[0])

    denied = rpc_failure(lambda: desk.call("GetSurvey", pb.GetSurveyRequest(token=token), AGENT))
    assert denied.code == grpc.StatusCode.PERMISSION_DENIED
    unknown = rpc_failure(lambda: desk.call("GetSurvey", pb.GetSurveyRequest(token="x" * 32), GATEWAY))
    assert unknown.code == grpc.StatusCode.NOT_FOUND
    assert token not in unknown.message
    empty = rpc_failure(lambda: desk.call("AnswerSurvey", pb.AnswerSurveyRequest(score=5), ADMIN))
    assert (empty.code, list(empty.fields)) == (grpc.StatusCode.INVALID_ARGUMENT, ["token"])
    assert desk.call("GetSurvey", pb.GetSurveyRequest(token=token), ADMIN).state == pb.SURVEY_STATE_OPEN


def test_without_a_requester_e_mail_the_link_is_made_but_not_mailed(desk: ServiceDeskUnderTest) -> None:
    case = _resolved_case(desk, requester="")

    assert desk.count("survey_links", f"case_id = '{case.id}'") == 1
    assert desk.count("mail_outbox") == 0  # nor the agent's reply: nobody to mail
    assert bangkok_instant(case.resolution.fulfilled_time) == RESOLVED_AT
