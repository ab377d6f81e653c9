"""Between protobuf messages (crm.servicedesk.v1) and the domain: enums by name, "HH:MM"
times, ISO dates, money as decimal strings, timestamps. Parsing names the field it refuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from chassis.errors import InvalidArgument, ViolationCollector
from crm.common.v1 import money_pb2
from crm.servicedesk.v1 import resources_pb2 as res
from google.protobuf.timestamp_pb2 import Timestamp

from service_desk.adapters.contract_repository import ContractRecord
from service_desk.adapters.repositories import CaseMessage, CaseRecord, Stamped
from service_desk.application.sla import CaseSla
from service_desk.domain.calendars import BusinessCalendar, Holiday, WorkingWindow, format_clock, parse_clock
from service_desk.domain.cases import CaseStatus, Priority, StatusChange
from service_desk.domain.contract_billing import BillingDraft
from service_desk.domain.contracts import (
    DEFAULT_RENEWAL_NOTICE_DAYS,
    BillingPeriod,
    CoveredItem,
    MaintenanceContract,
    PreventiveVisits,
    contract_status,
    planned_visits,
)
from service_desk.domain.sla_clocks import SlaClock
from service_desk.domain.sla_policies import (
    DEFAULT_WARNING_SHARE,
    EscalationAction,
    EscalationActionKind,
    MatchConditions,
    SlaPolicy,
    SlaTarget,
)

_DEFAULTS = SlaPolicy(id="", name="", position=0, targets=())


def enum_value(enum_type: Any, prefix: str, name: str) -> Any:
    return enum_type.Value(f"{prefix}{name.upper()}")


def enum_name(enum_type: Any, prefix: str, value: int, field: str) -> str:
    """The domain name of a proto enum value ("" for UNSPECIFIED); unknown values refused."""
    try:
        full = enum_type.Name(value)
    except ValueError:
        raise InvalidArgument(field, f"{value} is not a known value") from None
    name = str(full).removeprefix(prefix).lower()
    return "" if name == "unspecified" else name


def timestamp(value: dt.datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value.astimezone(dt.UTC))
    return stamp


def status_of(value: int, field: str = "status") -> CaseStatus:
    name = enum_name(res.CaseStatus, "CASE_STATUS_", value, field)
    if not name:
        raise InvalidArgument(field, "is required")
    return CaseStatus(name)


def status_value(status: CaseStatus | None) -> Any:
    return (
        res.CASE_STATUS_UNSPECIFIED if status is None else enum_value(res.CaseStatus, "CASE_STATUS_", status)
    )


def priority_of(value: int, field: str = "priority", default: Priority = Priority.NORMAL) -> Priority:
    name = enum_name(res.Priority, "PRIORITY_", value, field)
    return Priority(name) if name else default


def priority_value(priority: Priority) -> Any:
    return enum_value(res.Priority, "PRIORITY_", priority)


def date_of(text: str, field: str, required: bool = True) -> dt.date | None:
    if not text.strip():
        if required:
            raise InvalidArgument(field, "is required (YYYY-MM-DD)")
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidArgument(field, f"{text!r} is not a date as YYYY-MM-DD") from None


def iso(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def decimal_of(text: str, field: str) -> Decimal:
    try:
        value = Decimal(text.strip() or "0")
    except InvalidOperation:
        raise InvalidArgument(field, f"{text!r} is not a decimal number") from None
    if not value.is_finite():
        raise InvalidArgument(field, f"{text!r} is not a decimal number")
    return value


def money(amount: Decimal, currency: str = "THB") -> money_pb2.Money:
    return money_pb2.Money(currency_code=currency, amount=f"{amount:.2f}")


# -- calendars ---------------------------------------------------------------------------------


def _clock(text: str, field: str, violations: ViolationCollector, default: int | None = None) -> int:
    if not text.strip() and default is not None:
        return default
    try:
        return parse_clock(text)
    except ValueError as error:
        violations.add(field, str(error))
        return 0


def calendar_parts(msg: res.BusinessCalendar) -> tuple[tuple[WorkingWindow, ...], tuple[Holiday, ...]]:
    """Windows and holidays from their texts; the domain checks overlaps and ranges."""
    violations = ViolationCollector()
    windows = tuple(
        WorkingWindow(
            w.weekday,
            _clock(w.start, f"windows[{i}].start", violations),
            _clock(w.end, f"windows[{i}].end", violations),
        )
        for i, w in enumerate(msg.windows)
    )
    holidays: list[Holiday] = []
    for i, h in enumerate(msg.holidays):
        try:
            day = dt.date.fromisoformat(h.date)
        except ValueError:
            violations.add(f"holidays[{i}].date", f"{h.date!r} is not a date as YYYY-MM-DD")
            continue
        start = _clock(h.start, f"holidays[{i}].start", violations, default=0)
        end = _clock(h.end, f"holidays[{i}].end", violations, default=24 * 60)
        holidays.append(Holiday(day, h.name, start, end))
    violations.raise_if_any()
    return windows, tuple(holidays)


def calendar_message(calendar: BusinessCalendar, stamp: Stamped) -> res.BusinessCalendar:
    return res.BusinessCalendar(
        id=calendar.id,
        name=calendar.name,
        zone=calendar.zone,
        windows=[
            res.WorkingWindow(
                weekday=w.weekday, start=format_clock(w.start_minute), end=format_clock(w.end_minute)
            )
            for w in calendar.windows
        ],
        holidays=[
            res.Holiday(
                date=h.date.isoformat(),
                name=h.name,
                start="" if h.whole_day else format_clock(h.start_minute),
                end="" if h.whole_day else format_clock(h.end_minute),
            )
            for h in calendar.holidays
        ],
        version=stamp.version,
        update_time=timestamp(stamp.updated_at),
    )


# -- SLA policies ------------------------------------------------------------------------------


def _statuses(values: Any, field: str, default: frozenset[CaseStatus]) -> frozenset[CaseStatus]:
    if not values:
        return default
    return frozenset(status_of(v, f"{field}[{i}]") for i, v in enumerate(values))


def _actions(values: Any, field: str, default: tuple[EscalationAction, ...]) -> tuple[EscalationAction, ...]:
    if not values:
        return default
    found: list[EscalationAction] = []
    for i, a in enumerate(values):
        name = enum_name(res.EscalationActionKind, "ESCALATION_ACTION_KIND_", a.kind, f"{field}[{i}].kind")
        if not name:
            raise InvalidArgument(f"{field}[{i}].kind", "is required")
        found.append(EscalationAction(EscalationActionKind(name), a.reassign_to.strip()))
    return tuple(found)


def policy_of(msg: res.SlaPolicy) -> SlaPolicy:
    """A policy from its message; empty lists take the domain's defaults. Not yet checked."""
    targets = []
    for i, t in enumerate(msg.targets):
        name = enum_name(res.Priority, "PRIORITY_", t.priority, f"targets[{i}].priority")
        if not name:
            raise InvalidArgument(f"targets[{i}].priority", "is required")
        targets.append(SlaTarget(Priority(name), t.first_response_minutes, t.resolution_minutes))
    c = msg.conditions
    return SlaPolicy(
        id=msg.id.strip(),
        name=msg.name,
        position=msg.position,
        targets=tuple(targets),
        conditions=MatchConditions(
            frozenset(c.customer_ids),
            frozenset(c.contract_ids),
            frozenset(c.customer_group_ids),
            frozenset(c.channels),
            frozenset(c.case_types),
        ),
        calendar_id=msg.calendar_id.strip(),
        pause_statuses=_statuses(msg.pause_statuses, "pause_statuses", _DEFAULTS.pause_statuses),
        response_statuses=_statuses(msg.response_statuses, "response_statuses", _DEFAULTS.response_statuses),
        resolution_statuses=_statuses(
            msg.resolution_statuses, "resolution_statuses", _DEFAULTS.resolution_statuses
        ),
        warning_share=decimal_of(msg.warning_share, "warning_share")
        if msg.warning_share
        else DEFAULT_WARNING_SHARE,
        warning_actions=_actions(msg.warning_actions, "warning_actions", _DEFAULTS.warning_actions),
        breach_actions=_actions(msg.breach_actions, "breach_actions", _DEFAULTS.breach_actions),
    )


