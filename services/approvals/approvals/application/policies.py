"""Policy management (admins): create, replace, list. A policy is checked whole before it is
stored, so a request never meets a policy that cannot route it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from chassis.errors import Conflict, InvalidArgument, NotFound
from chassis.identity import Caller

from approvals.application.context import ApprovalsContext
from approvals.domain.model import Policy, RequestType
from approvals.domain.policies import check_policy


def create_policy(ctx: ApprovalsContext, caller: Caller, policy: Policy) -> tuple[Policy, dt.datetime]:
    caller.require_role("admin")
    created = replace(policy, id=ctx.ids("pol"), version=1)
    check_policy(created)
    now = ctx.clock()
    with ctx.transaction() as uow:
        uow.policies.add(created, caller.user_id, now)
    return created, now


def update_policy(
    ctx: ApprovalsContext, caller: Caller, policy: Policy, expected_version: int
) -> tuple[Policy, dt.datetime]:
    caller.require_role("admin")
    if not policy.id.strip():
        raise InvalidArgument("policy.id", "is required")
    check_policy(policy)
    now = ctx.clock()
    with ctx.transaction() as uow:
        stored = uow.policies.get(policy.id)
        if stored is None:
            raise NotFound("policy", policy.id)
        if expected_version and expected_version != stored.version:
            raise Conflict(f"policy {policy.id} is at version {stored.version}, not {expected_version}")
        changed = replace(policy, version=stored.version + 1)
        uow.policies.save(changed, stored.version, caller.user_id, now)
    return changed, now


def list_policies(
    ctx: ApprovalsContext, caller: Caller, request_type: RequestType | None, include_inactive: bool
) -> list[tuple[Policy, dt.datetime | None]]:
    caller.require_role("admin", "sales_manager", "approver")
    with ctx.reading() as uow:
        found = uow.policies.of_type(request_type, include_inactive)
        return [(p, uow.policies.updated_at(p.id)) for p in found]
