"""Date-based customer mail: rules (CRUD), the dates they look at (from contacts events and
the contract-end hook), and the scheduler's two steps.

`plan_date_mail` inserts one `planned` row per (rule, recipient, dated record, year) whose
send falls within [now − grace, now + horizon) (insert-or-ignore on the key). `deliver_date_mail`
gives each due row to one scheduler with a conditional UPDATE and, in the same transaction,
checks consent and queues the mail (chassis.mail, dedupe key = the send key): exactly once
across restarts and replicas. Consent is read in that transaction, so a withdrawal committed
before it stops the send; one committed after it recalls the queued mail (consent.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from chassis.identity import Caller

from activities.adapters.date_mail import SKIPPED, MailDate, PlannedSend
from activities.application.consent import new_unsubscribe_token
from activities.application.context import ActivitiesContext, UnitOfWork
from activities.domain.date_mail import (
    DateField,
    DateMailRule,
    Recurrence,
    RuleForm,
    due_at,
    occurrences,
    parse_rule,
)
from activities.domain.timing import zone_of

RULE_ROLES = ("admin", "marketing")


# -- rules -------------------------------------------------------------------------------------


def create_rule(ctx: ActivitiesContext, caller: Caller, form: RuleForm) -> DateMailRule:
    caller.require_role(*RULE_ROLES)
    rule = parse_rule(form, ctx.ids("dmr"), ctx.policy.default_time_zone, caller.user_id, ctx.clock())
    with ctx.transaction() as uow:
        uow.date_mail.add_rule(rule)
    return rule


def list_rules(ctx: ActivitiesContext, caller: Caller) -> list[DateMailRule]:
    caller.require_role(*RULE_ROLES)
    with ctx.reading() as uow:
        return uow.date_mail.rules()


def get_rule(ctx: ActivitiesContext, caller: Caller, rule_id: str) -> DateMailRule:
    caller.require_role(*RULE_ROLES)
    with ctx.reading() as uow:
        rule = uow.date_mail.rule(rule_id)
    if rule is None:
        raise NotFound("date mail rule", rule_id)
    return rule


def update_rule(
    ctx: ActivitiesContext, caller: Caller, rule_id: str, form: RuleForm, expected_version: int = 0
) -> DateMailRule:
    """Replaces the rule's settings; its planned (unsent) sends are planned anew, sent keys stay."""
    caller.require_role(*RULE_ROLES)
    with ctx.transaction() as uow:
        current = uow.date_mail.rule(rule_id, for_update=True)
        if current is None:
            raise NotFound("date mail rule", rule_id)
        if expected_version and expected_version != current.version:
            raise FailedPrecondition(f"the rule is at version {current.version}, not {expected_version}")
        parsed = parse_rule(form, rule_id, ctx.policy.default_time_zone, caller.user_id, ctx.clock())
        if parsed.field is not current.field:
            raise InvalidArgument("field", "cannot change; create another rule")
        rule = replace(
            parsed, version=current.version + 1, created_at=current.created_at, created_by=current.created_by
        )
        uow.date_mail.save_rule(rule)
        uow.date_mail.drop_planned(rule_id=rule_id)
    return rule


def delete_rule(ctx: ActivitiesContext, caller: Caller, rule_id: str) -> None:
    caller.require_role(*RULE_ROLES)
    with ctx.transaction() as uow:
        if uow.date_mail.rule(rule_id, for_update=True) is None:
            raise NotFound("date mail rule", rule_id)
        uow.date_mail.delete_rule(rule_id)


# -- dates (event handlers and the contract-end hook) --------------------------------------------


def parse_iso_date(text: str) -> dt.date | None:
    """A YYYY-MM-DD date from another service; anything else (empty, partial) is no date."""
    try:
        return dt.date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


def record_date(
    uow: UnitOfWork, field: DateField, subject_id: str, recipient: tuple[str, str], text: str, version: int
) -> bool:
    """Stores the date a record carries now (none removes it); stale versions are dropped."""
    date = parse_iso_date(text)
    mail_date = None if date is None else MailDate(field, subject_id, recipient[0], recipient[1], date)
    return uow.date_mail.set_date(mail_date, field, subject_id, version)


def record_contract_end(
    uow: UnitOfWork, contract_id: str, customer_id: str, end_date: str, version: int
) -> bool:
    """The hook for service-desk's `crm.servicedesk.contract.*` events (see README): the
    contract's end, mailed to its customer (service mail: no consent needed)."""
    return record_date(uow, DateField.CONTRACT_END, contract_id, ("customer", customer_id), end_date, version)


# -- scheduler ---------------------------------------------------------------------------------


def _candidates(uow: UnitOfWork, rule: DateMailRule, start: dt.datetime, end: dt.datetime) -> list[MailDate]:
    zone = zone_of(rule.time_zone)
    first = start.astimezone(zone).date() - dt.timedelta(days=1)
    last = end.astimezone(zone).date() + dt.timedelta(days=1)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    dated = [d - dt.timedelta(days=rule.offset_days) for d in days]
    if not rule.field.annual:
        return uow.date_mail.dates(rule.field, between=(dated[0], dated[-1]))
    month_days = {d.month * 100 + d.day for d in dated}
    if 228 in month_days:
        month_days.add(229)  # 29 February is sent on 28 February in common years
    return uow.date_mail.dates(rule.field, month_days=month_days)


