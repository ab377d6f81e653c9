"""A small organisation for the unit tests: rep → manager → director → ceo, a second rep, an
admin, a finance approver, and builders for policies and requests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from approvals.domain.model import (
    ApprovalRequest,
    ApproverKind,
    Conditions,
    Facts,
    Policy,
    PolicyStep,
    RequestType,
    Snapshot,
    StepMode,
    User,
)
from approvals.domain.routing import InMemoryDirectory

NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)  # 10:00 in Bangkok

USERS = [
    User(
        "rep", "rep@example.co.th", "Malee", "th", frozenset({"sales_rep"}), frozenset({"north"}), "manager"
    ),
    User(
        "rep2", "rep2@example.co.th", "Anan", "en", frozenset({"sales_rep"}), frozenset({"north"}), "manager"
    ),
    User(
        "manager",
        "mgr@example.co.th",
        "Somchai",
        "th",
        frozenset({"sales_manager"}),
        frozenset({"north"}),
        "director",
    ),
    User("director", "dir@example.co.th", "Kanya", "en", frozenset({"sales_manager"}), frozenset(), "ceo"),
    User("ceo", "ceo@example.co.th", "Niran", "th", frozenset({"admin"})),
    User("fin1", "f1@example.co.th", "Fin One", "en", frozenset({"accountant"})),
    User("fin2", "f2@example.co.th", "Fin Two", "en", frozenset({"accountant"})),
    User(
        "deputy",
        "dep@example.co.th",
        "Deputy",
        "th",
        frozenset({"sales_manager"}),
        frozenset({"north"}),
        "director",
    ),
]


def directory(*delegations, users=USERS) -> InMemoryDirectory:  # type: ignore[no-untyped-def]
    return InMemoryDirectory.of(users, delegations)


def manager_step(levels: int = 1, sla: int = 0, name: str = "manager") -> PolicyStep:
    return PolicyStep(name, ApproverKind.MANAGER, manager_levels=levels, sla_seconds=sla)


def policy(*steps: PolicyStep, priority: int = 10, name: str = "discount", **conditions) -> Policy:  # type: ignore[no-untyped-def]
    return Policy(
        id=f"pol_{name}",
        request_type=RequestType.QUOTATION,
        name=name,
        priority=priority,
        conditions=Conditions(**conditions),
        steps=tuple(steps) or (manager_step(),),
    )


def facts(
    amount: str = "100000", discount: str = "25", groups=(), team: str = "north", roles=("sales_rep",)
) -> Facts:  # type: ignore[no-untyped-def]
    return Facts(Decimal(amount), Decimal(discount), frozenset(groups), team, frozenset(roles))


def request(requester: str = "rep") -> ApprovalRequest:
    return ApprovalRequest(
        id="req_1",
        request_type=RequestType.QUOTATION,
        subject_type="quotation",
        subject_id="q_1",
        revision=1,
        round=1,
        requester_id=requester,
        team_id="north",
        snapshot=Snapshot(
            title="QT2569-00012 rev 1", amount=Decimal("107000.00"), discount_percent=Decimal("25")
        ),
    )


def any_of_finance() -> PolicyStep:
    return PolicyStep("finance", ApproverKind.ROLE, role="accountant", mode=StepMode.ANY)


def all_of_finance() -> PolicyStep:
    return PolicyStep("finance", ApproverKind.ROLE, role="accountant", mode=StepMode.ALL)
