"""What happened to a request, as the domain reports it. The application turns each into an
outbox event, audit entries and mail; the domain only says what happened."""

from __future__ import annotations

from dataclasses import dataclass

from approvals.domain.model import ApprovalRequest, Step


@dataclass(frozen=True)
class RequestOpened:
    request: ApprovalRequest


@dataclass(frozen=True)
class StepActivated:
    """A step became pending: its assignees are asked. `fell_back`: the step named nobody and
    went to the admins."""

    request: ApprovalRequest
    step: Step
    fell_back: bool = False


@dataclass(frozen=True)
class StepApproved:
    """One approver approved their place(s); `step_done` when that completed the step."""

    request: ApprovalRequest
    step: Step
    actor: str
    on_behalf_of: str
    comment: str
    step_done: bool


@dataclass(frozen=True)
class RequestApproved:
    request: ApprovalRequest
    actor: str
    comment: str
    automatic: bool = False


@dataclass(frozen=True)
class RequestRejected:
    request: ApprovalRequest
    step: Step
    actor: str
    on_behalf_of: str
    reason: str


@dataclass(frozen=True)
class RequestWithdrawn:
    request: ApprovalRequest
    actor: str
    reason: str


@dataclass(frozen=True)
class StepEscalated:
    """An overdue step went one manager up; the approvers still waiting are reminded."""

    request: ApprovalRequest
    step: Step
    previous: tuple[str, ...]
    targets: tuple[str, ...]
    reminded: tuple[str, ...]


DomainEvent = (
    RequestOpened
    | StepActivated
    | StepApproved
    | RequestApproved
    | RequestRejected
    | RequestWithdrawn
    | StepEscalated
)
