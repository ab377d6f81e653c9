"""The approval center's vocabulary as plain dataclasses: policies with conditions and steps,
requests with their steps and the places in a step that need a decision, users as the
identity events describe them, and delegations. No framework imports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class RequestType(StrEnum):
    QUOTATION = "quotation"
    SERVICE_CONTRACT = "service_contract"
    PRICE_OVERRIDE = "price_override"
    CREDIT_LIMIT = "credit_limit"


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class StepStatus(StrEnum):
    WAITING = "waiting"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class ApproverKind(StrEnum):
    USER = "user"
    ROLE = "role"
    MANAGER = "manager"


class StepMode(StrEnum):
    ANY = "any"
    ALL = "all"


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


SYSTEM = "system"


@dataclass(frozen=True)
class User:
    """What approvals keeps of a gateway user (from crm.identity.user.* events)."""

    id: str
    email: str = ""
    display_name: str = ""
    language: str = "th"
    roles: frozenset[str] = frozenset()
    team_ids: frozenset[str] = frozenset()
    manager_id: str = ""
    active: bool = True
    version: int = 0

    @property
    def name(self) -> str:
        return self.display_name or self.email or self.id


@dataclass(frozen=True)
class Conditions:
    """When a policy applies; empty fields do not restrict, all given ones must hold."""

    min_amount: Decimal | None = None
    min_discount_percent: Decimal | None = None
    customer_group_ids: frozenset[str] = frozenset()
    team_ids: frozenset[str] = frozenset()
    requester_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PolicyStep:
    name: str
    approver_kind: ApproverKind
    user_id: str = ""
    role: str = ""
    manager_levels: int = 1
    mode: StepMode = StepMode.ANY
    sla_seconds: int = 0


@dataclass(frozen=True)
class Policy:
    id: str
    request_type: RequestType
    name: str
    priority: int
    conditions: Conditions
    steps: tuple[PolicyStep, ...]
    active: bool = True
    version: int = 1


@dataclass(frozen=True)
class Line:
    description: str
    quantity: str
    unit: str
    net_unit_price: Decimal
    discount_percent: Decimal
    overridden: bool = False


@dataclass(frozen=True)
class Snapshot:
    """What is being approved, as submitted. Money is Decimal in `currency`."""

    title: str
    customer_id: str = ""
    customer_name: str = ""
    customer_group_ids: frozenset[str] = frozenset()
    currency: str = "THB"
    amount: Decimal = Decimal("0")
    subtotal: Decimal = Decimal("0")
    discount: Decimal = Decimal("0")
    discount_percent: Decimal = Decimal("0")
    lines: tuple[Line, ...] = ()
    link: str = ""
    has_price_override: bool = False


@dataclass(frozen=True)
class Facts:
    """What the policy conditions look at."""

    amount: Decimal
    discount_percent: Decimal
    customer_group_ids: frozenset[str]
    team_id: str
    requester_roles: frozenset[str]


@dataclass
class Assignee:
    """One place in a step that needs a decision."""

    approver_id: str
    delegate_id: str = ""
    escalated_to_id: str = ""
    decision: Decision | None = None
    decided_by: str = ""
    decided_at: dt.datetime | None = None

    def actors(self) -> list[str]:
        """Who may decide this place: the approver, their delegate, the escalation target."""
        return [a for a in (self.approver_id, self.delegate_id, self.escalated_to_id) if a]

    def asked(self) -> str:
        """Who is asked now: the escalation target, else the delegate, else the approver."""
        return self.escalated_to_id or self.delegate_id or self.approver_id

    @property
    def decided(self) -> bool:
        return self.decision is not None


@dataclass
class Step:
    index: int
    name: str
    mode: StepMode
    definition: PolicyStep
    status: StepStatus = StepStatus.WAITING
    assignees: list[Assignee] = field(default_factory=list)
    activated_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    escalation_level: int = 0

    def open_places_of(self, user_id: str) -> list[Assignee]:
        return [a for a in self.assignees if not a.decided and user_id in a.actors()]


@dataclass
class ApprovalRequest:
    id: str
    request_type: RequestType
    subject_type: str
    subject_id: str
    revision: int
    round: int
    requester_id: str
    team_id: str
    snapshot: Snapshot
    status: RequestStatus = RequestStatus.PENDING
    policy_id: str = ""
    policy_name: str = ""
    steps: list[Step] = field(default_factory=list)
    decided_by: str = ""
    reason: str = ""
    created_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    version: int = 0

    @property
    def current(self) -> Step | None:
        """The pending step, if the request waits for one."""
        for step in self.steps:
            if step.status is StepStatus.PENDING:
                return step
        return None

    @property
    def current_index(self) -> int:
        step = self.current
        return -1 if step is None else step.index

    def waiting_for(self) -> list[str]:
        """Everyone who may decide the pending step now (its open places' actors)."""
        step = self.current
        if step is None or self.status is not RequestStatus.PENDING:
            return []
        found: list[str] = []
        for place in step.assignees:
            if not place.decided:
                found.extend(a for a in place.actors() if a not in found and a != self.requester_id)
        return found


@dataclass(frozen=True)
class Delegation:
    """`delegator_id`'s requests arriving between the dates (inclusive) go to `delegate_id`."""

    id: str
    delegator_id: str
    delegate_id: str
    start_date: dt.date
    end_date: dt.date
    reason: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date
