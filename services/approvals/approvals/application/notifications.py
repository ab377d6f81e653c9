"""The mail the approval center sends, composed from templates in the reader's language:
new requests to approvers (with signed approve/reject links), the decision to the requester,
reminders and escalations. Each is queued in the use case's transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from approvals.application.context import ApprovalsContext, UnitOfWork
from approvals.domain.links import ActionLink, new_token
from approvals.domain.model import ApprovalRequest, Decision, User

ASSIGNED = "request_assigned"
DECIDED = "request_decided"
REMINDER = "approval_reminder"
ESCALATED = "request_escalated"


def _amount(value: Decimal, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def summary(ctx: ApprovalsContext, r: ApprovalRequest, requester: User | None) -> dict[str, Any]:
    s = r.snapshot
    return {
        "request_id": r.id,
        "title": s.title or f"{r.subject_type} {r.subject_id}",
        "customer_name": s.customer_name,
        "amount": _amount(s.amount, s.currency),
        "subtotal": _amount(s.subtotal, s.currency),
        "discount": _amount(s.discount, s.currency),
        "discount_percent": f"{s.discount_percent:.2f}",
        "lines": [
            {
                "description": x.description,
                "quantity": x.quantity,
                "unit": x.unit,
                "net_unit_price": _amount(x.net_unit_price, s.currency),
                "discount_percent": f"{x.discount_percent:.2f}",
                "overridden": x.overridden,
            }
            for x in s.lines
        ],
        "link": f"{ctx.rules.public_base_url.rstrip('/')}{s.link}" if s.link else "",
        "requester_name": requester.name if requester else r.requester_id,
        "policy_name": r.policy_name,
    }


def _links(
    ctx: ApprovalsContext,
    uow: UnitOfWork,
    r: ApprovalRequest,
    step_index: int,
    actor_id: str,
    now: dt.datetime,
) -> dict[str, str]:
    """A fresh approve and reject link for `actor_id` (only their hashes are stored)."""
    urls: dict[str, str] = {}
    expires = now + dt.timedelta(seconds=ctx.rules.link_ttl_seconds)
    for action in (Decision.APPROVE, Decision.REJECT):
        token, token_hash = new_token()
        uow.links.add(ActionLink(token_hash, r.id, step_index, actor_id, action, expires), now)
        urls[f"{action.value}_url"] = f"{ctx.rules.public_base_url.rstrip('/')}/approvals/act/{token}"
    return urls


def _send(
    ctx: ApprovalsContext, uow: UnitOfWork, template: str, user: User, context: dict[str, Any], key: str
) -> None:
    if not user.email or not user.active:
        return
    rendered = ctx.templates.render(template, user.language, {**context, "recipient_name": user.name})
    uow.mail(rendered.to(user.email), key)


def ask_to_decide(
    ctx: ApprovalsContext,
    uow: UnitOfWork,
    r: ApprovalRequest,
    step_index: int,
    user_ids: list[str] | tuple[str, ...],
    template: str,
    now: dt.datetime,
    extra: dict[str, Any] | None = None,
) -> None:
    """Mails each user a summary of the request with their own approve and reject links."""
    requester = uow.directory.user(r.requester_id)
    base = summary(ctx, r, requester) | (extra or {})
    for user_id in user_ids:
        user = uow.directory.user(user_id)
        if user is None:
            continue
        links = _links(ctx, uow, r, step_index, user_id, now)
        _send(ctx, uow, template, user, base | links, f"{r.id}:{r.version}:{template}:{user_id}")


def tell_requester(
    ctx: ApprovalsContext, uow: UnitOfWork, r: ApprovalRequest, decided_by: str, reason: str, automatic: bool
) -> None:
    requester = uow.directory.user(r.requester_id)
    if requester is None:
        return
    decider = uow.directory.user(decided_by)
    context = summary(ctx, r, requester) | {
        "approved": r.status.value == "approved",
        "status": r.status.value,
        "reason": reason,
        "decided_by_name": "" if automatic else (decider.name if decider else decided_by),
        "automatic": automatic,
    }
    _send(ctx, uow, DECIDED, requester, context, f"{r.id}:{r.version}:{DECIDED}")
