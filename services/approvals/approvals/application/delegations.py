"""Delegations: an approver names who decides for them over a date range (their own; admins
may manage anyone's). Requests whose step opens inside the range go to the delegate."""

from __future__ import annotations

import datetime as dt

from chassis.errors import InvalidArgument, NotFound, PermissionDenied, ViolationCollector
from chassis.identity import Caller

from approvals.application.context import ApprovalsContext
from approvals.domain.model import Delegation

MAX_DAYS = 366


def _date(text: str, field: str, problems: ViolationCollector) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        problems.add(field, "must be a date YYYY-MM-DD")
        return None


def create_delegation(
    ctx: ApprovalsContext,
    caller: Caller,
    delegator_id: str,
    delegate_id: str,
    start: str,
    end: str,
    reason: str,
) -> Delegation:
    delegator_id = delegator_id.strip() or caller.user_id
    if delegator_id != caller.user_id and not caller.sees_all:
        raise PermissionDenied("you may only delegate your own approvals")
    problems = ViolationCollector()
    start_date = _date(start, "delegation.start_date", problems)
    end_date = _date(end, "delegation.end_date", problems)
    if not delegate_id.strip():
        problems.add("delegation.delegate_id", "is required")
    elif delegate_id.strip() == delegator_id:
        problems.add("delegation.delegate_id", "cannot be the delegator")
    if start_date and end_date and end_date < start_date:
        problems.add("delegation.end_date", "must not be before start_date")
    if start_date and end_date and (end_date - start_date).days > MAX_DAYS:
        problems.add("delegation.end_date", f"a delegation lasts at most {MAX_DAYS} days")
    problems.raise_if_any()
    assert start_date is not None
    assert end_date is not None
    with ctx.transaction() as uow:
        delegate = uow.directory.user(delegate_id.strip())
        if delegate is None or not delegate.active:
            raise InvalidArgument("delegation.delegate_id", f"no active user {delegate_id.strip()!r}")
        delegation = Delegation(
            ctx.ids("dlg"), delegator_id, delegate.id, start_date, end_date, reason.strip()
        )
        uow.directory.add_delegation(delegation, ctx.clock())
    return delegation


def list_delegations(ctx: ApprovalsContext, caller: Caller, delegator_id: str) -> list[Delegation]:
    delegator_id = delegator_id.strip() or caller.user_id
    if delegator_id != caller.user_id and not caller.sees_all:
        raise PermissionDenied("you may only see your own delegations")
    with ctx.reading() as uow:
        return list(uow.directory.delegations_of(delegator_id))


def delete_delegation(ctx: ApprovalsContext, caller: Caller, delegation_id: str) -> None:
    """Ends a delegation for requests arriving from now on (steps already routed keep it)."""
    with ctx.transaction() as uow:
        found = uow.directory.delegation(delegation_id.strip())
        if found is None:
            raise NotFound("delegation", delegation_id)
        if found.delegator_id != caller.user_id and not caller.sees_all:
            raise PermissionDenied("you may only delete your own delegations")
        uow.directory.delete_delegation(found.id)
