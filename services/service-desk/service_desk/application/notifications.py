"""Mail to the desk's own people: a case's team lead (an unhappy or flagged survey answer) and
the assignee and lead when an SLA level is reached. Recipients come from the users/teams read
model (identity events); each mail is queued in the caller's transaction in the recipient's
language, once per dedupe key, so a retried or raced transaction mails nobody twice. Nobody to
mail (no lead, no address, inactive) is no mail, logged."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from chassis.directory import DirectoryUser
from chassis.mail import MailTemplates

from service_desk.adapters.customers import customer_name
from service_desk.application.context import Rules, UnitOfWork
from service_desk.domain.cases import Case
from service_desk.domain.escalation import Escalation
from service_desk.domain.sla_policies import EscalationActionKind

log = logging.getLogger(__name__)

TEMPLATES = MailTemplates("service_desk", "templates/mail")
# Due times in mail are shown in the office's zone.
MAIL_ZONE = ZoneInfo("Asia/Bangkok")


def case_link(rules: Rules, case_id: str) -> str:
    """Where a case opens in the web app."""
    return f"{rules.public_base_url.rstrip('/')}/service/cases/{case_id}"


def local_time(instant: dt.datetime | None) -> str:
    """`2026-04-07 09:00` in Asia/Bangkok ("" when there is no instant)."""
    if instant is None:
        return ""
    return instant.astimezone(MAIL_ZONE).strftime("%Y-%m-%d %H:%M")


def mail_user(
    uow: UnitOfWork,
    user: DirectoryUser | None,
    template: str,
    context: Mapping[str, Any],
    dedupe_key: str,
) -> bool:
    """Queues `template` to `user` in their language; False (logged) when there is no active
    user with an address."""
    if user is None or not user.active or not user.email:
        log.info("no one to mail", extra={"template": template, "dedupe_key": dedupe_key})
        return False
    rendered = TEMPLATES.render(template, user.language, {**context, "name": user.display_name or user.id})
    uow.mail(rendered.to(user.email), f"{dedupe_key}:{user.id}")
    return True


def _case_context(uow: UnitOfWork, case: Case) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "title": case.title,
        "customer": customer_name(uow.session, case.customer_id),
        "priority": case.priority.value,
        "link": case_link(uow.rules, case.id),
    }


def notify_team_lead(uow: UnitOfWork, case: Case, reason: str, kind: str) -> bool:
    """Mails the lead of the case's team (kind e.g. "survey_unhappy", "survey_flagged") in this
    transaction, once per case, kind and case version; False when the case has no team or its
    team no lead with an e-mail."""
    lead = uow.directory.team_lead(case.team_id)
    context = _case_context(uow, case) | {"reason": reason, "kind": kind}
    return mail_user(uow, lead, "case_lead_notice", context, f"lead:{kind}:{case.id}:v{case.version}")


def reassign_target(uow: UnitOfWork, case: Case, reassign_to: str) -> str:
    """Whom a REASSIGN action gives the case: the named user, the lead of a named team, or the
    lead of the case's own team when the policy names nobody (the case stays with its assignee
    when there is no such lead)."""
    team_id = reassign_to or case.team_id
    if uow.directory.team(team_id) is not None:
        lead = uow.directory.team_lead(team_id)
        return lead.id if lead is not None else case.assignee_id
    return reassign_to or case.assignee_id


def notify_escalation(uow: UnitOfWork, case: Case, escalation: Escalation, due_at: dt.datetime | None) -> int:
    """Mails the assignee and/or the team lead as the level's actions say (templates
    sla_warning / sla_breached); a person named by both actions gets one mail. Returns how
    many mails were queued."""
    wanted = {a.kind for a in escalation.actions}
    recipients: dict[str, DirectoryUser | None] = {}
    if EscalationActionKind.NOTIFY_ASSIGNEE in wanted:
        recipients["assignee"] = uow.directory.user(case.assignee_id)
    if EscalationActionKind.NOTIFY_TEAM_LEAD in wanted:
        recipients["lead"] = uow.directory.team_lead(case.team_id)
    context = _case_context(uow, case) | {
        "clock": escalation.clock.value,
        "due_time": local_time(due_at),
    }
    sent: set[str] = set()
    for role, user in recipients.items():
        if user is not None and user.id in sent:
            continue
        key = f"{escalation.key}"
        if mail_user(uow, user, escalation.level.value, context | {"role": role}, key):
            sent.add(user.id if user is not None else "")
        else:
            log.info("escalation notice not sent", extra={"case_id": case.id, "role": role})
    return len(sent)
