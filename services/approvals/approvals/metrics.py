"""Business metrics of the approval center (default registry, on the service's /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

REQUESTS_PENDING = Gauge(
    "crm_approval_requests_pending", "Approval requests waiting for a decision.", ["request_type"]
)
DECISIONS = Counter(
    "crm_approval_decisions_total",
    "Requests decided: approved (also automatically), rejected, withdrawn.",
    ["request_type", "decision"],
)
ESCALATIONS = Counter("crm_approval_escalations_total", "Overdue steps escalated to the next manager up.")
