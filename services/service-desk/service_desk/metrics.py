"""Business metrics of the service desk (default registry, on the service's /metrics), for the
business dashboard: cases opened by channel, closes and reopens, SLA warnings and breaches,
survey answers by score, contract events and e-mail intake outcomes, counted as they commit;
and the open cases by status and priority, read from the database at scrape time.

Counters count what committed: every unit of work collects what it emitted and
`count_committed` runs from the session's after-commit hook (use cases and event handlers
alike), so a rolled-back transaction counts nothing. Every known label value has a series from
the start (0), so rate() sees the first event of each kind. The open-case gauges are the same
on every replica (one database): aggregate them with max(), not sum().
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from chassis.db import Database
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from service_desk import events
from service_desk.adapters import tables as t

log = logging.getLogger(__name__)

CHANNELS = ("web", "email", "phone", "grpc")
SLA_LEVELS = tuple(
    (clock, level) for clock in ("first_response", "resolution") for level in ("sla_warning", "sla_breached")
)
SCORES = ("1", "2", "3", "4", "5", "none")
CONTRACT_EVENTS = (
    "created",
    "submitted",
    "activated",
    "rejected",
    "renewal_notice_sent",
    "renewal_due",
    "renewed",
    "withdrawn",
    "expired",
    "cancelled",
)
INBOUND_OUTCOMES = ("created", "threaded", "reopened", "follow_up", "duplicate", "deferred", "refused")
OPEN_STATUSES = ("new", "in_progress", "waiting_for_customer", "resolved")

CASES_OPENED = Counter("crm_servicedesk_cases_opened_total", "Cases opened, by channel.", ["channel"])
CASE_OUTCOMES = Counter(
    "crm_servicedesk_case_outcomes_total", "Cases closed and reopened (by anyone), by event.", ["event"]
)
SLA_ESCALATIONS = Counter(
    "crm_servicedesk_sla_escalations_total",
    "SLA warnings and breaches fired (once per case, clock and level).",
    ["clock", "level"],
)
SURVEY_ANSWERS = Counter(
    "crm_servicedesk_survey_answers_total",
    "Satisfaction answers taken, by score ('none': only solved / not solved).",
    ["score"],
)
CONTRACT_EVENTS_TOTAL = Counter(
    "crm_servicedesk_contract_events_total", "Maintenance-contract events, by event.", ["event"]
)
INBOUND_MAIL = Counter(
    "crm_servicedesk_inbound_mail_total",
    "Mail handed to the SMTP listener, by outcome (deferred: 451, refused: 550).",
    ["outcome"],
)

for _channel in CHANNELS:
    CASES_OPENED.labels(_channel)
for _event in ("closed", "reopened"):
    CASE_OUTCOMES.labels(_event)
for _clock, _level in SLA_LEVELS:
    SLA_ESCALATIONS.labels(_clock, _level)
for _score in SCORES:
    SURVEY_ANSWERS.labels(_score)
for _event in CONTRACT_EVENTS:
    CONTRACT_EVENTS_TOTAL.labels(_event)
for _outcome in INBOUND_OUTCOMES:
    INBOUND_MAIL.labels(_outcome)

_CLOCKS = {1: "first_response", 2: "resolution"}
_CONTRACT_PREFIX = "crm.servicedesk.contract."


def _case_opened(payload: Any) -> None:
    CASES_OPENED.labels(payload.case.channel or "grpc").inc()


def _sla(payload: Any) -> None:
    SLA_ESCALATIONS.labels(_CLOCKS.get(payload.clock, "unknown"), payload.level).inc()


def _survey(payload: Any) -> None:
    SURVEY_ANSWERS.labels(str(payload.score) if payload.score else "none").inc()


COUNTERS: dict[str, Callable[[Any], None]] = {
    events.CASE_CREATED: _case_opened,
    events.CASE_CLOSED: lambda _payload: CASE_OUTCOMES.labels("closed").inc(),
    events.CASE_REOPENED: lambda _payload: CASE_OUTCOMES.labels("reopened").inc(),
    events.CASE_SLA_WARNING: _sla,
    events.CASE_SLA_BREACHED: _sla,
    events.CASE_SURVEY_ANSWERED: _survey,
}


def count_one(subject: str, payload: Any) -> None:
    counter = COUNTERS.get(subject)
    if counter is not None:
        counter(payload)
    elif subject.startswith(_CONTRACT_PREFIX):
        CONTRACT_EVENTS_TOTAL.labels(subject.removeprefix(_CONTRACT_PREFIX)).inc()


def count_committed(emitted: Iterable[tuple[str, Any]]) -> None:
    """Counts the business events of one committed transaction. Never raises: a metric must not
    turn a committed use case into an error."""
    for subject, payload in emitted:
        try:
            count_one(subject, payload)
        except Exception:
            log.exception("counting %s failed", subject)


def count_inbound(outcome: str) -> None:
    """One mail handed to the SMTP listener and what became of it."""
    INBOUND_MAIL.labels(outcome).inc()


class ServiceDeskCollector(Collector):
    """The open cases by status and priority, read at scrape time (one grouped query on the
    indexed status column); a failing database reports nothing rather than failing the scrape."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "crm_servicedesk_open_cases",
            "Cases not closed, by status and priority.",
            labels=["status", "priority"],
        )
        try:
            with self._database.read() as session:
                rows = session.execute(
                    sa.select(t.cases.c.status, t.cases.c.priority, sa.func.count())
                    .where(t.cases.c.status.in_(OPEN_STATUSES))
                    .group_by(t.cases.c.status, t.cases.c.priority)
                ).all()
        except Exception:
            log.exception("reading the open cases for /metrics failed")
            return
        for status, priority, count in rows:
            gauge.add_metric([status, priority], float(count))
        yield gauge
