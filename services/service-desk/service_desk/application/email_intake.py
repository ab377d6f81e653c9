"""E-mail intake: one received mail becomes a new case, a customer reply on its case, a reopen
or a linked follow-up, in one transaction with its events and its acknowledgement mail.

Threading: the nearest known parent (In-Reply-To, then References newest first), else the case
reference in the subject ("[#SD-1A2B3C4D]"), else a new case. Every Message-ID is claimed in
`mail_threads` before anything else is written, so a mail delivered twice (an MTA retry, a
second listener, the IngestEmail RPC after the SMTP listener) is taken in once: DUPLICATE.
A mail without a Message-ID gets one from the hash of its bytes for the same reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import replace
from enum import StrEnum

from chassis.errors import InvalidArgument
from chassis.identity import Caller

from service_desk import events
from service_desk.adapters import customers
from service_desk.adapters.mail_threads import INBOUND, MailThreadRepository
from service_desk.adapters.repositories import CaseMessage, CaseRecord
from service_desk.application.case_mail import EMAIL, acknowledge
from service_desk.application.cases import case_event
from service_desk.application.context import ServiceDeskContext, UnitOfWork
from service_desk.application.sla import CaseSla, next_check_at, read_sla
from service_desk.domain.cases import (
    Case,
    CaseStatus,
    ReplyEffect,
    after_customer_reply,
    customer_reply_effect,
    follow_up_case,
    open_case,
)
from service_desk.domain.email_threading import (
    case_id_prefix,
    reference_in_subject,
    thread_keys,
    threaded_case,
    title_from_subject,
)
from service_desk.domain.inbound_mail import InboundMail, UnreadableMail, parse_mail
from service_desk.domain.sla_policies import match_policy

# Who the history names for what came in by mail.
CUSTOMER = "customer"
INTAKE_ROLES = ("service_agent",)  # besides admin and system
MAX_RAW_BYTES = 10 * 1024 * 1024


class IngestOutcome(StrEnum):
    CREATED = "created"
    THREADED = "threaded"
    REOPENED = "reopened"
    FOLLOW_UP = "follow_up"
    DUPLICATE = "duplicate"


def ingest_email_as(
    ctx: ServiceDeskContext,
    caller: Caller,
    raw: bytes,
    envelope_from: str = "",
    envelope_to: Sequence[str] = (),
) -> tuple[CaseRecord, CaseSla | None, IngestOutcome]:
    """The IngestEmail RPC: admins, the system and service agents hand in a received mail."""
    caller.require_role(*INTAKE_ROLES)
    if not raw.strip():
        raise InvalidArgument("raw_message", "is required")
    if len(raw) > MAX_RAW_BYTES:
        raise InvalidArgument("raw_message", f"is larger than {MAX_RAW_BYTES} bytes")
    try:
        return ingest_email(ctx, raw, envelope_from, envelope_to)
    except UnreadableMail as error:
        raise InvalidArgument("raw_message", str(error)) from error


def ingest_email(
    ctx: ServiceDeskContext, raw: bytes, envelope_from: str = "", envelope_to: Sequence[str] = ()
) -> tuple[CaseRecord, CaseSla | None, IngestOutcome]:
    """Takes in one received mail (see the module); raises UnreadableMail when it has no sender.
    The envelope is not needed for threading: the headers carry it (kept for the signature of
    the SMTP hand-over and future routing by recipient)."""
    mail = parse_mail(raw)
    message_id = mail.message_id or f"sha256-{hashlib.sha256(raw).hexdigest()[:40]}@intake.invalid"
    now = ctx.clock()
    with ctx.transaction() as uow:
        threads = MailThreadRepository(uow.session)
        seen = threads.known([message_id])
        if message_id in seen:
            return _duplicate(uow, seen[message_id], now)
        parent = _parent_case(threads, mail)
        record = uow.cases.get(parent, for_update=True) if parent else None
        effect = customer_reply_effect(record.case) if record else None
        if record is None or (effect == ReplyEffect.FOLLOW_UP and not mail.auto_submitted):
            new_id = ctx.ids("case")
            if not threads.claim(message_id, new_id, INBOUND, now):  # a racing delivery won
                return _duplicate(uow, threads.known([message_id])[message_id], now)
            closed = record.case if record else None
            made, sla = _open_from_mail(ctx, uow, mail, new_id, closed, now)
            acknowledge(ctx, uow, made.case, now)
            return made, sla, IngestOutcome.FOLLOW_UP if closed else IngestOutcome.CREATED
        if not threads.claim(message_id, record.case.id, INBOUND, now):
            return _duplicate(uow, threads.known([message_id])[message_id], now)
        return _reply_on(ctx, uow, record, mail, message_id, now)


def _duplicate(
    uow: UnitOfWork, case_id: str, now: dt.datetime
) -> tuple[CaseRecord, CaseSla | None, IngestOutcome]:
    record = uow.cases.get(case_id)
    if record is None:  # the thread names a case that is gone: nothing to show, nothing to do
        raise InvalidArgument(
            "raw_message", f"was taken in before for case {case_id}, which no longer exists"
        )
    return record, read_sla(uow, record, now), IngestOutcome.DUPLICATE


def _parent_case(threads: MailThreadRepository, mail: InboundMail) -> str | None:
    known = threads.known(thread_keys(mail.in_reply_to, mail.references))
    parent = threaded_case(mail.in_reply_to, mail.references, known)
    if parent is None and (reference := reference_in_subject(mail.subject)):
        parent = threads.case_with_id_prefix(case_id_prefix(reference))
    return parent


def _store(
    uow: UnitOfWork, record: CaseRecord, previous_version: int | None, now: dt.datetime
) -> CaseSla | None:
    check = next_check_at(uow, record, now)
    if previous_version is None:
        uow.cases.add(record, check)
    else:
        uow.cases.save(record, previous_version, check)
    return read_sla(uow, record, now)


def _open_from_mail(
    ctx: ServiceDeskContext,
    uow: UnitOfWork,
    mail: InboundMail,
    case_id: str,
    closed: Case | None,
    now: dt.datetime,
) -> tuple[CaseRecord, CaseSla | None]:
    """A new case (or the follow-up of `closed`) from the mail: title from the subject,
    description from the body, requester from the sender; its customer from the read model."""
    title = title_from_subject(mail.subject)
    email, name = mail.from_address, mail.from_name
    if closed is not None:
        follow_up = follow_up_case(closed, case_id, title, now)
        case = replace(follow_up, channel=EMAIL, requester_email=email, requester_name=name)
    else:
        customer_id = customers.customer_for_email(uow.session, email) or ""
        case = open_case(
            case_id,
            title,
            customer_id,
            now,
            actor=CUSTOMER,
            channel=EMAIL,
            requester_email=email,
            requester_name=name,
        )
    groups = customers.customer_groups(uow.session, case.customer_id) if case.customer_id else frozenset()
    policy_id = ""
    if case.contract_id:
        contract = uow.contracts.get(case.contract_id)
        policy_id = contract.contract.sla_policy_id if contract else ""
    if not policy_id:
        matched = match_policy((p for p, _ in uow.policies.all()), case.facts(groups))
        policy_id = matched.id if matched else ""
    record = CaseRecord(case, policy_id, mail.body, groups, EMAIL, now)
    sla = _store(uow, record, None, now)
    uow.emit(events.CASE_CREATED, case_event(record, sla, CUSTOMER, now), "case", case.id)
    return record, sla


def _reply_on(
    ctx: ServiceDeskContext,
    uow: UnitOfWork,
    record: CaseRecord,
    mail: InboundMail,
    message_id: str,
    now: dt.datetime,
) -> tuple[CaseRecord, CaseSla | None, IngestOutcome]:
    """The customer's reply as a message on the case; a resolved case is reopened and a case
    waiting for the customer resumes (an automatic reply, such as an out-of-office notice,
    changes no status: RFC 3834)."""
    body = mail.body or title_from_subject(mail.subject)
    uow.cases.add_message(
        CaseMessage(ctx.ids("msg"), record.case.id, True, CUSTOMER, body, now, EMAIL, message_id, True)
    )
    before = record.case
    after = before if mail.auto_submitted else after_customer_reply(before, now, CUSTOMER)
    if after is before:
        return record, read_sla(uow, record, now), IngestOutcome.THREADED
    changed = replace(record, case=after, updated_at=now)
    sla = _store(uow, changed, before.version, now)
    event = case_event(changed, sla, CUSTOMER, now, after.history[-1].reason)
    uow.emit(events.CASE_STATUS_CHANGED, event, "case", after.id)
    reopened = before.status == CaseStatus.RESOLVED
    if reopened:
        uow.emit(events.CASE_REOPENED, event, "case", after.id)
    return changed, sla, IngestOutcome.REOPENED if reopened else IngestOutcome.THREADED
