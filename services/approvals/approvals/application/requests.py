"""Use cases of approval requests, one transaction each: submit (from an event or gRPC),
decide (approve, reject, bulk approve), withdraw, escalate what is overdue; and the reads."""

from __future__ import annotations

from dataclasses import dataclass

from chassis.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, ViolationCollector
from chassis.identity import Caller

from approvals.adapters.audit import HistoryEntry, Origin
from approvals.adapters.requests import PendingFilter
from approvals.application.context import ApprovalsContext, UnitOfWork
from approvals.application.effects import apply_effects, count_decisions
from approvals.domain import events as de
from approvals.domain import requests as rules
from approvals.domain.model import (
    SYSTEM,
    ApprovalRequest,
    Decision,
    Facts,
    RequestStatus,
    RequestType,
    Snapshot,
)
from approvals.domain.policies import select_policy
from approvals.metrics import REQUESTS_PENDING

MAX_PAGE = 200


@dataclass(frozen=True)
class NewRequest:
    request_type: RequestType
    subject_type: str
    subject_id: str
    revision: int
    requester_id: str
    team_id: str
    snapshot: Snapshot


def _check_new(command: NewRequest) -> None:
    problems = ViolationCollector()
    if not command.subject_type.strip():
        problems.add("subject_type", "is required")
    if not command.subject_id.strip():
        problems.add("subject_id", "is required")
    if command.revision < 0:
        problems.add("revision", "must not be negative")
    if not command.requester_id.strip():
        problems.add("requester_id", "is required")
    if command.snapshot.amount < 0:
        problems.add("snapshot.amount.amount", "must not be negative")
    problems.raise_if_any()


def submit(ctx: ApprovalsContext, uow: UnitOfWork, command: NewRequest, origin: Origin) -> ApprovalRequest:
    """Opens a request for a subject revision in the caller's transaction (the event handler's
    or `create_request`'s). The same revision again returns the request it opened; a new
    revision withdraws the subject's pending request and starts the next round."""
    _check_new(command)
    existing = uow.requests.by_subject(command.subject_type, command.subject_id, command.revision)
    if existing is not None:
        return existing
    now = ctx.clock()
    earlier = uow.requests.of_subject(command.subject_type, command.subject_id)
    events: list[de.DomainEvent] = []
    for previous in earlier:
        if previous.status is RequestStatus.PENDING:
            read_version = previous.version
            reason = f"superseded by revision {command.revision}"
            events.append(rules.withdraw(previous, SYSTEM, reason, now, admin=True))
            uow.requests.save(previous, read_version)
    requester = uow.directory.user(command.requester_id)
    request = ApprovalRequest(
        id=ctx.ids("apr"),
        request_type=command.request_type,
        subject_type=command.subject_type.strip(),
        subject_id=command.subject_id.strip(),
        revision=command.revision,
        round=max((r.round for r in earlier), default=0) + 1,
        requester_id=command.requester_id.strip(),
        team_id=command.team_id,
        snapshot=command.snapshot,
    )
    facts = Facts(
        amount=command.snapshot.amount,
        discount_percent=command.snapshot.discount_percent,
        customer_group_ids=command.snapshot.customer_group_ids,
        team_id=command.team_id,
        requester_roles=requester.roles if requester else frozenset(),
    )
    policy = select_policy(uow.policies.of_type(command.request_type), facts)
    events.extend(rules.open_request(request, policy, uow.directory, now))
    uow.requests.add(request)
    # Counted here: in an event handler's transaction nothing runs after the commit (a rare
    # rollback after this point over-counts by one).
    count_decisions(apply_effects(ctx, uow, events, origin))
    return request


def create_request(
    ctx: ApprovalsContext, caller: Caller, command: NewRequest, origin: Origin
) -> ApprovalRequest:
    """gRPC CreateRequest: a system (or a user for their own request) asks for approval."""
    if command.requester_id != caller.user_id and not caller.sees_all:
        raise PermissionDenied("only the platform's systems may open a request for someone else")
    with ctx.transaction() as uow:
        request = submit(ctx, uow, command, origin)
    refresh_pending(ctx)
    return request


def _load(uow: UnitOfWork, request_id: str) -> ApprovalRequest:
    request = uow.requests.get(request_id.strip(), lock=True) if request_id.strip() else None
    if request is None:
        if not request_id.strip():
            raise InvalidArgument("request_id", "is required")
        raise NotFound("approval request", request_id)
    return request


def decide(
    ctx: ApprovalsContext, actor_id: str, request_id: str, decision: Decision, reason: str, origin: Origin
) -> ApprovalRequest:
    """Approve or reject as `actor_id` (checked by the domain: assignee, not the requester)."""
    with ctx.transaction() as uow:
        request = _load(uow, request_id)
        read_version = request.version
        events = rules.decide(request, actor_id, decision, reason, uow.directory, ctx.clock())
        uow.requests.save(request, read_version)
        decided = apply_effects(ctx, uow, events, origin)
    count_decisions(decided)
    refresh_pending(ctx)
    return request