def action_message(action: EscalationAction) -> res.EscalationAction:
    return res.EscalationAction(
        kind=enum_value(res.EscalationActionKind, "ESCALATION_ACTION_KIND_", action.kind),
        reassign_to=action.reassign_to,
    )


def policy_message(policy: SlaPolicy, stamp: Stamped) -> res.SlaPolicy:
    c = policy.conditions
    return res.SlaPolicy(
        id=policy.id,
        name=policy.name,
        position=policy.position,
        targets=[
            res.SlaTarget(
                priority=priority_value(t.priority),
                first_response_minutes=t.first_response_minutes,
                resolution_minutes=t.resolution_minutes,
            )
            for t in policy.targets
        ],
        conditions=res.MatchConditions(
            customer_ids=sorted(c.customer_ids),
            contract_ids=sorted(c.contract_ids),
            customer_group_ids=sorted(c.customer_group_ids),
            channels=sorted(c.channels),
            case_types=sorted(c.case_types),
        ),
        calendar_id=policy.calendar_id,
        pause_statuses=[status_value(s) for s in sorted(policy.pause_statuses)],
        response_statuses=[status_value(s) for s in sorted(policy.response_statuses)],
        resolution_statuses=[status_value(s) for s in sorted(policy.resolution_statuses)],
        warning_share=str(policy.warning_share),
        warning_actions=[action_message(a) for a in policy.warning_actions],
        breach_actions=[action_message(a) for a in policy.breach_actions],
        version=stamp.version,
        update_time=timestamp(stamp.updated_at),
    )


