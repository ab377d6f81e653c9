"""GET/POST /service/survey/<token>: the page behind the satisfaction link of the mail a
customer gets when their case is resolved, without logging in (the signed, single-purpose
token is the credential), in the survey's language (th/en).

GET only shows the case and the form (mail scanners and link previews fetch links; a GET must
never answer). POST answers through ServiceDeskService.AnswerSurvey, once: solved (yes/no), a
score 1–5 and a comment. An answered (409), expired or superseded (410) or unknown (404) link
changes nothing and the page says why. As with the approval links, there is no session or
cookie to ride on, forms post only to this origin, the token never leaves in a Referer header,
the page cannot be framed and nothing is cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import grpc
from chassis.grpc import from_rpc_error
from chassis.identity import Caller, reset_caller, set_caller
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from flask import Blueprint, Response, render_template, request

from gateway.api.approval_links import POSTS_PER_WINDOW
from gateway.api.service_desk import service_desk
from gateway.context import client_ip, services
from gateway.ratelimit import Limit

blueprint = Blueprint("survey_links", __name__)
LINK_CALLER = Caller.system("survey-links")
SCORES = ("1", "2", "3", "4", "5")
# A link that cannot be answered any more: the page's status and the text key saying why.
CLOSED_STATES = {
    pb.SURVEY_STATE_ANSWERED: (409, "answered"),
    pb.SURVEY_STATE_EXPIRED: (410, "expired"),
    pb.SURVEY_STATE_SUPERSEDED: (410, "superseded"),
}

TEXT = {
    "th": {
        "title": "แบบสอบถามความพึงพอใจ",
        "case": "เรื่อง",
        "solved": "ปัญหาของท่านได้รับการแก้ไขแล้วหรือไม่",
        "yes": "แก้ไขแล้ว",
        "no": "ยังไม่ได้แก้ไข",
        "score": "ความพึงพอใจต่อบริการ (1 = น้อยที่สุด, 5 = มากที่สุด)",
        "comment": "ความคิดเห็นเพิ่มเติม",
        "send": "ส่งคำตอบ",
        "missing": "กรุณาตอบว่าแก้ไขแล้วหรือไม่ หรือให้คะแนน",
        "done_closed": "ขอบคุณสำหรับคำตอบ เรื่องนี้ปิดเรียบร้อยแล้ว",
        "done_reopened": "ขอบคุณสำหรับคำตอบ เราได้เปิดเรื่องนี้อีกครั้ง และทีมงานจะติดต่อกลับโดยเร็ว",
        "invalid": "ลิงก์นี้ใช้ไม่ได้",
        "answered": "แบบสอบถามนี้ได้รับคำตอบแล้ว",
        "expired": "ลิงก์นี้หมดอายุแล้ว",
        "superseded": "ลิงก์นี้ไม่สามารถใช้ได้อีกต่อไป เนื่องจากมีลิงก์ใหม่ส่งถึงท่านแล้ว",
        "unknown": "ไม่พบแบบสอบถามของลิงก์นี้",
        "unavailable": "ระบบไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่ภายหลัง",
    },
    "en": {
        "title": "Satisfaction survey",
        "case": "Case",
        "solved": "Has your problem been solved?",
        "yes": "Yes, solved",
        "no": "No, not solved",
        "score": "How satisfied are you with our service? (1 = least, 5 = most)",
        "comment": "Comment",
        "send": "Send",
        "missing": "Please say whether it is solved, or give a score",
        "done_closed": "Thank you for your answer. The case is closed.",
        "done_reopened": "Thank you for your answer. We have reopened the case and will be in touch soon.",
        "invalid": "This link cannot be used",
        "answered": "This survey has already been answered",
        "expired": "This link has expired",
        "superseded": "This link is no longer valid: a newer one has been sent to you",
        "unknown": "There is no survey for this link",
        "unavailable": "The service is unavailable for a moment; please try again later",
    },
}


@dataclass(frozen=True)
class Answer:
    """What the customer chose in the form ("" when left out)."""

    solved: str = ""
    score: str = ""
    comment: str = ""

    def problem(self) -> str:
        """The text key of what is wrong with the answer, "" when it can be sent."""
        if self.solved not in ("", "yes", "no") or self.score not in ("", *SCORES):
            return "missing"
        return "" if self.solved or self.score else "missing"

    def request(self, token: str) -> pb.AnswerSurveyRequest:
        solved = {"yes": pb.SURVEY_SOLVED_YES, "no": pb.SURVEY_SOLVED_NO}.get(self.solved)
        return pb.AnswerSurveyRequest(
            token=token,
            solved=solved or pb.SURVEY_SOLVED_UNSPECIFIED,
            score=int(self.score or 0),
            comment=self.comment,
        )


def _call(method: str, message: Any) -> Any:
    token = set_caller(LINK_CALLER)
    try:
        return getattr(service_desk(), method)(message)
    finally:
        reset_caller(token)


def _page(template: str, status: int = 200, language: str = "th", **context: Any) -> Response:
    language = language if language in TEXT else "th"
    html = render_template(f"service_desk/{template}", text=TEXT[language], language=language, **context)
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    )
    return response


def _failed(error: grpc.RpcError, language: str = "th") -> Response:
    """An unknown or malformed token is 404, the service being away 503, any other refusal 409."""
    code, _message, _ = from_rpc_error(error)
    if code in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
        return _page("invalid.html", 404, language, reason="unknown")
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        return _page("invalid.html", 503, language, reason="unavailable")
    return _page("invalid.html", 409, language, reason="invalid")


def _unusable(survey: Any) -> Response | None:
    """The page of a survey that cannot be answered any more (None: it is open)."""
    if survey.state == pb.SURVEY_STATE_OPEN:
        return None
    status, reason = CLOSED_STATES.get(survey.state, (404, "unknown"))
    return _page("invalid.html", status, survey.language, reason=reason, case_title=survey.case_title)


@blueprint.get("/service/survey/<token>")
def show_survey(token: str) -> Response:
    try:
        survey = _call("GetSurvey", pb.GetSurveyRequest(token=token))
    except grpc.RpcError as error:
        return _failed(error)
    return _unusable(survey) or _page(
        "survey.html", 200, survey.language, case_title=survey.case_title, answer=Answer()
    )


@blueprint.post("/service/survey/<token>")
def answer_survey(token: str) -> Response:
    limit = Limit("survey-link-ip", POSTS_PER_WINDOW, services().settings.login_rate_window_seconds)
    services().limiter.hit([(limit, client_ip())])
    given = Answer(
        solved=(request.form.get("solved") or "").strip(),
        score=(request.form.get("score") or "").strip(),
        comment=(request.form.get("comment") or "").strip()[:2000],
    )
    try:
        survey = _call("GetSurvey", pb.GetSurveyRequest(token=token))
    except grpc.RpcError as error:
        return _failed(error)
    unusable = _unusable(survey)
    if unusable is not None:
        return unusable
    form = {"case_title": survey.case_title, "answer": given}
    if given.problem():
        return _page("survey.html", 422, survey.language, problem=given.problem(), **form)
    try:
        answered = _call("AnswerSurvey", given.request(token))
    except grpc.RpcError as error:
        code, message, violations = from_rpc_error(error)
        if code == grpc.StatusCode.INVALID_ARGUMENT:
            detail = "; ".join(f"{v.field}: {v.reason}" for v in violations) or message
            return _page("survey.html", 422, survey.language, detail=detail, **form)
        try:
            now = _call("GetSurvey", pb.GetSurveyRequest(token=token))
        except grpc.RpcError as again:
            return _failed(again, survey.language)
        return _unusable(now) or _failed(error, survey.language)
    if not answered.applied:
        # spent, expired or superseded between the page's GetSurvey and this answer
        status, reason = CLOSED_STATES.get(answered.state, (409, "answered"))
        return _page("invalid.html", status, survey.language, reason=reason, case_title=survey.case_title)
    reopened = answered.case_status != res.CASE_STATUS_CLOSED
    return _page(
        "answered.html",
        200,
        survey.language,
        case_title=survey.case_title,
        outcome="done_reopened" if reopened else "done_closed",
    )
