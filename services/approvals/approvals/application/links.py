"""Deciding from an e-mail link, without logging in: the token is the credential. Describing
a link changes nothing (mail scanners fetch links); using it decides once, as the user it was
sent to, while that user still holds an open place of the same pending step."""

from __future__ import annotations

from dataclasses import dataclass

from chassis.errors import FailedPrecondition, InvalidArgument, NotFound

from approvals.adapters.audit import Origin
from approvals.application.context import ApprovalsContext
from approvals.application.effects import apply_effects, count_decisions
from approvals.application.requests import refresh_pending
from approvals.domain import requests as rules
from approvals.domain.links import hash_token, link_problem
from approvals.domain.model import ApprovalRequest, Decision, User


@dataclass(frozen=True)
class LinkView:
    usable: bool
    problem: str
    action: Decision
    approver: User | None
    approver_id: str
    request: ApprovalRequest


def _token(token: str) -> str:
    token = token.strip()
    if not token or len(token) > 200:
        raise InvalidArgument("token", "is not an action link token")
    return hash_token(token)


def describe_link(ctx: ApprovalsContext, token: str) -> LinkView:
    """What the link would do now, and why not when it cannot (read-only)."""
    with ctx.reading() as uow:
        link = uow.links.get(_token(token))
        if link is None:
            raise NotFound("action link", "this link")
        request = uow.requests.get(link.request_id)
        if request is None:
            raise NotFound("approval request", link.request_id)
        problem = link_problem(link, request, ctx.clock())
        return LinkView(
            not problem, problem, link.action, uow.directory.user(link.actor_id), link.actor_id, request
        )


def decide_by_link(
    ctx: ApprovalsContext, token: str, reason: str, origin: Origin
) -> tuple[ApprovalRequest, Decision]:
    """Performs the link's decision; a used, expired or stale link raises FailedPrecondition
    with the reason and changes nothing."""
    token_hash = _token(token)
    now = ctx.clock()
    with ctx.transaction() as uow:
        link = uow.links.get(token_hash, lock=True)
        if link is None:
            raise NotFound("action link", "this link")
        request = uow.requests.get(link.request_id, lock=True)
        if request is None:
            raise NotFound("approval request", link.request_id)
        problem = link_problem(link, request, now)
        if problem:
            raise FailedPrecondition(problem)
        read_version = request.version
        events = rules.decide(request, link.actor_id, link.action, reason, uow.directory, now)
        if not uow.links.use(token_hash, now):
            raise FailedPrecondition("this link has already been used")
        uow.requests.save(request, read_version)
        decided = apply_effects(ctx, uow, events, origin)
    count_decisions(decided)
    refresh_pending(ctx)
    return request, link.action