# -- cases -------------------------------------------------------------------------------------


def clock_message(clock: SlaClock) -> res.SlaClock:
    return res.SlaClock(
        kind=enum_value(res.ClockKind, "CLOCK_KIND_", clock.kind),
        target_minutes=clock.target_minutes,
        elapsed_seconds=clock.elapsed_seconds,
        state=enum_value(res.ClockState, "CLOCK_STATE_", clock.state),
        warned=clock.warned,
        breached=clock.breached,
        warning_time=timestamp(clock.warning_at),
        due_time=timestamp(clock.due_at),
        fulfilled_time=timestamp(clock.fulfilled_at),
        remaining_minutes=clock.remaining_minutes,
    )


def change_message(change: StatusChange) -> res.StatusChange:
    return res.StatusChange(
        time=timestamp(change.at),
        from_status=status_value(change.from_status),
        to_status=status_value(change.to_status),
        actor=change.actor,
        reason=change.reason,
    )


def case_message(record: CaseRecord, sla: CaseSla | None) -> res.Case:
    c = record.case
    return res.Case(
        id=c.id,
        title=c.title,
        description=record.description,
        customer_id=c.customer_id,
        contact_id=c.contact_id,
        contract_id=c.contract_id,
        product_id=c.product_id,
        serial_number=c.serial_number,
        priority=priority_value(c.priority),
        case_type=c.case_type,
        channel=c.channel,
        team_id=c.team_id,
        assignee_id=c.assignee_id,
        status=status_value(c.status),
        history=[change_message(h) for h in c.history],
        sla_policy_id=record.sla_policy_id,
        first_response=clock_message(sla.clocks.first_response) if sla else None,
        resolution=clock_message(sla.clocks.resolution) if sla else None,
        first_response_time=timestamp(c.first_response_at),
        follow_up_of=c.follow_up_of,
        created_by=record.created_by,
        create_time=timestamp(c.created_at),
        version=c.version,
        requester_email=c.requester_email,
        requester_name=c.requester_name,
        satisfaction_score=c.satisfaction_score or 0,
        flagged_for_lead=c.flagged_for_lead,
    )


def note_message(message: CaseMessage) -> res.CaseMessage:
    return res.CaseMessage(
        id=message.id,
        case_id=message.case_id,
        customer_visible=message.customer_visible,
        author_id=message.author_id,
        body=message.body,
        create_time=timestamp(message.created_at),
        channel=message.channel,
        message_id=message.message_id,
        from_customer=message.from_customer,
    )


