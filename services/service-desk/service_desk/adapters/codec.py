"""Between domain values and the JSON kept in the aggregate rows (windows, holidays, policy
rules, status history, covered items). Enums by value, money and shares as decimal text."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from service_desk.domain.calendars import Holiday, WorkingWindow
from service_desk.domain.cases import CaseStatus, Priority, StatusChange
from service_desk.domain.contracts import CoveredItem
from service_desk.domain.sla_policies import (
    EscalationAction,
    EscalationActionKind,
    MatchConditions,
    SlaPolicy,
    SlaTarget,
)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def windows_json(windows: tuple[WorkingWindow, ...]) -> str:
    return dumps([[w.weekday, w.start_minute, w.end_minute] for w in windows])


def windows_of(text: str) -> tuple[WorkingWindow, ...]:
    return tuple(WorkingWindow(int(d), int(s), int(e)) for d, s, e in json.loads(text))


def holidays_json(holidays: tuple[Holiday, ...]) -> str:
    return dumps([[h.date.isoformat(), h.name, h.start_minute, h.end_minute] for h in holidays])


def holidays_of(text: str) -> tuple[Holiday, ...]:
    return tuple(Holiday(dt.date.fromisoformat(d), n, int(s), int(e)) for d, n, s, e in json.loads(text))


def _actions(actions: tuple[EscalationAction, ...]) -> list[list[str]]:
    return [[a.kind.value, a.reassign_to] for a in actions]


def _actions_of(raw: list[list[str]]) -> tuple[EscalationAction, ...]:
    return tuple(EscalationAction(EscalationActionKind(kind), to) for kind, to in raw)


def _statuses(values: frozenset[CaseStatus]) -> list[str]:
    return sorted(s.value for s in values)


def policy_body(policy: SlaPolicy) -> str:
    """Everything of a policy but id, name, position (columns of their own)."""
    c = policy.conditions
    return dumps(
        {
            "targets": [
                [t.priority.value, t.first_response_minutes, t.resolution_minutes] for t in policy.targets
            ],
            "conditions": {
                "customer_ids": sorted(c.customer_ids),
                "contract_ids": sorted(c.contract_ids),
                "customer_group_ids": sorted(c.customer_group_ids),
                "channels": sorted(c.channels),
                "case_types": sorted(c.case_types),
            },
            "calendar_id": policy.calendar_id,
            "pause_statuses": _statuses(policy.pause_statuses),
            "response_statuses": _statuses(policy.response_statuses),
            "resolution_statuses": _statuses(policy.resolution_statuses),
            "warning_share": str(policy.warning_share),
            "warning_actions": _actions(policy.warning_actions),
            "breach_actions": _actions(policy.breach_actions),
        }
    )


def policy_of(id: str, name: str, position: int, body: str) -> SlaPolicy:
    raw = json.loads(body)
    c = raw["conditions"]
    return SlaPolicy(
        id=id,
        name=name,
        position=position,
        targets=tuple(SlaTarget(Priority(p), int(r), int(s)) for p, r, s in raw["targets"]),
        conditions=MatchConditions(
            frozenset(c["customer_ids"]),
            frozenset(c["contract_ids"]),
            frozenset(c["customer_group_ids"]),
            frozenset(c["channels"]),
            frozenset(c["case_types"]),
        ),
        calendar_id=raw["calendar_id"],
        pause_statuses=frozenset(CaseStatus(s) for s in raw["pause_statuses"]),
        response_statuses=frozenset(CaseStatus(s) for s in raw["response_statuses"]),
        resolution_statuses=frozenset(CaseStatus(s) for s in raw["resolution_statuses"]),
        warning_share=Decimal(raw["warning_share"]),
        warning_actions=_actions_of(raw["warning_actions"]),
        breach_actions=_actions_of(raw["breach_actions"]),
    )


def history_json(history: tuple[StatusChange, ...]) -> str:
    return dumps(
        [
            [
                c.at.isoformat(),
                c.from_status.value if c.from_status else "",
                c.to_status.value,
                c.actor,
                c.reason,
            ]
            for c in history
        ]
    )


def history_of(text: str) -> tuple[StatusChange, ...]:
    return tuple(
        StatusChange(
            dt.datetime.fromisoformat(at), CaseStatus(src) if src else None, CaseStatus(dst), actor, why
        )
        for at, src, dst, actor, why in json.loads(text)
    )


def items_json(items: tuple[CoveredItem, ...]) -> str:
    return dumps([[i.product_id, i.serial_number, str(i.yearly_value), i.description] for i in items])


def items_of(text: str) -> tuple[CoveredItem, ...]:
    return tuple(CoveredItem(p, s, Decimal(v), d) for p, s, v, d in json.loads(text))
