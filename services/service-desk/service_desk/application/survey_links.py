"""The satisfaction link of a resolve: made in the resolving transaction (every path that moves a
case to resolved calls `request_survey`), its token's digest stored, and the link mailed to the
requester. The token is 192 random bits (`secrets.token_urlsafe(24)`); only its SHA-256 is
kept, so the link is the single-purpose secret and the database alone opens no survey."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from zoneinfo import ZoneInfo

from chassis.thai import format_thai_date

from service_desk.adapters.customers import customer_language
from service_desk.adapters.repositories import CaseRecord
from service_desk.adapters.survey_repository import SurveyLink, SurveyRepository
from service_desk.application.case_mail import send_requester_mail
from service_desk.application.context import Rules, ServiceDeskContext, UnitOfWork
from service_desk.domain.satisfaction import link_expires_at, token_digest

log = logging.getLogger(__name__)

TEMPLATE = "survey_request"


def survey_url(rules: Rules, token: str) -> str:
    """The gateway's page for the link (it calls GetSurvey / AnswerSurvey as `system`)."""
    return f"{rules.public_base_url.rstrip('/')}/service/survey/{token}"


def _expiry_text(expires_at: dt.datetime, zone: str, language: str) -> str:
    local = expires_at.astimezone(ZoneInfo(zone))
    if language == "th":
        return f"{format_thai_date(local.date())} {local:%H:%M} น."
    return f"{local:%Y-%m-%d %H:%M}"


def request_survey(ctx: ServiceDeskContext, uow: UnitOfWork, record: CaseRecord, now: dt.datetime) -> str:
    """Creates the link of the case's current resolve in this transaction and queues its mail
    (once per case and resolve instant); no requester e-mail, no mail. Returns the token."""
    case = record.case
    resolved_at = case.resolved_at or now
    token = secrets.token_urlsafe(24)
    link = SurveyLink(
        token_sha256=token_digest(token),
        case_id=case.id,
        resolved_at=resolved_at,
        expires_at=link_expires_at(resolved_at),
        # the requester's language: the link page (GetSurvey.language) and the mail follow it
        language=customer_language(uow.session, case.customer_id, case.requester_email),
        created_at=now,
    )
    SurveyRepository(uow.session).add(link)
    if not case.requester_email:
        log.info("no requester e-mail: survey link not mailed", extra={"case_id": case.id})
        return token
    rules = ctx.rules
    values = {
        "name": case.requester_name or case.requester_email,
        "link": survey_url(rules, token),
        "expires": _expiry_text(link.expires_at, rules.company_time_zone, link.language),
        "auto_close_days": rules.auto_close_business_days,
    }
    # threaded like every mail to the requester (a reply to it reopens the case)
    send_requester_mail(ctx, uow, case, TEMPLATE, values, f"survey:{case.id}:{resolved_at.isoformat()}", now)
    return token
