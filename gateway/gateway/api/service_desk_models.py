"""Request bodies and query parameters of the service desk (REST JSON, snake_case).

They check shape only (types, lengths, enum names, "HH:MM" times, dates, money as decimal
strings); the rules (overlapping windows, targets, access, case states, proration) are the
service-desk service's. Field names are the crm.servicedesk.v1 field names, so
gateway.translate turns a validated body into the message; enum names are the lower-case short
names of the proto enums (gateway/tests/test_service_desk_api.py keeps them in step).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.api.models import DATE_PATTERN, MoneyIn

PriorityName = Literal["low", "normal", "high", "urgent"]
CaseStatusName = Literal["new", "in_progress", "waiting_for_customer", "resolved", "closed"]
BillingPeriodName = Literal["monthly", "quarterly", "semi_annual", "yearly"]
EscalationActionName = Literal["notify_assignee", "notify_team_lead", "reassign", "raise_priority"]
TIME_PATTERN = r"^\d{2}:\d{2}$"
SHARE_PATTERN = r"^\d+(\.\d+)?$"
Id = Field(default=None, max_length=80)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PageQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=500)
    page_token: str = ""


# --- cases ---------------------------------------------------------------------------------------


class CaseIn(_Body):
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20000)
    customer_id: str | None = Id
    contact_id: str | None = Id
    contract_id: str | None = Id
    product_id: str | None = Id
    serial_number: str | None = Field(default=None, max_length=120)
    priority: PriorityName | None = None
    case_type: str | None = Field(default=None, max_length=80)
    channel: str | None = Field(default=None, max_length=40)
    team_id: str | None = Id
    assignee_id: str | None = Id
    customer_group_ids: list[str] | None = Field(default=None, max_length=50)
    requester_email: str | None = Field(default=None, max_length=254)
    requester_name: str | None = Field(default=None, max_length=200)


class CaseQuery(PageQuery):
    status: CaseStatusName | None = None
    team_id: str = ""
    assignee_id: str = ""
    customer_id: str = ""


class StatusChangeIn(_Body):
    status: CaseStatusName
    reason: str | None = Field(default=None, max_length=2000)
    expected_version: int | None = Field(default=None, ge=1)


class MessageIn(_Body):
    body: str = Field(min_length=1, max_length=50000)


class AssignIn(_Body):
    assignee_id: str | None = Id
    team_id: str | None = Id


# --- calendars and SLA policies ------------------------------------------------------------------


class WorkingWindowIn(_Body):
    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday.")
    start: str = Field(pattern=TIME_PATTERN, examples=["08:30"])
    end: str = Field(pattern=TIME_PATTERN, examples=["12:00"])


class HolidayIn(_Body):
    date: str = Field(pattern=DATE_PATTERN)
    name: str | None = Field(default=None, max_length=200)
    start: str | None = Field(default=None, pattern=TIME_PATTERN, description="Part-day holiday from.")
    end: str | None = Field(default=None, pattern=TIME_PATTERN, description="Part-day holiday until.")


class CalendarIn(_Body):
    name: str = Field(min_length=1, max_length=200)
    zone: str = Field(min_length=1, max_length=64, examples=["Asia/Bangkok"])
    windows: list[WorkingWindowIn] = Field(default_factory=list, max_length=100)
    holidays: list[HolidayIn] = Field(default_factory=list, max_length=1000)
    expected_version: int | None = Field(default=None, ge=1)


class SlaTargetIn(_Body):
    priority: PriorityName
    first_response_minutes: int = Field(ge=0)
    resolution_minutes: int = Field(ge=0)


class MatchConditionsIn(_Body):
    customer_ids: list[str] = Field(default_factory=list, max_length=500)
    contract_ids: list[str] = Field(default_factory=list, max_length=500)
    customer_group_ids: list[str] = Field(default_factory=list, max_length=500)
    channels: list[str] = Field(default_factory=list, max_length=50)
    case_types: list[str] = Field(default_factory=list, max_length=50)


class EscalationActionIn(_Body):
    kind: EscalationActionName
    reassign_to: str | None = Id


class SlaPolicyIn(_Body):
    name: str = Field(min_length=1, max_length=200)
    position: int = Field(default=100, ge=0)
    targets: list[SlaTargetIn] = Field(default_factory=list, max_length=10)
    conditions: MatchConditionsIn = Field(default_factory=MatchConditionsIn)
    calendar_id: str | None = Id
    pause_statuses: list[CaseStatusName] = Field(default_factory=list)
    response_statuses: list[CaseStatusName] = Field(default_factory=list)
    resolution_statuses: list[CaseStatusName] = Field(default_factory=list)
    warning_share: str | None = Field(default=None, pattern=SHARE_PATTERN, examples=["0.75"])
    warning_actions: list[EscalationActionIn] = Field(default_factory=list, max_length=10)
    breach_actions: list[EscalationActionIn] = Field(default_factory=list, max_length=10)
    expected_version: int | None = Field(default=None, ge=1)


class CalendarChoiceIn(_Body):
    calendar_id: str = Field(default="", max_length=80, description="Empty: no calendar of its own.")


# --- maintenance contracts -----------------------------------------------------------------------


class CoveredItemIn(_Body):
    product_id: str | None = Id
    serial_number: str | None = Field(default=None, max_length=120)
    yearly_value: MoneyIn | None = None
    description: str | None = Field(default=None, max_length=1000)


class PreventiveVisitsIn(_Body):
    every_months: int = Field(ge=0, le=120)
    count: int = Field(ge=0, le=1000)


class ContractIn(_Body):
    customer_id: str = Field(min_length=1, max_length=80)
    start_date: str = Field(pattern=DATE_PATTERN)
    end_date: str = Field(pattern=DATE_PATTERN)
    billing_period: BillingPeriodName
    fee: MoneyIn
    covered_items: list[CoveredItemIn] = Field(default_factory=list, max_length=500)
    auto_renew: bool = False
    renewal_notice_days: list[int] | None = Field(default=None, max_length=10)
    sla_policy_id: str | None = Id
    preventive_visits: PreventiveVisitsIn | None = None
    team_id: str | None = Id


class ContractQuery(PageQuery):
    customer_id: str = ""


class CancelIn(_Body):
    effective_on: str = Field(pattern=DATE_PATTERN)
    reason: str | None = Field(default=None, max_length=2000)


class CoveredItemAdd(_Body):
    item: CoveredItemIn
    added_on: str = Field(pattern=DATE_PATTERN)
