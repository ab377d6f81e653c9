"""Domain objects as JSON columns and back: policy conditions and steps, a request's snapshot
and steps. Decimals are kept as text, times as ISO 8601 in UTC."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from approvals.domain.model import (
    ApproverKind,
    Assignee,
    Conditions,
    Decision,
    Line,
    PolicyStep,
    Snapshot,
    Step,
    StepMode,
    StepStatus,
)


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def _parse_time(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _parse_decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def conditions_json(c: Conditions) -> str:
    return dumps(
        {
            "min_amount": _decimal(c.min_amount),
            "min_discount_percent": _decimal(c.min_discount_percent),
            "customer_group_ids": sorted(c.customer_group_ids),
            "team_ids": sorted(c.team_ids),
            "requester_roles": sorted(c.requester_roles),
        }
    )


def conditions_of(text: str) -> Conditions:
    d = json.loads(text)
    return Conditions(
        min_amount=_parse_decimal(d["min_amount"]),
        min_discount_percent=_parse_decimal(d["min_discount_percent"]),
        customer_group_ids=frozenset(d["customer_group_ids"]),
        team_ids=frozenset(d["team_ids"]),
        requester_roles=frozenset(d["requester_roles"]),
    )


def policy_step_dict(s: PolicyStep) -> dict[str, Any]:
    return {
        "name": s.name,
        "approver_kind": s.approver_kind.value,
        "user_id": s.user_id,
        "role": s.role,
        "manager_levels": s.manager_levels,
        "mode": s.mode.value,
        "sla_seconds": s.sla_seconds,
    }


def policy_step_of(d: dict[str, Any]) -> PolicyStep:
    return PolicyStep(
        name=d["name"],
        approver_kind=ApproverKind(d["approver_kind"]),
        user_id=d["user_id"],
        role=d["role"],
        manager_levels=d["manager_levels"],
        mode=StepMode(d["mode"]),
        sla_seconds=d["sla_seconds"],
    )


def policy_steps_json(steps: tuple[PolicyStep, ...]) -> str:
    return dumps([policy_step_dict(s) for s in steps])


def policy_steps_of(text: str) -> tuple[PolicyStep, ...]:
    return tuple(policy_step_of(d) for d in json.loads(text))


def snapshot_json(s: Snapshot) -> str:
    return dumps(
        {
            "title": s.title,
            "customer_id": s.customer_id,
            "customer_name": s.customer_name,
            "customer_group_ids": sorted(s.customer_group_ids),
            "currency": s.currency,
            "amount": str(s.amount),
            "subtotal": str(s.subtotal),
            "discount": str(s.discount),
            "discount_percent": str(s.discount_percent),
            "lines": [
                {
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit": line.unit,
                    "net_unit_price": str(line.net_unit_price),
                    "discount_percent": str(line.discount_percent),
                    "overridden": line.overridden,
                }
                for line in s.lines
            ],
            "link": s.link,
            "has_price_override": s.has_price_override,
        }
    )


def snapshot_of(text: str) -> Snapshot:
    d = json.loads(text)
    return Snapshot(
        title=d["title"],
        customer_id=d["customer_id"],
        customer_name=d["customer_name"],
        customer_group_ids=frozenset(d["customer_group_ids"]),
        currency=d["currency"],
        amount=Decimal(d["amount"]),
        subtotal=Decimal(d["subtotal"]),
        discount=Decimal(d["discount"]),
        discount_percent=Decimal(d["discount_percent"]),
        lines=tuple(
            Line(
                description=x["description"],
                quantity=x["quantity"],
                unit=x["unit"],
                net_unit_price=Decimal(x["net_unit_price"]),
                discount_percent=Decimal(x["discount_percent"]),
                overridden=x["overridden"],
            )
            for x in d["lines"]
        ),
        link=d["link"],
        has_price_override=d["has_price_override"],
    )


def steps_json(steps: list[Step]) -> str:
    return dumps(
        [
            {
                "index": s.index,
                "name": s.name,
                "mode": s.mode.value,
                "definition": policy_step_dict(s.definition),
                "status": s.status.value,
                "activated_at": _time(s.activated_at),
                "due_at": _time(s.due_at),
                "escalation_level": s.escalation_level,
                "assignees": [
                    {
                        "approver_id": a.approver_id,
                        "delegate_id": a.delegate_id,
                        "escalated_to_id": a.escalated_to_id,
                        "decision": a.decision.value if a.decision else None,
                        "decided_by": a.decided_by,
                        "decided_at": _time(a.decided_at),
                    }
                    for a in s.assignees
                ],
            }
            for s in steps
        ]
    )


def steps_of(text: str) -> list[Step]:
    return [
        Step(
            index=d["index"],
            name=d["name"],
            mode=StepMode(d["mode"]),
            definition=policy_step_of(d["definition"]),
            status=StepStatus(d["status"]),
            activated_at=_parse_time(d["activated_at"]),
            due_at=_parse_time(d["due_at"]),
            escalation_level=d["escalation_level"],
            assignees=[
                Assignee(
                    approver_id=a["approver_id"],
                    delegate_id=a["delegate_id"],
                    escalated_to_id=a["escalated_to_id"],
                    decision=Decision(a["decision"]) if a["decision"] else None,
                    decided_by=a["decided_by"],
                    decided_at=_parse_time(a["decided_at"]),
                )
                for a in d["assignees"]
            ],
        )
        for d in json.loads(text)
    ]
