"""Prometheus metrics of the event plumbing (default registry), so every service exposes the
same names on /metrics and one Grafana dashboard and one set of alert rules fit them all."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_PUBLISHED = Counter(
    "crm_events_published_total",
    "Outbox events published to JetStream and acknowledged by it.",
    ["subject"],
)
PUBLISH_FAILURES = Counter(
    "crm_events_publish_failures_total",
    "Outbox publish attempts that failed (the relay retries them in order).",
)
OUTBOX_BACKLOG = Gauge(
    "crm_outbox_backlog",
    "Outbox rows not yet published.",
    ["service"],
)
EVENTS_CONSUMED = Counter(
    "crm_events_consumed_total",
    "Events handled by a consumer, by outcome (applied, duplicate, failed).",
    ["consumer", "subject", "outcome"],
)
EVENTS_DEAD_LETTERED = Counter(
    "crm_events_dead_lettered_total",
    "Events given up after their last delivery and published to the dead-letter subject.",
    ["consumer", "subject"],
)
CONSUMER_LAG = Histogram(
    "crm_event_consumer_lag_seconds",
    "Seconds from an event's occurrence to its application by a consumer.",
    ["consumer"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)
CONSUMER_PENDING = Gauge(
    "crm_consumer_pending",
    "Messages in the stream not yet delivered to the consumer.",
    ["consumer"],
)
