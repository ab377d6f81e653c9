"""The renewal pass (periodic, RENEWAL_CHECK_SECONDS): for each approved contract not looked at
today (a batch per pass), the renewal notices and billing requests the domain says are due.

Each notice and each period's billing request is claimed by a conditional insert (primary keys
contract + days before the end, and the draft's key contract:period_start) under the contract's
row lock before anything is mailed or published, so two replicas, a rerun or a restart send each
notice once and publish `crm.servicedesk.contract.renewal_due` once per period: the loser's
insert does nothing and it publishes nothing. Mail goes through the outbox in the same
transaction (sent after the commit). An auto-renewing contract past its end is then rolled over
to its successor in the same transaction (application/contract_rollover.py); one without
auto-renew and without a successor is announced expired once (application/contract_expiry.py)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import Any

from chassis.thai import format_amount, format_thai_date
from crm.servicedesk.v1 import events_pb2 as ev

from service_desk import events
from service_desk import translation as tr
from service_desk.adapters.contract_repository import ContractRecord
from service_desk.adapters.customers import customer_email, customer_language, customer_name
from service_desk.application.context import ServiceDeskContext, UnitOfWork
from service_desk.application.contract_expiry import announce_expiry
from service_desk.application.contract_rollover import roll_over
from service_desk.application.contracts import contract_event
from service_desk.domain.contract_billing import (
    BillingDraft,
    DraftKind,
    RenewalNotice,
    billing_drafts_due,
    renewal_notices_due,
)

log = logging.getLogger(__name__)

NOTICE_TEMPLATE = "contract_renewal_notice"
DEFAULT_LANGUAGE = "th"


def billing_description(draft: BillingDraft) -> str:
    """The document line, e.g. "ค่าบริการบำรุงรักษา (MA) 1 ม.ค. 2570 – 31 ธ.ค. 2570 สัญญา ma_…"."""
    first = format_thai_date(draft.period_start, "abbreviated")
    last = format_thai_date(draft.period_end, "abbreviated")
    what = "ค่าบริการบำรุงรักษา (MA)" if draft.kind is DraftKind.INVOICE else "ต่ออายุสัญญาบำรุงรักษา (MA)"
    return f"{what} {first} – {last} สัญญา {draft.contract_id}"


def run_renewal_pass(ctx: ServiceDeskContext, batch_size: int = 200) -> int:
    """One pass; returns how many notices and billing requests it made."""
    today = ctx.today()
    with ctx.reading() as uow:
        due = uow.contracts.renewal_candidates(today, batch_size)
    made = 0
    for contract_id in due:
        try:
            made += renew_contract(ctx, contract_id, today)
        except Exception:
            log.exception("renewal check failed", extra={"contract_id": contract_id})
    return made


def renew_contract(ctx: ServiceDeskContext, contract_id: str, today: dt.date) -> int:
    """The notices and billing requests due for one contract, and its auto-renew roll-over or
    its expiry announcement, in one transaction; how many it made (a roll-over or an expiry
    counts one)."""
    now = ctx.clock()
    with ctx.transaction() as uow:
        record = uow.contracts.get(contract_id, for_update=True)
        if record is None:
            return 0
        c = record.contract
        notices = [
            n
            for n in renewal_notices_due(c, today, record.notices_sent)
            if uow.contracts.claim_notice(n, now)
        ]
        drafted = {b.draft.key for b in record.billings}
        drafts = [
            d
            for d in billing_drafts_due(c, today, drafted)
            if uow.contracts.claim_billing(d, c.currency, now)
        ]
        uow.contracts.mark_renewal_checked(contract_id, today)
        if notices or drafts:
            uow.contracts.save(replace(record, contract=replace(c, version=c.version + 1)), c.version)
            changed = uow.contracts.get(contract_id)
            assert changed is not None
            for notice in notices:
                _mail_notice(ctx, uow, changed, notice)
                event = contract_event(ctx, changed, "system")
                event.days_before_end = notice.days_before
                uow.emit(events.CONTRACT_RENEWAL_NOTICE_SENT, event, "contract", contract_id)
            for draft in drafts:
                uow.emit(
                    events.CONTRACT_RENEWAL_DUE,
                    renewal_due(ctx, changed, draft, now),
                    "contract",
                    contract_id,
                )
            record = changed
        # after the catch-up drafts: a contract past its end drafts its next term, then rolls over
        successor = roll_over(ctx, uow, record, today)
        expired = successor is None and announce_expiry(ctx, uow, record, today)
    return len(notices) + len(drafts) + (successor is not None) + expired


def renewal_due(
    ctx: ServiceDeskContext, record: ContractRecord, draft: BillingDraft, now: dt.datetime
) -> ev.ContractRenewalDue:
    c = record.contract
    return ev.ContractRenewalDue(
        contract_id=c.id,
        version=c.version,
        contract=tr.contract_message(record, ctx.today()),
        billing=tr.billing_message(draft, c.currency, now),
        description=billing_description(draft),
        occur_time=tr.timestamp(now),
    )


def _mail_notice(
    ctx: ServiceDeskContext, uow: UnitOfWork, record: ContractRecord, notice: RenewalNotice
) -> None:
    """The notice to the customer (their e-mail from the contacts events) and to the owner (the
    directory), each in their language; nobody known, no mail (the event still goes out)."""
    recipients: list[tuple[str, str, str]] = []
    customer = customer_email(uow.session, record.contract.customer_id)
    if customer:
        language = customer_language(uow.session, record.contract.customer_id, customer)
        recipients.append(("customer", customer, language))
    owner = uow.directory.user(record.owner_id)
    if owner is not None and owner.email and owner.active:
        recipients.append(("owner", owner.email, owner.language or DEFAULT_LANGUAGE))
    for role, address, language in recipients:
        rendered = ctx.templates.render(
            NOTICE_TEMPLATE, language, notice_context(uow, record, notice, language)
        )
        uow.mail(rendered.to(address), f"{notice.key}:{role}")


def notice_context(
    uow: UnitOfWork, record: ContractRecord, notice: RenewalNotice, language: str
) -> dict[str, Any]:
    c = record.contract
    end = format_thai_date(c.end_date) if language == "th" else format_thai_date(c.end_date, "english")
    return {
        "contract_id": c.id,
        "customer_name": customer_name(uow.session, c.customer_id),
        "end_date": end,
        "days_before": notice.days_before,
        "fee": format_amount(c.fee),
        "currency": c.currency,
        "billing_period": c.billing_period.value,
        "auto_renew": c.auto_renew,
    }
