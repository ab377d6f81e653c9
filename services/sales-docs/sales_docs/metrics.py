"""Business metrics of the sales-docs service (default registry, on the service's /metrics), for
the business dashboard: quotations, sale orders, invoices, receipts and opportunities counted as
they commit, and the open pipeline read from the database at scrape time.

Counters count what committed: a unit of work collects what it emitted and `count_committed`
runs after the transaction's commit (SalesContext.transaction, or the inbox transaction's
after-commit hook for event handlers), so a rolled-back use case counts nothing. Every known
label value has a series from the start (0), so rate() sees the first event of each kind.
Amounts are THB (grand totals, VAT included), counted as float only at the metric boundary.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from chassis.db import Database
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from sales_docs.adapters import tables as t
from sales_docs.application.quotations import Submission
from sales_docs.application.sale_orders import OrderEvent
from sales_docs.domain.opportunities import Opportunity, Pipeline, StageOutcome
from sales_docs.domain.quotations import Quotation, QuotationStatus
from sales_docs.domain.receipts import Receipt
from sales_docs.domain.tax_invoices import TaxInvoice

log = logging.getLogger(__name__)

QUOTATION_EVENTS = ("created", "submitted", "approved", "rejected", "sent", "accepted", "declined", "expired")
QUOTATION_VALUE_EVENTS = ("submitted", "accepted")
SALE_ORDER_EVENTS = ("confirmed", "cancelled")
OPPORTUNITY_EVENTS = ("created", "won", "lost")

QUOTATIONS = Counter("crm_sales_quotations_total", "Quotation events that committed, by event.", ["event"])
QUOTATION_VALUE = Counter(
    "crm_sales_quotation_value_thb_total",
    "Grand totals (THB, VAT included) of quotations submitted and accepted, by event.",
    ["event"],
)
SALE_ORDERS = Counter(
    "crm_sales_sale_orders_total", "Sale orders confirmed and cancelled, by event.", ["event"]
)
INVOICES = Counter("crm_sales_invoices_issued_total", "Tax invoices issued.")
INVOICED = Counter("crm_sales_invoiced_amount_thb_total", "Grand totals (THB) of tax invoices issued.")
RECEIPTS = Counter("crm_sales_receipts_total", "Receipts recorded.")
RECEIVED = Counter(
    "crm_sales_received_amount_thb_total", "Money received (THB) on receipts, after withholding tax."
)
WITHHELD = Counter("crm_sales_withholding_tax_thb_total", "Withholding tax (THB) deducted by customers.")
OPPORTUNITIES = Counter("crm_sales_opportunities_total", "Opportunities created, won and lost.", ["event"])

for _event in QUOTATION_EVENTS:
    QUOTATIONS.labels(_event)
for _event in QUOTATION_VALUE_EVENTS:
    QUOTATION_VALUE.labels(_event)
for _event in SALE_ORDER_EVENTS:
    SALE_ORDERS.labels(_event)
for _event in OPPORTUNITY_EVENTS:
    OPPORTUNITIES.labels(_event)

_PREFIX = "crm.sales."


def _thb(amount: Decimal) -> float:
    return float(amount)


def _count_quotation(event: str, quotation: Quotation) -> None:
    if event not in QUOTATION_EVENTS:
        return  # updated, revised: not business milestones
    QUOTATIONS.labels(event).inc()
    if event in QUOTATION_VALUE_EVENTS:
        QUOTATION_VALUE.labels(event).inc(_thb(quotation.priced.totals.grand_total))


def count_one(subject: str, payload: Any) -> None:
    """Counts one committed event (subject as published, payload as the use case emitted it)."""
    if not subject.startswith(_PREFIX):
        return
    kind, _, event = subject.removeprefix(_PREFIX).rpartition(".")
    match kind, payload:
        case "quotation", Submission(quotation=quotation):
            _count_quotation(event, quotation)
        case "quotation", Quotation():
            _count_quotation(event, payload)
        case "sale_order", OrderEvent() if event in SALE_ORDER_EVENTS:
            SALE_ORDERS.labels(event).inc()
        case "invoice", TaxInvoice() if event == "issued":
            INVOICES.inc()
            INVOICED.inc(_thb(payload.totals.grand_total))
        case "receipt", Receipt() if event == "recorded":
            RECEIPTS.inc()
            RECEIVED.inc(_thb(payload.received))
            WITHHELD.inc(_thb(payload.withholding_tax))
        case "opportunity", Opportunity() if event in OPPORTUNITY_EVENTS:
            OPPORTUNITIES.labels(event).inc()


def count_committed(emitted: Iterable[tuple[str, Any]]) -> None:
    """Counts the business events of one committed transaction. Never raises: a metric must
    not turn a committed use case into an error."""
    for subject, payload in emitted:
        try:
            count_one(subject, payload)
        except Exception:
            log.exception("counting %s failed", subject)


def _amount_sum(session: Session) -> sa.ColumnElement[Any]:
    """SUM of the opportunities' expected_amount, read out of the JSON body in SQL."""
    body = t.opportunities.c.body
    if session.get_bind().dialect.name == "postgresql":
        amount: sa.ColumnElement[Any] = sa.cast(
            sa.cast(body, postgresql.JSONB)["expected_amount"].astext, sa.Numeric(18, 2)
        )
    else:
        amount = sa.cast(sa.func.json_extract(body, "$.expected_amount"), sa.Float)
    return sa.func.coalesce(sa.func.sum(amount), 0)


