"""SLA policies: targets per priority, which cases a policy covers, and what stops its clock.

Policies are tried in their explicit `position` order and the first whose conditions all hold
wins, so a customer-specific policy placed first overrides a general one. An empty condition
matches anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from chassis.errors import InvalidArgument, ViolationCollector

from service_desk.domain.cases import CaseFacts, CaseStatus, Priority

DEFAULT_WARNING_SHARE = Decimal("0.75")


class EscalationActionKind(StrEnum):
    NOTIFY_ASSIGNEE = "notify_assignee"
    NOTIFY_TEAM_LEAD = "notify_team_lead"
    REASSIGN = "reassign"
    RAISE_PRIORITY = "raise_priority"


@dataclass(frozen=True)
class EscalationAction:
    """One action; `reassign_to` names the user or team a reassignment goes to."""

    kind: EscalationActionKind
    reassign_to: str = ""


@dataclass(frozen=True)
class SlaTarget:
    priority: Priority
    first_response_minutes: int
    resolution_minutes: int


@dataclass(frozen=True)
class MatchConditions:
    """Each set, when not empty, must contain the case's value (groups: any shared one)."""

    customer_ids: frozenset[str] = frozenset()
    contract_ids: frozenset[str] = frozenset()
    customer_group_ids: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    case_types: frozenset[str] = frozenset()

    def matches(self, facts: CaseFacts) -> bool:
        return (
            (not self.customer_ids or facts.customer_id in self.customer_ids)
            and (not self.contract_ids or facts.contract_id in self.contract_ids)
            and (not self.customer_group_ids or bool(self.customer_group_ids & facts.customer_group_ids))
            and (not self.channels or facts.channel in self.channels)
            and (not self.case_types or facts.case_type in self.case_types)
        )


@dataclass(frozen=True)
class SlaPolicy:
    """A policy; pass a new or edited one through `checked_policy`, which names bad fields."""

    id: str
    name: str
    position: int
    targets: tuple[SlaTarget, ...]
    conditions: MatchConditions = MatchConditions()
    calendar_id: str = ""
    pause_statuses: frozenset[CaseStatus] = frozenset({CaseStatus.WAITING_FOR_CUSTOMER})
    response_statuses: frozenset[CaseStatus] = frozenset(
        {CaseStatus.IN_PROGRESS, CaseStatus.WAITING_FOR_CUSTOMER, CaseStatus.RESOLVED, CaseStatus.CLOSED}
    )
    resolution_statuses: frozenset[CaseStatus] = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED})
    warning_share: Decimal = DEFAULT_WARNING_SHARE
    warning_actions: tuple[EscalationAction, ...] = (EscalationAction(EscalationActionKind.NOTIFY_ASSIGNEE),)
    breach_actions: tuple[EscalationAction, ...] = field(
        default=(
            EscalationAction(EscalationActionKind.NOTIFY_ASSIGNEE),
            EscalationAction(EscalationActionKind.NOTIFY_TEAM_LEAD),
        )
    )

    def target_for(self, priority: Priority) -> SlaTarget:
        for target in self.targets:
            if target.priority == priority:
                return target
        raise InvalidArgument("priority", f"policy {self.name!r} has no target for {priority.value}")


def checked_policy(policy: SlaPolicy) -> SlaPolicy:
    """The policy after checking every field: positive targets, resolution not below response
    (named, e.g. `targets[1].resolution_minutes`), one target per priority, a warning share
    strictly between 0 and 1, pausing and fulfilling statuses apart, reassignments with a target."""
    violations = ViolationCollector()
    if not policy.name.strip():
        violations.add("name", "is required")
    if not policy.targets:
        violations.add("targets", "a policy needs a target for at least one priority")
    seen: set[Priority] = set()
    for index, target in enumerate(policy.targets):
        path = f"targets[{index}]"
        if target.priority in seen:
            violations.add(f"{path}.priority", f"{target.priority.value} has a target already")
        seen.add(target.priority)
        if target.first_response_minutes <= 0:
            violations.add(f"{path}.first_response_minutes", "must be greater than zero")
        if target.resolution_minutes <= 0:
            violations.add(f"{path}.resolution_minutes", "must be greater than zero")
        elif target.resolution_minutes < target.first_response_minutes:
            violations.add(
                f"{path}.resolution_minutes",
                f"{target.resolution_minutes} is below the first-response target "
                f"({target.first_response_minutes})",
            )
    if not Decimal(0) < policy.warning_share < Decimal(1):
        violations.add("warning_share", "must be between 0 and 1 (0.75 warns at 75% of the target)")
    if policy.pause_statuses & policy.resolution_statuses:
        violations.add("pause_statuses", "a status cannot both pause and fulfil the clock")
    if CaseStatus.NEW in policy.pause_statuses:
        violations.add("pause_statuses", "a new case cannot pause its clock")
    if not policy.resolution_statuses:
        violations.add("resolution_statuses", "at least one status must fulfil the resolution clock")
    for group in ("warning_actions", "breach_actions"):
        for index, action in enumerate(getattr(policy, group)):
            if action.kind == EscalationActionKind.REASSIGN and not action.reassign_to:
                violations.add(f"{group}[{index}].reassign_to", "a reassignment needs a user or team")
    violations.raise_if_any()
    return policy


def match_policy(policies: Iterable[SlaPolicy], facts: CaseFacts) -> SlaPolicy | None:
    """The first policy, by position, whose conditions hold for the case; None when none does."""
    for policy in sorted(policies, key=lambda p: (p.position, p.id)):
        if policy.conditions.matches(facts):
            return policy
    return None
