"""Approval policies: checking that a policy can work, and choosing the one that applies.

Policies of a request type are tried in ascending `priority` (then name, so the order is
total); the first whose conditions all hold applies. No match means the request needs no
approval: it is approved at once and the audit trail says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from chassis.errors import InvalidArgument, ViolationCollector

from approvals.domain.model import ApproverKind, Conditions, Facts, Policy, PolicyStep

MAX_STEPS = 10
MAX_MANAGER_LEVELS = 10
ROLES = frozenset(
    {"admin", "sales_manager", "sales_rep", "service_agent", "approver", "accountant", "marketing"}
)


def check_policy(policy: Policy, prefix: str = "policy") -> None:
    """Raises InvalidArgument naming every field that would make the policy unusable."""
    problems = ViolationCollector()
    if not policy.name.strip():
        problems.add(f"{prefix}.name", "is required")
    if not policy.steps:
        problems.add(f"{prefix}.steps", "a policy needs at least one step")
    if len(policy.steps) > MAX_STEPS:
        problems.add(f"{prefix}.steps", f"at most {MAX_STEPS} steps")
    _check_conditions(policy.conditions, f"{prefix}.conditions", problems)
    for index, step in enumerate(policy.steps):
        _check_step(step, f"{prefix}.steps[{index}]", problems)
    problems.raise_if_any()


def _check_conditions(conditions: Conditions, prefix: str, problems: ViolationCollector) -> None:
    if conditions.min_amount is not None and conditions.min_amount < 0:
        problems.add(f"{prefix}.min_amount", "must not be negative")
    percent = conditions.min_discount_percent
    if percent is not None and not Decimal(0) <= percent <= Decimal(100):
        problems.add(f"{prefix}.min_discount_percent", "must be between 0 and 100")
    unknown = conditions.requester_roles - ROLES
    if unknown:
        problems.add(f"{prefix}.requester_roles", f"unknown roles: {', '.join(sorted(unknown))}")


def _check_step(step: PolicyStep, prefix: str, problems: ViolationCollector) -> None:
    if not step.name.strip():
        problems.add(f"{prefix}.name", "is required")
    if step.approver_kind is ApproverKind.USER and not step.user_id.strip():
        problems.add(f"{prefix}.user_id", "is required for a named-user step")
    if step.approver_kind is ApproverKind.ROLE and step.role not in ROLES:
        problems.add(f"{prefix}.role", f"must be one of {', '.join(sorted(ROLES))}")
    if step.approver_kind is ApproverKind.MANAGER and not 1 <= step.manager_levels <= MAX_MANAGER_LEVELS:
        problems.add(f"{prefix}.manager_levels", f"must be between 1 and {MAX_MANAGER_LEVELS}")
    if step.sla_seconds < 0:
        problems.add(f"{prefix}.sla_seconds", "must not be negative")


def matches(conditions: Conditions, facts: Facts) -> bool:
    """Whether every given condition holds for the request."""
    if conditions.min_amount is not None and facts.amount < conditions.min_amount:
        return False
    if (
        conditions.min_discount_percent is not None
        and facts.discount_percent < conditions.min_discount_percent
    ):
        return False
    if conditions.customer_group_ids and not conditions.customer_group_ids & facts.customer_group_ids:
        return False
    if conditions.team_ids and facts.team_id not in conditions.team_ids:
        return False
    return not (conditions.requester_roles and not conditions.requester_roles & facts.requester_roles)


def ordered(policies: Iterable[Policy]) -> list[Policy]:
    return sorted(policies, key=lambda p: (p.priority, p.name, p.id))


def select_policy(policies: Iterable[Policy], facts: Facts) -> Policy | None:
    """The first active policy (by priority) whose conditions hold, or None."""
    for policy in ordered(policies):
        if policy.active and matches(policy.conditions, facts):
            return policy
    return None


def require_reason(reason: str, field: str = "reason") -> str:
    text = reason.strip()
    if not text:
        raise InvalidArgument(field, "a reason is required to reject")
    return text
