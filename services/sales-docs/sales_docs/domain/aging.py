"""Accounts-receivable aging: what customers owe, by how long it is past due.

Buckets by days past the due date, as accountants read them: current (not yet due), 1–30,
31–60, 61–90 and over 90 days. Per customer and in total; every total is the sum of its row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from sales_docs.domain.amounts import ZERO
from sales_docs.domain.receipts import OpenInvoice


class AgingBucket(StrEnum):
    CURRENT = "current"
    DAYS_1_30 = "1-30"
    DAYS_31_60 = "31-60"
    DAYS_61_90 = "61-90"
    OVER_90 = "90+"


def bucket_for(due_date: dt.date, today: dt.date) -> AgingBucket:
    """The bucket of an amount due on `due_date`, seen on `today`."""
    days = (today - due_date).days
    if days <= 0:
        return AgingBucket.CURRENT
    if days <= 30:
        return AgingBucket.DAYS_1_30
    if days <= 60:
        return AgingBucket.DAYS_31_60
    if days <= 90:
        return AgingBucket.DAYS_61_90
    return AgingBucket.OVER_90


@dataclass(frozen=True)
class AgingRow:
    """One customer's (or the total's) outstanding amounts per bucket."""

    customer_id: str
    amounts: dict[AgingBucket, Decimal] = field(default_factory=lambda: dict.fromkeys(AgingBucket, ZERO))

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)


@dataclass(frozen=True)
class AgingReport:
    as_of: dt.date
    rows: tuple[AgingRow, ...]
    total: AgingRow


def ar_aging(invoices: Iterable[OpenInvoice], today: dt.date) -> AgingReport:
    """The aging of the open invoices on `today`, rows ordered by customer id."""
    rows: dict[str, AgingRow] = {}
    total = AgingRow("")
    for invoice in invoices:
        if invoice.outstanding <= 0:
            continue
        bucket = bucket_for(invoice.due_date, today)
        row = rows.setdefault(invoice.customer_id, AgingRow(invoice.customer_id))
        row.amounts[bucket] += invoice.outstanding
        total.amounts[bucket] += invoice.outstanding
    return AgingReport(today, tuple(rows[key] for key in sorted(rows)), total)
