"""Mail to a case's requester that keeps the e-mail thread: the acknowledgement of a case opened
by e-mail and agents' customer-visible replies. Each is queued in the use case's transaction
(chassis mail outbox) with the case reference in its subject, Reply-To the support mailbox and
In-Reply-To / References of the case's thread; its Message-ID (`<outbox row id@mail domain>`)
is recorded in `mail_threads`, so the customer's answer threads back to the case."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from service_desk.adapters.customers import customer_language
from service_desk.adapters.mail_threads import OUTBOUND, MailThreadRepository
from service_desk.adapters.repositories import CaseMessage
from service_desk.application.context import ServiceDeskContext, UnitOfWork
from service_desk.domain.cases import Case
from service_desk.domain.email_threading import case_reference

EMAIL = "email"
# A long thread's References keep the first and the newest ids (RFC 5322 §3.6.4 allows trimming).
MAX_REFERENCES = 20


def _thread_headers(ctx: ServiceDeskContext, thread: list[str]) -> tuple[tuple[str, str], ...]:
    headers: list[tuple[str, str]] = [("Reply-To", ctx.rules.support_address)]
    if thread:
        kept = thread if len(thread) <= MAX_REFERENCES else [thread[0], *thread[-(MAX_REFERENCES - 1) :]]
        headers.append(("In-Reply-To", f"<{thread[-1]}>"))
        headers.append(("References", " ".join(f"<{m}>" for m in kept)))
    return tuple(headers)


def send_requester_mail(
    ctx: ServiceDeskContext,
    uow: UnitOfWork,
    case: Case,
    template: str,
    values: dict[str, Any],
    dedupe_key: str,
    at: dt.datetime,
) -> str:
    """Queues `template` to the case's requester in their language (`customer_language`);
    returns the mail's Message-ID (no brackets)."""
    threads = MailThreadRepository(uow.session)
    context = {
        "name": case.requester_name,
        "title": case.title,
        "reference": case_reference(case.id),
        "support_address": ctx.rules.support_address,
        "link": ctx.rules.public_base_url,
        **values,
    }
    language = customer_language(uow.session, case.customer_id, case.requester_email)
    rendered = ctx.templates.render(template, language, context)
    mail = replace(
        rendered.to(case.requester_email), headers=_thread_headers(ctx, threads.thread_of(case.id))
    )
    row_id = uow.mail(mail, dedupe_key)
    message_id = f"{row_id}@{ctx.rules.mail_domain}"
    threads.claim(message_id, case.id, OUTBOUND, at)
    return message_id


def acknowledge(ctx: ServiceDeskContext, uow: UnitOfWork, case: Case, at: dt.datetime) -> str | None:
    """The acknowledgement of a case opened by e-mail (once per case); None without a requester."""
    if not case.requester_email:
        return None
    return send_requester_mail(ctx, uow, case, "case_acknowledged", {}, f"case_acknowledged:{case.id}", at)


def mailed_reply(ctx: ServiceDeskContext, uow: UnitOfWork, case: Case, message: CaseMessage) -> CaseMessage:
    """An agent's customer-visible reply mailed to the requester: the message with the mail's
    Message-ID and channel "email"; unchanged when the case has no requester address."""
    if not message.customer_visible or message.from_customer or not case.requester_email:
        return message
    message_id = send_requester_mail(
        ctx, uow, case, "case_reply", {"body": message.body}, f"case_reply:{message.id}", message.created_at
    )
    return replace(message, channel=EMAIL, message_id=message_id)
