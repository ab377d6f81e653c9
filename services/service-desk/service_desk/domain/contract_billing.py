"""MA-fee billing and renewal: what is due on a date, keyed so that doing it twice does nothing.

- Each billing period's invoice draft falls due `invoice_lead_days` (default 30) before the
  period before it ends; after the last period, the next term's first invoice (auto-renew) or a
  renewal quotation (no auto-renew). The key (contract, period start) makes it one per period.
  The term's first period is never drafted here: a new contract's first period is sold through
  the sales chain (quotation, order), and a renewed term's first period is its predecessor's
  next-term draft. A yearly contract therefore gets one draft per term: the next term's.
- Renewal notices (default 60, 30 and 7 days before the end) go once each; a contract approved
  late gets only the nearest notice, not all the missed ones at once.
- Proration counts inclusive days over the days of the contract year, half-up to the satang:
  36,500.00 a year from 2026-04-01 to 2026-12-31 is 36,500 × 275 / 365 = 27,500.00.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from chassis.errors import InvalidArgument
from chassis.money import round_satang

from service_desk.domain.contracts import (
    ContractStatus,
    CoveredItem,
    MaintenanceContract,
    add_months,
    billing_periods,
    contract_status,
    next_term_end,
)

_BILLABLE = frozenset({ContractStatus.ACTIVE, ContractStatus.EXPIRING})


class DraftKind(StrEnum):
    INVOICE = "invoice"
    RENEWAL_QUOTATION = "renewal_quotation"


@dataclass(frozen=True)
class BillingDraft:
    """A document to draft in sales documents for one period of one contract."""

    contract_id: str
    kind: DraftKind
    period_start: dt.date
    period_end: dt.date
    due_on: dt.date
    amount: Decimal

    @property
    def key(self) -> str:
        """Idempotency key: exactly one document per contract and period."""
        return f"{self.contract_id}:{self.period_start.isoformat()}"


@dataclass(frozen=True)
class RenewalNotice:
    contract_id: str
    days_before: int
    due_on: dt.date

    @property
    def key(self) -> str:
        return f"{self.contract_id}:renewal-notice:{self.days_before}"


def inclusive_days(first: dt.date, last: dt.date) -> int:
    """Days from `first` to `last`, both counted (0 when `last` is before `first`)."""
    return max(0, (last - first).days + 1)


def contract_year_days(contract: MaintenanceContract) -> int:
    """The days of the contract year that starts with the term (365, or 366 over a 29 February)."""
    return inclusive_days(contract.start_date, add_months(contract.start_date, 12) - dt.timedelta(days=1))


def prorated(yearly_value: Decimal, first: dt.date, last: dt.date, year_days: int) -> Decimal:
    """`yearly_value` for the inclusive days `first`..`last`, half-up to the satang."""
    return round_satang(yearly_value * inclusive_days(first, last) / year_days)


def item_addition_charge(contract: MaintenanceContract, item: CoveredItem, added_on: dt.date) -> Decimal:
    """What covering `item` from `added_on` to the end of the term costs."""
    if not contract.start_date <= added_on <= contract.end_date:
        raise InvalidArgument(
            "added_on", f"{added_on} is outside the term {contract.start_date} to {contract.end_date}"
        )
    if item.yearly_value < 0:
        raise InvalidArgument("item.yearly_value", "must not be negative")
    return prorated(item.yearly_value, added_on, contract.end_date, contract_year_days(contract))


def cancellation_credit(
    contract: MaintenanceContract, effective_on: dt.date, billed_through: dt.date | None = None
) -> Decimal:
    """The credit for the unused days of what was billed: from `effective_on` (the first day no
    longer covered) to `billed_through` (default: the end of the term), at the yearly fee."""
    last = contract.end_date if billed_through is None else billed_through
    if not contract.start_date <= effective_on <= contract.end_date + dt.timedelta(days=1):
        raise InvalidArgument(
            "effective_on", f"{effective_on} is outside the term {contract.start_date} to {contract.end_date}"
        )
    return prorated(contract.yearly_fee, effective_on, last, contract_year_days(contract))


def _next_term_draft(contract: MaintenanceContract) -> BillingDraft:
    start = contract.end_date + dt.timedelta(days=1)
    due = contract.end_date - dt.timedelta(days=contract.invoice_lead_days)
    if contract.auto_renew:
        end = add_months(start, contract.billing_period.months) - dt.timedelta(days=1)
        return BillingDraft(contract.id, DraftKind.INVOICE, start, end, due, contract.fee)
    term_end = next_term_end(contract, start)
    periods = len(billing_periods(contract))
    return BillingDraft(
        contract.id, DraftKind.RENEWAL_QUOTATION, start, term_end, due, contract.fee * periods
    )


def billing_drafts_due(
    contract: MaintenanceContract, today: dt.date, drafted: Collection[str]
) -> tuple[BillingDraft, ...]:
    """The drafts due by `today` whose keys are not in `drafted` (those already made), oldest
    first; a scheduler that runs twice, or late, gets each draft exactly once. Nothing for a
    draft, cancelled or renewed contract; a contract cancelled from a date gets no period after it."""
    status = contract_status(contract, today)
    # an auto-renewing contract just past its end may still owe the next term's draft (catch-up)
    if status not in _BILLABLE and not (status == ContractStatus.EXPIRED and contract.auto_renew):
        return ()
    lead = dt.timedelta(days=contract.invoice_lead_days)
    # the term's first period is not ours to bill: a new contract's was sold through the sales
    # chain, a renewed term's was drafted as its predecessor's next-term draft; a term sold whole
    # by a renewal quotation has none of its periods drafted
    in_term = () if contract.term_billed_upfront else billing_periods(contract)[1:]
    candidates = [
        BillingDraft(
            contract.id, DraftKind.INVOICE, start, end, start - dt.timedelta(days=1) - lead, contract.fee
        )
        for start, end in in_term
    ]
    candidates.append(_next_term_draft(contract))
    return tuple(
        draft
        for draft in candidates
        if draft.due_on <= today
        and draft.key not in drafted
        and (contract.cancelled_on is None or draft.period_start < contract.cancelled_on)
    )


def renewal_notices_due(
    contract: MaintenanceContract, today: dt.date, sent: Collection[int]
) -> tuple[RenewalNotice, ...]:
    """The renewal notice to send today, if any: the nearest threshold reached (days before the
    end), unless it was sent. Earlier thresholds passed over are not sent late."""
    if contract_status(contract, today) not in _BILLABLE or contract.renewed_by:
        return ()
    reached = [
        days for days in contract.renewal_notice_days if contract.end_date - dt.timedelta(days=days) <= today
    ]
    if not reached:
        return ()
    nearest = min(reached)
    if nearest in sent:
        return ()
    return (RenewalNotice(contract.id, nearest, contract.end_date - dt.timedelta(days=nearest)),)