def plan_date_mail(ctx: ActivitiesContext) -> int:
    """Plans the sends of every active rule inside [now − grace, now + horizon)."""
    now = ctx.clock()
    start, end = now - ctx.policy.date_mail_grace, now + ctx.policy.date_mail_horizon
    planned = 0
    with ctx.transaction() as uow:
        for rule in uow.date_mail.rules(active_only=True):
            sends: list[PlannedSend] = []
            for d in _candidates(uow, rule, start, end):
                for year, at in occurrences(
                    d.date, annual=rule.field.annual, offset_days=rule.offset_days,
                    send_time=rule.send_time, zone=rule.time_zone, start=start, end=end,
                ):  # fmt: skip
                    if rule.recurrence is Recurrence.ONCE and at < rule.created_at:
                        continue  # a once-rule looks at dates from its creation on
                    key = rule.key(d.recipient_kind, d.recipient_id, d.subject_id, year)
                    sends.append(
                        PlannedSend(
                            key,
                            rule.id,
                            rule.field.value,
                            d.subject_id,
                            d.recipient_kind,
                            d.recipient_id,
                            year,
                            at,
                        )
                    )
            planned += uow.date_mail.plan(sends)
    return planned


def unsubscribe_headers(url: str) -> tuple[tuple[str, str], ...]:
    """RFC 2369 `List-Unsubscribe` with the HTTPS link and RFC 8058 one-click: mail programs
    POST `List-Unsubscribe=One-Click` to the link, which the gateway's POST route takes."""
    return (("List-Unsubscribe", f"<{url}>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))


@dataclass(frozen=True)
class DateMailReport:
    sent: int = 0
    skipped: int = 0
    lost_races: int = 0


def _skip_reason(uow: UnitOfWork, ctx: ActivitiesContext, send: PlannedSend, now: dt.datetime) -> str:
    rule = uow.date_mail.rule(send.rule_id)
    if rule is None or not rule.active:
        return "rule_inactive"
    date = uow.date_mail.date(rule.field, send.subject_id)
    expected = None
    if date is not None:
        expected = due_at(
            date.date, send.year, annual=rule.field.annual, offset_days=rule.offset_days,
            send_time=rule.send_time, zone=rule.time_zone,
        )  # fmt: skip
    if date is None or date.recipient_id != send.recipient_id or expected != send.due_at:
        return "date_changed"
    if send.due_at < now - ctx.policy.date_mail_grace:
        return "too_late"
    if not uow.directory.party_email(send.recipient_kind, send.recipient_id):
        return "no_address"
    if rule.field.marketing and not uow.date_mail.consent(send.recipient_kind, send.recipient_id)[0]:
        return "no_consent"
    return ""


def _deliver_one(ctx: ActivitiesContext, send: PlannedSend, now: dt.datetime) -> str:
    with ctx.transaction() as uow:
        reason = _skip_reason(uow, ctx, send, now)
        if reason:
            return "skipped" if uow.date_mail.claim(send.key, now, SKIPPED, reason) else "lost"
        if not uow.date_mail.claim(send.key, now):
            return "lost"  # another scheduler sent it
        rule = uow.date_mail.rule(send.rule_id)
        date = uow.date_mail.date(DateField(send.field), send.subject_id)
        assert rule is not None
        assert date is not None
        unsubscribe_url = ""
        if rule.field.marketing:
            token, digest = new_unsubscribe_token()
            uow.date_mail.add_token(digest, send.recipient_kind, send.recipient_id, send.key, now)
            unsubscribe_url = f"{ctx.policy.public_base_url.rstrip('/')}/api/v1/unsubscribe/{token}"
        local = send.due_at.astimezone(zone_of(rule.time_zone)).date()
        years = send.year - date.date.year if rule.field.annual and date.date.year > 1 else 0
        context = {
            "name": uow.directory.party_name(send.recipient_kind, send.recipient_id) or "",
            "date": (local - dt.timedelta(days=rule.offset_days)).isoformat(),
            "years": str(years) if years > 0 else "",
            "unsubscribe_url": unsubscribe_url,
        }
        rendered = ctx.templates.render(rule.template, rule.language, context)
        address = uow.directory.party_email(send.recipient_kind, send.recipient_id)
        mail = rendered.to(address)
        if unsubscribe_url:
            mail = replace(mail, headers=unsubscribe_headers(unsubscribe_url))
        mail_id = uow.mail(mail, dedupe_key=f"datemail:{send.key}")
        uow.date_mail.set_mail_id(send.key, mail_id)
    return "sent"


def deliver_date_mail(ctx: ActivitiesContext, batch_size: int = 100) -> DateMailReport:
    """One pass over the due sends (the scheduler calls it after planning; tests too)."""
    now = ctx.clock()
    with ctx.reading() as uow:
        due = uow.date_mail.due(now, batch_size)
    counts = {"sent": 0, "skipped": 0, "lost": 0}
    for send in due:
        counts[_deliver_one(ctx, send, now)] += 1
    return DateMailReport(counts["sent"], counts["skipped"], counts["lost"])
