"""Events of the approvals service.

Published (crm.approvals.request.<event>, payload crm.approvals.v1.ApprovalRequestEvent):
created, step_approved, approved, rejected, withdrawn, escalated (approvals.application.effects).
Consumed (durable "approvals"): the gateway's identity events (users and teams, kept by the
chassis.directory handlers to route and address requests; a deactivation stores the user
inactive), sales-docs' quotation submitted/withdrawn (requests open and close) and
service-desk's contract submitted/cancelled (application/contracts.py).
"""

from __future__ import annotations

from typing import Any

from chassis.directory import directory_handlers
from chassis.events import Envelope, Handler
from crm.sales.v1 import events_pb2 as sales
from sqlalchemy.orm import Session

from approvals import translation as tr
from approvals.adapters.audit import Origin
from approvals.adapters.tables import directory_tables
from approvals.application.context import ApprovalsContext
from approvals.application.contracts import contract_handlers
from approvals.application.requests import NewRequest, submit, withdraw_subject
from approvals.domain.model import Line, RequestType, Snapshot

DURABLE = "approvals"

QUOTATION_SUBMITTED = "crm.sales.quotation.submitted"
QUOTATION_WITHDRAWN = "crm.sales.quotation.withdrawn"


def quotation_request(msg: sales.QuotationSubmitted) -> NewRequest:
    """The request of a submitted quotation revision, with its snapshot."""
    discount_percent = tr.decimal_or_zero(msg.discount_percent, "discount_percent")
    snapshot = Snapshot(
        title=f"{msg.number or msg.quotation_id} rev {msg.revision}",
        customer_id=msg.customer_id,
        customer_name=msg.customer_name,
        customer_group_ids=frozenset(msg.customer_group_ids),
        currency=msg.grand_total.currency_code or "THB",
        amount=tr.decimal_or_zero(msg.grand_total.amount, "grand_total"),
        subtotal=tr.decimal_or_zero(msg.subtotal.amount, "subtotal"),
        discount=tr.decimal_or_zero(msg.discount.amount, "discount"),
        discount_percent=discount_percent,
        lines=tuple(
            Line(
                description=x.description,
                quantity=x.quantity,
                unit=x.unit,
                net_unit_price=tr.decimal_or_zero(x.net_unit_price.amount, "net_unit_price"),
                discount_percent=tr.decimal_or_zero(x.discount_percent, "discount_percent"),
                overridden=x.overridden,
            )
            for x in msg.lines
        ),
        link=msg.link,
        has_price_override=msg.has_price_override,
    )
    return NewRequest(
        request_type=RequestType.QUOTATION,
        subject_type="quotation",
        subject_id=msg.quotation_id,
        revision=msg.revision,
        requester_id=msg.requester_id,
        team_id=msg.team_id,
        snapshot=snapshot,
    )


def handlers(ctx: ApprovalsContext) -> list[Handler]:
    """The consumer's handlers; each runs inside the inbox transaction it is given."""

    def on_submitted(session: Session, envelope: Envelope[Any]) -> None:
        submit(ctx, ctx.within(session), quotation_request(envelope.message), Origin("event"))

    def on_withdrawn(session: Session, envelope: Envelope[Any]) -> None:
        msg = envelope.message
        withdraw_subject(
            ctx, ctx.within(session), "quotation", msg.quotation_id, msg.revision, msg.requester_id
        )

    return [
        *directory_handlers(directory_tables),
        Handler(QUOTATION_SUBMITTED, sales.QuotationSubmitted, on_submitted),
        Handler(QUOTATION_WITHDRAWN, sales.QuotationWithdrawn, on_withdrawn),
        *contract_handlers(ctx),
    ]
