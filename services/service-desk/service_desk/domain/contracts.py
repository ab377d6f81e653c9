"""Maintenance (MA) contracts: covered items, term, billing periods, preventive visits, status.

The status is derived from dates and a few recorded facts (approved, cancelled, renewed), never
stored, so it cannot drift: draft until approved; active within its term (an approved contract
whose term has not begun counts as active too); expiring from the first renewal notice (60 days
before the end by default) unless a renewal is already settled; expired after the end, or
renewed when a successor contract exists; cancelled from the day a cancellation takes effect.

A successor runs as long as the old term, from the day after it, with the same terms
(next_term). An auto-renewing contract rolls over the day after its end (renewal_successor),
approved from its start; one without auto-renew is renewed by an accepted renewal quotation
(quoted_renewal: the fee per period from the quotation, approved on the acceptance day), or
expires at its end (ended_unrenewed).
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from chassis.errors import InvalidArgument, ViolationCollector
from chassis.money import round_satang

DEFAULT_RENEWAL_NOTICE_DAYS = (60, 30, 7)
DEFAULT_INVOICE_LEAD_DAYS = 30


class BillingPeriod(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMI_ANNUAL = "semi_annual"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "semi_annual": 6, "yearly": 12}[self.value]


class ContractStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    RENEWED = "renewed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class CoveredItem:
    """A covered product or serial number and what its cover is worth a year (for proration)."""

    product_id: str
    serial_number: str = ""
    yearly_value: Decimal = Decimal("0.00")
    description: str = ""


@dataclass(frozen=True)
class PreventiveVisits:
    """`count` visits, one every `every_months` months from the start of the term."""

    every_months: int
    count: int


@dataclass(frozen=True)
class MaintenanceContract:
    """`fee` is charged per billing period; dates are inclusive (a calendar-year contract runs
    from 1 January to 31 December)."""

    id: str
    customer_id: str
    start_date: dt.date
    end_date: dt.date
    billing_period: BillingPeriod
    fee: Decimal
    covered_items: tuple[CoveredItem, ...] = ()
    auto_renew: bool = True
    renewal_notice_days: tuple[int, ...] = DEFAULT_RENEWAL_NOTICE_DAYS
    invoice_lead_days: int = DEFAULT_INVOICE_LEAD_DAYS
    sla_policy_id: str = ""
    preventive_visits: PreventiveVisits | None = None
    approved_on: dt.date | None = None
    cancelled_on: dt.date | None = None
    renewed_by: str = ""
    currency: str = "THB"
    version: int = 1
    # The whole term was sold at once (an accepted renewal quotation): no period of it is
    # drafted again; the next term's draft still is.
    term_billed_upfront: bool = False

    @property
    def yearly_fee(self) -> Decimal:
        return self.fee * 12 / self.billing_period.months


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, gregorian.monthrange(year, month)[1]))


def checked_contract(contract: MaintenanceContract) -> MaintenanceContract:
    """The contract after checking every field; violations name them (e.g. `end_date`,
    `covered_items[1].yearly_value`)."""
    violations = ViolationCollector()
    if not contract.customer_id.strip():
        violations.add("customer_id", "is required")
    if contract.end_date < contract.start_date:
        violations.add("end_date", f"{contract.end_date} is before the start date {contract.start_date}")
    if contract.fee < 0:
        violations.add("fee", "must not be negative")
    elif round_satang(contract.fee) != contract.fee:
        violations.add("fee", "has more than two decimal places")
    for index, item in enumerate(contract.covered_items):
        path = f"covered_items[{index}]"
        if not item.product_id.strip() and not item.serial_number.strip():
            violations.add(path, "needs a product or a serial number")
        if item.yearly_value < 0:
            violations.add(f"{path}.yearly_value", "must not be negative")
        elif round_satang(item.yearly_value) != item.yearly_value:
            violations.add(f"{path}.yearly_value", "has more than two decimal places")
    seen: set[int] = set()
    for index, days in enumerate(contract.renewal_notice_days):
        if days <= 0:
            violations.add(f"renewal_notice_days[{index}]", "must be greater than zero")
        elif days in seen:
            violations.add(f"renewal_notice_days[{index}]", f"{days} is listed twice")
        seen.add(days)
    if contract.invoice_lead_days < 0:
        violations.add("invoice_lead_days", "must not be negative")
    visits = contract.preventive_visits
    if visits is not None:
        if visits.every_months < 1:
            violations.add("preventive_visits.every_months", "must be at least 1")
        elif visits.count < 0:
            violations.add("preventive_visits.count", "must not be negative")
        elif (
            visits.count
            and contract.end_date >= contract.start_date
            and add_months(contract.start_date, visits.every_months * (visits.count - 1)) > contract.end_date
        ):
            violations.add(
                "preventive_visits.count",
                f"{visits.count} visits every {visits.every_months} months do not fit in the term",
            )
    violations.raise_if_any()
    return contract


def contract_status(contract: MaintenanceContract, today: dt.date) -> ContractStatus:
    """The status on `today` (see the module's docstring for the rule)."""
    if contract.cancelled_on is not None and today >= contract.cancelled_on:
        return ContractStatus.CANCELLED
    if contract.approved_on is None or today < contract.approved_on:
        return ContractStatus.DRAFT
    if today > contract.end_date:
        return ContractStatus.RENEWED if contract.renewed_by else ContractStatus.EXPIRED
    notice = max(contract.renewal_notice_days, default=0)
    if not contract.renewed_by and notice and today >= contract.end_date - dt.timedelta(days=notice):
        return ContractStatus.EXPIRING
    return ContractStatus.ACTIVE


def planned_visits(contract: MaintenanceContract) -> tuple[dt.date, ...]:
    """The preventive-visit dates: the start, then every `every_months` months, `count` in all."""
    visits = contract.preventive_visits
    if visits is None:
        return ()
    return tuple(add_months(contract.start_date, visits.every_months * k) for k in range(visits.count))


def billing_periods(contract: MaintenanceContract) -> tuple[tuple[dt.date, dt.date], ...]:
    """The billing periods of the term, inclusive; the last one is cut short at the end date."""
    periods: list[tuple[dt.date, dt.date]] = []
    start = contract.start_date
    step = contract.billing_period.months
    index = 0
    while start <= contract.end_date:
        index += 1
        following = add_months(contract.start_date, step * index)
        periods.append((start, min(following - dt.timedelta(days=1), contract.end_date)))
        start = following
    return tuple(periods)


def term_months(contract: MaintenanceContract) -> int:
    """The term's length in whole months (a calendar year is 12; 29 Feb 2024 – 28 Feb 2025 is
    12 too); 0 for a term shorter than a month."""
    after = contract.end_date + dt.timedelta(days=1)
    months = (after.year - contract.start_date.year) * 12 + after.month - contract.start_date.month
    while months > 0 and add_months(contract.start_date, months) > after:
        months -= 1
    return months


def renewable(contract: MaintenanceContract) -> bool:
    """Whether a successor may still follow `contract`: approved, not cancelled, not renewed."""
    return contract.approved_on is not None and contract.cancelled_on is None and not contract.renewed_by


def next_term(
    contract: MaintenanceContract,
    new_id: str,
    start: dt.date,
    approved_on: dt.date,
    fee: Decimal | None = None,
) -> MaintenanceContract:
    """The successor of `contract` from `start`, as long as the old term (in whole months; a
    term shorter than a month: as many days), keeping customer, covered items, billing period,
    notice days, SLA policy, preventive visits and auto-renew; the fee is kept unless given.
    Shared by both ways a contract is renewed (auto-renew roll-over, accepted renewal quotation)."""
    return replace(
        contract,
        id=new_id,
        start_date=start,
        end_date=next_term_end(contract, start),
        fee=contract.fee if fee is None else fee,
        approved_on=approved_on,
        cancelled_on=None,
        renewed_by="",
        version=1,
        term_billed_upfront=False,
    )


def next_term_end(contract: MaintenanceContract, start: dt.date) -> dt.date:
    """The last day of a term like `contract`'s starting on `start`: as many whole months (a
    term shorter than a month: as many days)."""
    months = term_months(contract)
    if months:
        return add_months(start, months) - dt.timedelta(days=1)
    return start + (contract.end_date - contract.start_date)


def renewal_successor(
    contract: MaintenanceContract, today: dt.date, new_id: str
) -> MaintenanceContract | None:
    """The auto-renewal of `contract` on `today`, or None when it does not roll over (not
    approved, not auto-renew, cancelled, renewed already, or its end date not yet passed).

    The successor starts the day after the end (next_term), approved from its start (an
    auto-renewing contract's renewal needs no second approval)."""
    if not contract.auto_renew or not renewable(contract) or today <= contract.end_date:
        return None
    start = contract.end_date + dt.timedelta(days=1)
    return next_term(contract, new_id, start, approved_on=start)


def quoted_fee(pre_vat_total: Decimal, periods: int) -> Decimal:
    """The fee per billing period from a renewal quotation's total before VAT: the total over
    the term's periods, half-up to the satang (fee × periods may differ from the total by less
    than half a satang a period; the quotation, not the fee, is what the customer was billed)."""
    if pre_vat_total < 0:
        raise InvalidArgument("pre_vat_total", "must not be negative")
    return round_satang(pre_vat_total / max(periods, 1))


def quoted_renewal(
    contract: MaintenanceContract,
    period_start: dt.date,
    pre_vat_total: Decimal,
    accepted_on: dt.date,
    new_id: str,
) -> MaintenanceContract | None:
    """The successor agreed by an accepted renewal quotation for the term from `period_start`,
    or None when it no longer applies (not renewable, or the quotation was for another term).

    Same terms as the roll-over (next_term) with the fee per period from the quotation's total
    before VAT (quoted_fee), approved on the acceptance day: the quotation had its own approval."""
    if not renewable(contract) or period_start != contract.end_date + dt.timedelta(days=1):
        return None
    term = next_term(contract, new_id, period_start, approved_on=accepted_on)
    # the quotation sold the whole term: its periods are not drafted again (term_billed_upfront)
    return replace(term, fee=quoted_fee(pre_vat_total, len(billing_periods(term))), term_billed_upfront=True)


def ended_unrenewed(contract: MaintenanceContract, today: dt.date) -> bool:
    """Whether `contract` has expired for good on `today`: approved, not auto-renew (those roll
    over), never cancelled, no successor, and its end date passed. A renewal quotation accepted
    later still renews it (quoted_renewal)."""
    return not contract.auto_renew and renewable(contract) and today > contract.end_date