# -- contracts ---------------------------------------------------------------------------------


def item_of(msg: res.CoveredItem, field: str) -> CoveredItem:
    return CoveredItem(
        product_id=msg.product_id.strip(),
        serial_number=msg.serial_number.strip(),
        yearly_value=decimal_of(msg.yearly_value.amount, f"{field}.yearly_value"),
        description=msg.description,
    )


def contract_of(msg: res.MaintenanceContract, id: str) -> MaintenanceContract:
    """A new contract from its message (not yet checked: `checked_contract` names bad fields)."""
    period = enum_name(res.BillingPeriod, "BILLING_PERIOD_", msg.billing_period, "billing_period")
    if not period:
        raise InvalidArgument("billing_period", "is required")
    start = date_of(msg.start_date, "start_date")
    end = date_of(msg.end_date, "end_date")
    assert start is not None
    assert end is not None
    visits = None
    if msg.HasField("preventive_visits"):
        visits = PreventiveVisits(msg.preventive_visits.every_months, msg.preventive_visits.count)
    return MaintenanceContract(
        id=id,
        customer_id=msg.customer_id.strip(),
        start_date=start,
        end_date=end,
        billing_period=BillingPeriod(period),
        fee=decimal_of(msg.fee.amount, "fee"),
        covered_items=tuple(item_of(item, f"covered_items[{i}]") for i, item in enumerate(msg.covered_items)),
        auto_renew=msg.auto_renew,
        renewal_notice_days=tuple(msg.renewal_notice_days) or DEFAULT_RENEWAL_NOTICE_DAYS,
        sla_policy_id=msg.sla_policy_id.strip(),
        preventive_visits=visits,
        currency=msg.fee.currency_code or "THB",
    )


def contract_message(record: ContractRecord, today: dt.date) -> res.MaintenanceContract:
    c = record.contract
    visits = c.preventive_visits
    return res.MaintenanceContract(
        id=c.id,
        customer_id=c.customer_id,
        start_date=c.start_date.isoformat(),
        end_date=c.end_date.isoformat(),
        billing_period=enum_value(res.BillingPeriod, "BILLING_PERIOD_", c.billing_period),
        fee=money(c.fee, c.currency),
        covered_items=[
            res.CoveredItem(
                product_id=i.product_id,
                serial_number=i.serial_number,
                yearly_value=money(i.yearly_value, c.currency),
                description=i.description,
            )
            for i in c.covered_items
        ],
        auto_renew=c.auto_renew,
        renewal_notice_days=list(c.renewal_notice_days),
        sla_policy_id=c.sla_policy_id,
        preventive_visits=res.PreventiveVisits(every_months=visits.every_months, count=visits.count)
        if visits
        else None,
        status=enum_value(res.ContractStatus, "CONTRACT_STATUS_", contract_status(c, today)),
        approved_on=iso(c.approved_on),
        cancelled_on=iso(c.cancelled_on),
        submit_time=timestamp(record.submitted_at),
        owner_id=record.owner_id,
        team_id=record.team_id,
        version=c.version,
        create_time=timestamp(record.created_at),
        visit_dates=[d.isoformat() for d in planned_visits(c)],
        renewed_by=c.renewed_by,
        term_billed_upfront=c.term_billed_upfront,
        billings=[billing_message(b.draft, c.currency, b.requested_at) for b in record.billings],
        notices_sent=list(record.notices_sent),
        approval_request_id=record.approval_request_id,
    )


def billing_message(draft: BillingDraft, currency: str, requested_at: dt.datetime) -> res.ContractBilling:
    return res.ContractBilling(
        kind=enum_value(res.BillingDraftKind, "BILLING_DRAFT_KIND_", draft.kind),
        period_start=draft.period_start.isoformat(),
        period_end=draft.period_end.isoformat(),
        amount=money(draft.amount, currency),
        key=draft.key,
        request_time=timestamp(requested_at),
    )
