"""Events of the approvals service.

Published (crm.approvals.request.<event>, payload crm.approvals.v1.ApprovalRequestEvent):
created, step_approved, approved, rejected, withdrawn, escalated (approvals.application.effects).
Consumed (durable "approvals"): the gateway's identity events (users and teams, kept to route
and address requests), sales-docs' quotation submitted/withdrawn (requests open and close) and
service-desk's contract submitted/cancelled (application/contracts.py).
"""

from __future__ import annotations

from typing import Any

from chassis.events import Envelope, Handler
from crm.identity.v1 import identity_pb2 as identity
from crm.sales.v1 import events_pb2 as sales
from sqlalchemy.orm import Session

from approvals import translation as tr
from approvals.adapters.audit import Origin
from approvals.application.context import ApprovalsContext
from approvals.application.contracts import contract_handlers
from approvals.application.requests import NewRequest, submit, withdraw_subject
from approvals.domain.model import Line, RequestType, Snapshot, User

DURABLE = "approvals"

USER_CREATED = "crm.identity.user.created"
USER_UPDATED = "crm.identity.user.updated"
USER_DEACTIVATED = "crm.identity.user.deactivated"
TEAM_CREATED = "crm.identity.team.created"
TEAM_UPDATED = "crm.identity.team.updated"
QUOTATION_SUBMITTED = "crm.sales.quotation.submitted"
QUOTATION_WITHDRAWN = "crm.sales.quotation.withdrawn"


def user_of(msg: identity.User) -> User:
    return User(
        id=msg.id,
        email=msg.email,
        display_name=msg.display_name,
        language=msg.language or "th",
        roles=frozenset(msg.roles),
        team_ids=frozenset(msg.team_ids),
        manager_id=msg.manager_id,
        active=msg.active,
        version=msg.version,
    )


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

    def on_user(session: Session, envelope: Envelope[Any]) -> None:
        ctx.within(session).directory.upsert_user(user_of(envelope.message.user))

    def on_team(session: Session, envelope: Envelope[Any]) -> None:
        team = envelope.message.team
        ctx.within(session).directory.upsert_team(
            team.id, team.name, team.manager_id, team.parent_team_id, team.version
        )

    def on_submitted(session: Session, envelope: Envelope[Any]) -> None:
        submit(ctx, ctx.within(session), quotation_request(envelope.message), Origin("event"))

    def on_withdrawn(session: Session, envelope: Envelope[Any]) -> None:
        msg = envelope.message
        withdraw_subject(
            ctx, ctx.within(session), "quotation", msg.quotation_id, msg.revision, msg.requester_id
        )

    return [
        Handler(USER_CREATED, identity.UserCreated, on_user),
        Handler(USER_UPDATED, identity.UserUpdated, on_user),
        Handler(USER_DEACTIVATED, identity.UserDeactivated, on_user),
        Handler(TEAM_CREATED, identity.TeamCreated, on_team),
        Handler(TEAM_UPDATED, identity.TeamUpdated, on_team),
        Handler(QUOTATION_SUBMITTED, sales.QuotationSubmitted, on_submitted),
        Handler(QUOTATION_WITHDRAWN, sales.QuotationWithdrawn, on_withdrawn),
        *contract_handlers(ctx),
    ]