class SalesCollector(Collector):
    """Gauges computed at scrape time from the service's database: the open pipeline by stage
    (count, expected amount, and weighted by the stage's probability) and the quotations
    waiting for an approval decision (count, and how long the oldest has waited). Two grouped
    queries; a failing database gives empty gauges and a log line, never a failed /metrics."""

    def __init__(
        self,
        database: Database,
        pipeline: Pipeline,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._database = database
        self._open = {s.code: s for s in pipeline.stages if s.outcome == StageOutcome.OPEN}
        self._clock = clock

    def describe(self) -> Iterable[Metric]:
        return self._families()

    def _families(self) -> list[GaugeMetricFamily]:
        return [
            GaugeMetricFamily(
                "crm_sales_open_opportunities", "Open opportunities, by stage.", labels=["stage"]
            ),
            GaugeMetricFamily(
                "crm_sales_pipeline_value_thb",
                "Expected amount (THB) of open opportunities, by stage.",
                labels=["stage"],
            ),
            GaugeMetricFamily(
                "crm_sales_pipeline_weighted_value_thb",
                "Expected amount × stage probability (THB) of open opportunities, by stage.",
                labels=["stage"],
            ),
            GaugeMetricFamily(
                "crm_sales_quotations_awaiting_approval", "Quotations submitted and not yet decided."
            ),
            GaugeMetricFamily(
                "crm_sales_quotation_approval_wait_seconds",
                "How long the oldest quotation waiting for approval has waited (0 when none).",
            ),
        ]

    def collect(self) -> Iterator[Metric]:
        families = self._families()
        try:
            stages, waiting, oldest = self._read()
        except Exception:
            log.warning("sales metrics: reading the pipeline failed", exc_info=True)
            yield from families
            return
        count, value, weighted, awaiting, wait = families
        for code, stage in self._open.items():
            number, amount = stages.get(code, (0, 0.0))
            count.add_metric([code], number)
            value.add_metric([code], amount)
            weighted.add_metric([code], amount * float(stage.probability) / 100)
        awaiting.add_metric([], waiting)
        wait.add_metric([], self._waited(oldest) if waiting else 0.0)
        yield from families

    def _read(self) -> tuple[dict[str, tuple[int, float]], int, dt.datetime | None]:
        opp, qt = t.opportunities, t.quotations
        with self._database.read() as session:
            by_stage = session.execute(
                sa.select(opp.c.status, sa.func.count(), _amount_sum(session))
                .where(opp.c.status.in_(sorted(self._open)))
                .group_by(opp.c.status)
            ).all()
            waiting, oldest = session.execute(
                sa.select(sa.func.count(), sa.func.min(qt.c.updated_at)).where(
                    qt.c.status == QuotationStatus.SUBMITTED.value, qt.c.superseded.is_(False)
                )
            ).one()
        stages = {str(code): (int(number), float(amount or 0)) for code, number, amount in by_stage}
        return stages, int(waiting), oldest

    def _waited(self, oldest: dt.datetime | None) -> float:
        if oldest is None:
            return 0.0
        if oldest.tzinfo is None:  # SQLite keeps UTC without its zone
            oldest = oldest.replace(tzinfo=dt.UTC)
        return max((self._clock() - oldest).total_seconds(), 0.0)
