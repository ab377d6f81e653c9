"""What a maintenance contract asks to be approved for: its value over the whole term, the fee
times the billing periods in the term (the last period may be cut short at the end date and
still counts as one: service-desk bills it whole).

Example: a calendar-year contract billed quarterly at 30,000.00 has 4 periods, 120,000.00."""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
from decimal import Decimal

from chassis.errors import ViolationCollector


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, gregorian.monthrange(year, month)[1]))


def billing_period_count(start: dt.date, end: dt.date, months: int) -> int:
    """The billing periods of `months` months from `start` that begin on or before `end`."""
    count = 0
    while add_months(start, months * count) <= end:
        count += 1
    return count


def contract_value(start: dt.date, end: dt.date, months: int, fee: Decimal) -> tuple[int, Decimal]:
    """(periods, fee × periods); bad terms are named by the contract's fields."""
    problems = ViolationCollector()
    if months < 1:
        problems.add("contract.billing_period", "is required")
    if end < start:
        problems.add("contract.end_date", f"{end} is before the start date {start}")
    if fee < 0:
        problems.add("contract.fee.amount", "must not be negative")
    problems.raise_if_any()
    periods = billing_period_count(start, end, months)
    return periods, fee * periods
