"""Signed, single-use, expiring action links in approval mail.

The link carries a random token (192 bits from `secrets`); only its SHA-256 is stored, with
the request, step, round of decisions it belongs to, the user it was sent to, the action and
the expiry. A link acts as that user, once, while that user still holds an open place of the
same pending step; anything else changes nothing and says why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from approvals.domain.model import ApprovalRequest, Decision, RequestStatus

TOKEN_BYTES = 24


def new_token() -> tuple[str, str]:
    """(token for the link, its hash for the database)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class ActionLink:
    token_hash: str
    request_id: str
    step_index: int
    actor_id: str
    action: Decision
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


def link_problem(link: ActionLink, request: ApprovalRequest, now: dt.datetime) -> str:
    """Why the link cannot act now ("" when it can)."""
    if link.used_at is not None:
        return "this link has already been used"
    if now >= link.expires_at:
        return "this link has expired"
    if request.status is not RequestStatus.PENDING:
        return f"the request is already {request.status.value}"
    step = request.current
    if step is None or step.index != link.step_index:
        return "the step this link was sent for has been decided"
    if link.actor_id == request.requester_id or not step.open_places_of(link.actor_id):
        return "you are no longer an approver of this step"
    return ""
