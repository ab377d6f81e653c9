"""Quotation use cases: create (priced by pricing, customer snapshot from contacts), edit a
draft, submit (number + crm.sales.quotation.submitted), the approval center's decision,
revise, send (PDF mailed), accept/decline, the expiry job. One transaction each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from chassis.errors import InvalidArgument
from chassis.identity import Caller
from chassis.mail import Attachment, OutgoingMail

from sales_docs.adapters import tables as t
from sales_docs.application.context import SalesContext, UnitOfWork, check_version, load, visible
from sales_docs.application.opportunities import ownership
from sales_docs.application.pricing_lines import LineInput, PricingRecord, priced_items
from sales_docs.documents.renderer import render_pdf
from sales_docs.documents.views import quotation_view
from sales_docs.domain import quotations as q
from sales_docs.domain.amounts import VatMode
from sales_docs.domain.numbering import DocumentType
from sales_docs.domain.quotations import Quotation, QuotationStatus

SUBMITTED = "crm.sales.quotation.submitted"


def subject(event: str) -> str:
    return f"crm.sales.quotation.{event}"


@dataclass(frozen=True)
class QuotationForm:
    lines: tuple[LineInput, ...]
    opportunity_id: str = ""
    customer_id: str = ""
    team_id: str = ""
    issue_date: dt.date | None = None
    valid_until: dt.date | None = None
    vat_mode: VatMode = VatMode.EXCLUSIVE
    document_discount: Decimal = Decimal(0)
    coupon_codes: tuple[str, ...] = ()
    payment_terms: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Submission:
    """What the submitted event needs beside the quotation."""

    quotation: Quotation
    pricing: PricingRecord
    link: str


def columns(quotation: Quotation, pricing: PricingRecord | None = None) -> dict[str, Any]:
    found = {
        "number": quotation.number,
        "customer_id": quotation.customer_id,
        "owner_id": quotation.owner_id,
        "team_id": quotation.team_id,
        "status": quotation.status.value,
        "document_date": quotation.issue_date,
        "revision": quotation.revision,
        "superseded": quotation.superseded,
        "valid_until": quotation.valid_until,
        "source_key": quotation.source_key,
    }
    if pricing is not None:
        found["pricing"] = pricing.to_json()
    return found


def _save(uow: UnitOfWork, ctx: SalesContext, quotation: Quotation, event: str) -> Quotation:
    uow.quotations.update(quotation, ctx.clock(), **columns(quotation))
    uow.emit(subject(event), quotation)
    return quotation


def create_quotation(ctx: SalesContext, caller: Caller, form: QuotationForm) -> Quotation:
    customer_id, owner, team = form.customer_id.strip(), "", form.team_id
    if form.opportunity_id:
        with ctx.reading() as uow:
            opportunity = load(uow.opportunities, caller, form.opportunity_id, "opportunity")[0]
        customer_id, owner, team = opportunity.customer_id, opportunity.owner_id, opportunity.team_id
    if not customer_id:
        raise InvalidArgument("customer_id", "is required (or an opportunity with a customer)")
    if not owner:
        owner, team = ownership(caller, "", team)
    snapshot = ctx.peers.customer(customer_id)
    issue = form.issue_date or ctx.today()
    items, pricing = priced_items(
        ctx.peers, customer_id, issue, form.lines, form.coupon_codes, snapshot.group_ids
    )
    quotation = q.new_quotation(
        ctx.ids("qt"),
        snapshot.party,
        customer_id,
        owner,
        issue,
        form.valid_until or issue + dt.timedelta(days=ctx.policy.quotation_validity_days),
        items,
        vat_mode=form.vat_mode,
        document_discount=form.document_discount,
        opportunity_id=form.opportunity_id,
        team_id=team,
        payment_terms=form.payment_terms,
        notes=form.notes,
        pricing_version=str(pricing.version or ""),
    )
    with ctx.transaction() as uow:
        uow.quotations.add(quotation, ctx.clock(), **columns(quotation, pricing))
        uow.emit(subject("created"), quotation)
    return quotation


def update_quotation(
    ctx: SalesContext,
    caller: Caller,
    quotation_id: str,
    *,
    lines: Sequence[LineInput] = (),
    document_discount: Decimal | None = None,
    valid_until: dt.date | None = None,
    payment_terms: str | None = None,
    notes: str | None = None,
    expected_version: int = 0,
) -> Quotation:
    """Edits a draft; new lines are priced again (overrides kept as entered)."""
    with ctx.reading() as uow:
        current, row = load(uow.quotations, caller, quotation_id, "quotation")
    pricing = PricingRecord.from_json(row["pricing"])
    items = None
    if lines:
        items, pricing = priced_items(
            ctx.peers,
            current.customer_id,
            current.issue_date,
            lines,
            tuple(pricing.coupons),
            pricing.customer_group_ids,
        )
    with ctx.transaction() as uow:
        current, _ = load(uow.quotations, caller, quotation_id, "quotation", lock=True)
        check_version(expected_version, current.version, "quotation", current.id)
        changed = q.edited(
            current,
            items=items,
            document_discount=document_discount,
            valid_until=valid_until,
            payment_terms=payment_terms,
            notes=notes,
        )
        if items is not None:
            changed = replace(changed, pricing_version=str(pricing.version or ""))
        uow.quotations.update(changed, ctx.clock(), **columns(changed, pricing))
        uow.emit(subject("updated"), changed)
        return changed


def submit_quotation(
    ctx: SalesContext, caller: Caller, quotation_id: str, expected_version: int = 0
) -> Quotation:
    """Numbers the quotation and asks the approval center (or approves at once without one)."""
    with ctx.transaction() as uow:
        current, row = load(uow.quotations, caller, quotation_id, "quotation", lock=True)
        check_version(expected_version, current.version, "quotation", current.id)
        if current.status != QuotationStatus.DRAFT:
            return q.submitted(current, current.number, ctx.policy.approval)  # raises FailedPrecondition
        number = current.number or uow.number(DocumentType.QUOTATION, current.issue_date)
        moved = q.submitted(current, number, ctx.policy.approval, approval_center=ctx.policy.approval_center)
        uow.quotations.update(moved, ctx.clock(), **columns(moved))
        if moved.status == QuotationStatus.SUBMITTED:
            link = f"/quotations/{moved.id}"
            uow.emit(SUBMITTED, Submission(moved, PricingRecord.from_json(row["pricing"]), link))
        else:
            uow.note(SUBMITTED, moved)  # counted as submitted too, not published
            uow.emit(subject("approved"), moved)
        return moved


def decide(
    uow: UnitOfWork, ctx: SalesContext, quotation_id: str, revision: int, approve: bool, reason: str
) -> bool:
    """The approval center's decision on a submitted revision; False when stale or repeated
    (the quotation is no longer waiting, or the decision names another revision)."""
    found = uow.quotations.get(quotation_id, lock=True)
    if found is None:
        return False
    current = found[0]
    if current.status != QuotationStatus.SUBMITTED or (revision and revision != current.revision):
        return False
    if approve:
        _save(uow, ctx, q.approved(current, reason), "approved")
    else:
        _save(uow, ctx, q.rejected(current, reason or "rejected by the approval center"), "rejected")
    return True


def revise_quotation(
    ctx: SalesContext, caller: Caller, quotation_id: str, valid_until: dt.date | None
) -> Quotation:
    with ctx.transaction() as uow:
        current, row = load(uow.quotations, caller, quotation_id, "quotation", lock=True)
        today = ctx.today()
        old, new = q.revised(
            current,
            ctx.ids("qt"),
            today,
            valid_until or today + dt.timedelta(days=ctx.policy.quotation_validity_days),
        )
        uow.quotations.update(old, ctx.clock(), **columns(old))
        uow.quotations.add(new, ctx.clock(), **columns(new, PricingRecord.from_json(row["pricing"])))
        uow.emit(subject("revised"), new)
        return new


def quotation_pdf(ctx: SalesContext, quotation: Quotation) -> bytes:
    return render_pdf(quotation_view(quotation, ctx.seller))


def send_quotation(
    ctx: SalesContext, caller: Caller, quotation_id: str, to: Sequence[str] = (), message: str = ""
) -> tuple[Quotation, str]:
    """Marks the quotation sent and mails its PDF (same transaction: no mail without the state)."""
    with ctx.transaction() as uow:
        current, _ = load(uow.quotations, caller, quotation_id, "quotation", lock=True)
        moved = q.sent(current, ctx.today())
        recipients = tuple(a.strip() for a in to if a.strip()) or (
            (current.customer.email,) if current.customer.email else ()
        )
        if not recipients:
            raise InvalidArgument("to", "the customer has no e-mail address; name a recipient")
        pdf = quotation_pdf(ctx, moved)
        name = moved.display_number
        text = (message.strip() + "\n\n" if message.strip() else "") + (
            f"เรียน {moved.customer.name}\n\nบริษัทฯ ขอส่งใบเสนอราคาเลขที่ {name} ตามไฟล์แนบ\n"
            f"Please find attached our quotation {name}, valid until {moved.valid_until.isoformat()}.\n\n"
            f"{ctx.seller.name}\n{ctx.seller.name_en}\n"
        )
        mail_id = uow.mail(
            OutgoingMail(
                to=recipients,
                subject=f"ใบเสนอราคา / Quotation {name} — {ctx.seller.name_en or ctx.seller.name}",
                text=text,
                attachments=(Attachment(f"{name.replace(' ', '_')}.pdf", "application/pdf", pdf),),
                language="th",
            ),
            dedupe_key=f"{moved.id}:sent",
        )
        _save(uow, ctx, moved, "sent")
        return moved, mail_id


def accept_quotation(ctx: SalesContext, caller: Caller, quotation_id: str) -> Quotation:
    with ctx.transaction() as uow:
        current, _ = load(uow.quotations, caller, quotation_id, "quotation", lock=True)
        return _save(uow, ctx, q.accepted(current, ctx.today()), "accepted")


def decline_quotation(ctx: SalesContext, caller: Caller, quotation_id: str, reason: str) -> Quotation:
    with ctx.transaction() as uow:
        current, _ = load(uow.quotations, caller, quotation_id, "quotation", lock=True)
        return _save(uow, ctx, q.declined(current, reason), "declined")


def expire_quotations(ctx: SalesContext, limit: int = 500) -> int:
    """The expiry job: approved or sent quotations past their validity become expired."""
    today = ctx.today()
    table = t.quotations
    where = [
        table.c.status.in_([QuotationStatus.APPROVED.value, QuotationStatus.SENT.value]),
        table.c.valid_until < today,
        table.c.superseded.is_(False),
    ]
    with ctx.reading() as uow:
        ids = [x.id for x, _ in uow.quotations.find(where, limit)[0]]
    expired = 0
    for quotation_id in ids:
        with ctx.transaction() as uow:
            found = uow.quotations.get(quotation_id, lock=True)
            if found and q.is_due_to_expire(found[0], today):
                _save(uow, ctx, q.expired(found[0], today), "expired")
                expired += 1
    return expired


def get_quotation(ctx: SalesContext, caller: Caller, quotation_id: str) -> tuple[Quotation, PricingRecord]:
    with ctx.reading() as uow:
        found, row = load(uow.quotations, caller, quotation_id, "quotation")
        return found, PricingRecord.from_json(row["pricing"])


def list_quotations(
    ctx: SalesContext,
    caller: Caller,
    customer_id: str,
    status: str,
    opportunity_id: str,
    size: int,
    token: str,
) -> tuple[list[tuple[Quotation, PricingRecord]], str]:
    table = t.quotations
    where = visible(caller, table)
    if customer_id:
        where.append(table.c.customer_id == customer_id)
    if status:
        where.append(table.c.status == status)
    with ctx.reading() as uow:
        rows, next_token = uow.quotations.find(where, size, token)
    found = [(x, PricingRecord.from_json(r["pricing"])) for x, r in rows]
    if opportunity_id:
        found = [(x, p) for x, p in found if x.opportunity_id == opportunity_id]
    return found, next_token
