"""Between protobuf messages (crm.approvals.v1) and the domain: enums by name, money as
decimal strings, timestamps; and the event message every crm.approvals.request.* carries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from chassis.errors import InvalidArgument
from crm.approvals.v1 import events_pb2 as ev
from crm.approvals.v1 import resources_pb2 as res
from crm.common.v1 import money_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from approvals.adapters.audit import HistoryEntry
from approvals.domain.model import (
    ApprovalRequest,
    ApproverKind,
    Conditions,
    Decision,
    Delegation,
    Line,
    Policy,
    PolicyStep,
    RequestStatus,
    RequestType,
    Snapshot,
    StepMode,
    StepStatus,
)


def enum_value(enum_type: Any, prefix: str, name: str) -> Any:
    """The proto enum value of a domain name (typed as the generated ValueType)."""
    return enum_type.Value(f"{prefix}{name.upper()}")


def enum_name(enum_type: Any, prefix: str, value: int, field: str) -> str:
    """The domain name of a proto enum value ("" for UNSPECIFIED); unknown values refused."""
    try:
        full = enum_type.Name(value)
    except ValueError:
        raise InvalidArgument(field, f"{value} is not a known value") from None
    name = str(full).removeprefix(prefix).lower()
    return "" if name == "unspecified" else name


def request_type_of(value: int, field: str = "request_type", required: bool = True) -> RequestType | None:
    name = enum_name(res.RequestType, "REQUEST_TYPE_", value, field)
    if not name:
        if required:
            raise InvalidArgument(field, "is required")
        return None
    return RequestType(name)


def timestamp(value: dt.datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value.astimezone(dt.UTC))
    return stamp


def decimal_of(text: str, field: str, default: Decimal | None = None) -> Decimal | None:
    if not text.strip():
        return default
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InvalidArgument(field, f"{text!r} is not a decimal number") from None
    if not value.is_finite():
        raise InvalidArgument(field, "must be a finite number")
    return value


def decimal_or_zero(text: str, field: str) -> Decimal:
    return decimal_of(text, field) or Decimal("0")


def money(amount: Decimal, currency: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code=currency, amount=f"{amount:.2f}")


# -- policies -------------------------------------------------------------------------------


def conditions_of(msg: res.Conditions) -> Conditions:
    return Conditions(
        min_amount=decimal_of(msg.min_amount, "policy.conditions.min_amount"),
        min_discount_percent=decimal_of(msg.min_discount_percent, "policy.conditions.min_discount_percent"),
        customer_group_ids=frozenset(x.strip() for x in msg.customer_group_ids if x.strip()),
        team_ids=frozenset(x.strip() for x in msg.team_ids if x.strip()),
        requester_roles=frozenset(x.strip() for x in msg.requester_roles if x.strip()),
    )


def policy_step_of(msg: res.PolicyStep, field: str) -> PolicyStep:
    kind = enum_name(res.ApproverKind, "APPROVER_KIND_", msg.approver_kind, f"{field}.approver_kind")
    if not kind:
        raise InvalidArgument(f"{field}.approver_kind", "is required (user, role or manager)")
    mode = enum_name(res.StepMode, "STEP_MODE_", msg.mode, f"{field}.mode") or "any"
    return PolicyStep(
        name=msg.name.strip(),
        approver_kind=ApproverKind(kind),
        user_id=msg.user_id.strip(),
        role=msg.role.strip(),
        manager_levels=msg.manager_levels or 1,
        mode=StepMode(mode),
        sla_seconds=msg.sla_seconds,
    )


def policy_of(msg: res.Policy, policy_id: str = "", version: int = 1) -> Policy:
    request_type = request_type_of(msg.request_type, "policy.request_type")
    assert request_type is not None
    return Policy(
        id=policy_id or msg.id,
        request_type=request_type,
        name=msg.name,
        priority=msg.priority,
        conditions=conditions_of(msg.conditions),
        steps=tuple(policy_step_of(s, f"policy.steps[{i}]") for i, s in enumerate(msg.steps)),
        active=msg.active,
        version=version,
    )


def policy_message(p: Policy, updated_at: dt.datetime | None = None) -> res.Policy:
    c = p.conditions
    return res.Policy(
        id=p.id,
        request_type=enum_value(res.RequestType, "REQUEST_TYPE_", p.request_type.value),
        name=p.name,
        priority=p.priority,
        conditions=res.Conditions(
            min_amount="" if c.min_amount is None else str(c.min_amount),
            min_discount_percent="" if c.min_discount_percent is None else str(c.min_discount_percent),
            customer_group_ids=sorted(c.customer_group_ids),
            team_ids=sorted(c.team_ids),
            requester_roles=sorted(c.requester_roles),
        ),
        steps=[
            res.PolicyStep(
                name=s.name,
                approver_kind=enum_value(res.ApproverKind, "APPROVER_KIND_", s.approver_kind.value),
                user_id=s.user_id,
                role=s.role,
                manager_levels=s.manager_levels,
                mode=enum_value(res.StepMode, "STEP_MODE_", s.mode.value),
                sla_seconds=s.sla_seconds,
            )
            for s in p.steps
        ],
        active=p.active,
        version=p.version,
        update_time=timestamp(updated_at),
    )


# -- requests -------------------------------------------------------------------------------


def snapshot_message(s: Snapshot) -> res.Snapshot:
    return res.Snapshot(
        title=s.title,
        customer_id=s.customer_id,
        customer_name=s.customer_name,
        customer_group_ids=sorted(s.customer_group_ids),
        amount=money(s.amount, s.currency),
        subtotal=money(s.subtotal, s.currency),
        discount=money(s.discount, s.currency),
        discount_percent=str(s.discount_percent),
        lines=[
            res.LineSummary(
                description=x.description,
                quantity=x.quantity,
                unit=x.unit,
                net_unit_price=money(x.net_unit_price, s.currency),
                discount_percent=str(x.discount_percent),
                overridden=x.overridden,
            )
            for x in s.lines
        ],
        link=s.link,
        has_price_override=s.has_price_override,
    )


def snapshot_of(msg: res.Snapshot, field: str = "snapshot") -> Snapshot:
    currency = msg.amount.currency_code or "THB"

    def amount(m: money_pb2.Money, name: str) -> Decimal:
        return decimal_of(m.amount, f"{field}.{name}.amount", Decimal("0")) or Decimal("0")

    return Snapshot(
        title=msg.title.strip(),
        customer_id=msg.customer_id,
        customer_name=msg.customer_name,
        customer_group_ids=frozenset(msg.customer_group_ids),
        currency=currency,
        amount=amount(msg.amount, "amount"),
        subtotal=amount(msg.subtotal, "subtotal"),
        discount=amount(msg.discount, "discount"),
        discount_percent=decimal_of(msg.discount_percent, f"{field}.discount_percent", Decimal("0"))
        or Decimal("0"),
        lines=tuple(
            Line(
                description=x.description,
                quantity=x.quantity,
                unit=x.unit,
                net_unit_price=amount(x.net_unit_price, f"lines[{i}].net_unit_price"),
                discount_percent=decimal_of(
                    x.discount_percent, f"{field}.lines[{i}].discount_percent", Decimal(0)
                )
                or Decimal("0"),
                overridden=x.overridden,
            )
            for i, x in enumerate(msg.lines)
        ),
        link=msg.link,
        has_price_override=msg.has_price_override,
    )


def _decision(value: Decision | None) -> Any:
    return 0 if value is None else enum_value(res.Decision, "DECISION_", value.value)


def request_message(r: ApprovalRequest) -> res.Request:
    return res.Request(
        id=r.id,
        request_type=enum_value(res.RequestType, "REQUEST_TYPE_", r.request_type.value),
        subject_type=r.subject_type,
        subject_id=r.subject_id,
        revision=r.revision,
        round=r.round,
        status=enum_value(res.RequestStatus, "REQUEST_STATUS_", r.status.value),
        requester_id=r.requester_id,
        team_id=r.team_id,
        policy_id=r.policy_id,
        policy_name=r.policy_name,
        snapshot=snapshot_message(r.snapshot),
        steps=[
            res.Step(
                index=s.index,
                name=s.name,
                mode=enum_value(res.StepMode, "STEP_MODE_", s.mode.value),
                status=enum_value(res.StepStatus, "STEP_STATUS_", s.status.value),
                assignees=[
                    res.Assignee(
                        approver_id=a.approver_id,
                        delegate_id=a.delegate_id,
                        escalated_to_id=a.escalated_to_id,
                        decision=_decision(a.decision),
                        decided_by=a.decided_by,
                        decide_time=timestamp(a.decided_at),
                    )
                    for a in s.assignees
                ],
                activate_time=timestamp(s.activated_at),
                due_time=timestamp(s.due_at if s.status is StepStatus.PENDING else None),
                escalation_level=s.escalation_level,
            )
            for s in r.steps
        ],
        current_step=r.current_index,
        decided_by=r.decided_by,
        reason=r.reason,
        create_time=timestamp(r.created_at),
        decide_time=timestamp(r.decided_at),
        version=r.version,
    )


def history_message(h: HistoryEntry) -> res.HistoryEntry:
    return res.HistoryEntry(
        id=h.id,
        action=h.action,
        actor_id=h.actor_id,
        on_behalf_of=h.on_behalf_of,
        step_index=h.step_index,
        reason=h.reason,
        channel=h.channel,
        client_ip=h.client_ip,
        user_agent=h.user_agent,
        details=h.details,
        time=timestamp(h.occurred_at),
    )


def delegation_message(d: Delegation, created_at: dt.datetime | None = None) -> res.Delegation:
    return res.Delegation(
        id=d.id,
        delegator_id=d.delegator_id,
        delegate_id=d.delegate_id,
        start_date=d.start_date.isoformat(),
        end_date=d.end_date.isoformat(),
        reason=d.reason,
        create_time=timestamp(created_at),
    )


def event_message(
    r: ApprovalRequest,
    decision: str,
    *,
    reason: str = "",
    decided_by: str = "",
    on_behalf_of: str = "",
    step_index: int = -1,
    step_name: str = "",
    approver_ids: list[str] | tuple[str, ...] = (),
    previous_approver_ids: tuple[str, ...] = (),
    auto_approved: bool = False,
    now: dt.datetime | None = None,
) -> ev.ApprovalRequestEvent:
    """The message of every crm.approvals.request.* event (event-carried state)."""
    return ev.ApprovalRequestEvent(
        request_id=r.id,
        request_type=enum_value(res.RequestType, "REQUEST_TYPE_", r.request_type.value),
        subject_type=r.subject_type,
        subject_id=r.subject_id,
        revision=r.revision,
        round=r.round,
        requester_id=r.requester_id,
        status=enum_value(res.RequestStatus, "REQUEST_STATUS_", r.status.value),
        decision=decision,
        reason=reason,
        decided_by=decided_by,
        on_behalf_of=on_behalf_of,
        step_index=step_index,
        step_name=step_name,
        approver_ids=list(approver_ids),
        previous_approver_ids=list(previous_approver_ids),
        auto_approved=auto_approved,
        policy_id=r.policy_id,
        version=r.version,
        occur_time=timestamp(now),
    )


STATUS_BY_NAME = {s.value: s for s in RequestStatus}