@dataclass(frozen=True)
class BulkResult:
    request_id: str
    request: ApprovalRequest | None
    error: str


def bulk_approve(
    ctx: ApprovalsContext, actor_id: str, request_ids: list[str], comment: str, origin: Origin
) -> list[BulkResult]:
    """Approves each request in its own transaction, so one refusal leaves the others done."""
    if not request_ids:
        raise InvalidArgument("request_ids", "name at least one request")
    if len(request_ids) > MAX_PAGE:
        raise InvalidArgument("request_ids", f"at most {MAX_PAGE} at once")
    results: list[BulkResult] = []
    for request_id in dict.fromkeys(request_ids):
        try:
            request = decide(ctx, actor_id, request_id, Decision.APPROVE, comment, origin)
            results.append(BulkResult(request_id, request, ""))
        except (FailedPrecondition, PermissionDenied, NotFound, InvalidArgument) as error:
            results.append(BulkResult(request_id, None, error.message))
    return results


def withdraw(
    ctx: ApprovalsContext, caller: Caller, request_id: str, reason: str, origin: Origin
) -> ApprovalRequest:
    with ctx.transaction() as uow:
        request = _load(uow, request_id)
        read_version = request.version
        event = rules.withdraw(request, caller.user_id, reason, ctx.clock(), admin=caller.sees_all)
        uow.requests.save(request, read_version)
        decided = apply_effects(ctx, uow, [event], origin)
    count_decisions(decided)
    refresh_pending(ctx)
    return request


def withdraw_subject(
    ctx: ApprovalsContext, uow: UnitOfWork, subject_type: str, subject_id: str, revision: int, actor_id: str
) -> None:
    """The owning service took a submitted revision back (e.g. crm.sales.quotation.withdrawn)."""
    request = uow.requests.by_subject(subject_type, subject_id, revision)
    if request is None or request.status is not RequestStatus.PENDING:
        return
    read_version = request.version
    event = rules.withdraw(request, actor_id or SYSTEM, "withdrawn by the requester", ctx.clock(), admin=True)
    uow.requests.save(request, read_version)
    count_decisions(apply_effects(ctx, uow, [event], Origin("event")))


def escalate_overdue(ctx: ApprovalsContext) -> int:
    """Escalates every overdue pending step, one transaction per request; returns how many."""
    with ctx.reading() as uow:
        overdue = uow.requests.overdue_ids(ctx.clock())
    escalated = 0
    for request_id in overdue:
        with ctx.transaction() as uow:
            request = uow.requests.get(request_id, lock=True)
            if request is None:
                continue
            read_version = request.version
            event = rules.escalate(request, uow.directory, ctx.clock())
            if event is None:
                continue  # decided or escalated meanwhile
            uow.requests.save(request, read_version)
            decided = apply_effects(ctx, uow, [event], Origin("system"))
        count_decisions(decided)
        escalated += 1
    return escalated


def refresh_pending(ctx: ApprovalsContext) -> None:
    """The crm_approval_requests_pending gauge, per request type."""
    with ctx.reading() as uow:
        counts = uow.requests.pending_counts()
    for request_type in RequestType:
        REQUESTS_PENDING.labels(request_type.value).set(counts.get(request_type.value, 0))


# -- reads ------------------------------------------------------------------------------------


def may_read(caller: Caller, request: ApprovalRequest) -> bool:
    """Requester, anyone ever asked on it, managers of its team, admins."""
    if caller.sees_all or caller.user_id == request.requester_id:
        return True
    if caller.is_manager and request.team_id and request.team_id in caller.team_ids:
        return True
    return any(caller.user_id in place.actors() for step in request.steps for place in step.assignees)


def get_request(
    ctx: ApprovalsContext, caller: Caller, request_id: str
) -> tuple[ApprovalRequest, list[HistoryEntry]]:
    with ctx.reading() as uow:
        request = uow.requests.get(request_id) if request_id.strip() else None
        if request is None:
            if not request_id.strip():
                raise InvalidArgument("id", "is required")
            raise NotFound("approval request", request_id)
        if not may_read(caller, request):
            raise PermissionDenied(f"{caller.user_id} may not see this request")
        return request, uow.audit.of(request.id)


def list_pending(
    ctx: ApprovalsContext, caller: Caller, where: PendingFilter, page_size: int, page_token: str
) -> tuple[list[ApprovalRequest], str, int]:
    """The caller's queue, oldest first: (page, next page token, total)."""
    if page_size < 0:
        raise InvalidArgument("page_size", "must not be negative")
    size = min(page_size or 50, MAX_PAGE)
    if page_token and not page_token.isdigit():
        raise InvalidArgument("page_token", "is not a token this service gave out")
    offset = int(page_token or 0)
    with ctx.reading() as uow:
        found, total = uow.requests.pending_for(caller.user_id, where, offset, size)
    next_token = str(offset + size) if offset + size < total else ""
    return found, next_token, total
