"""Prometheus metrics of the mail outbox (default registry), the same names in every service."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

MAIL_SENT = Counter("crm_mail_sent_total", "Mail accepted by the SMTP server.", ["service"])
MAIL_FAILED = Counter(
    "crm_mail_failed_total",
    "Mail given up on (a permanent SMTP error, or attempts used up); see mail_outbox.last_error.",
    ["service"],
)
MAIL_RETRIES = Counter(
    "crm_mail_retries_total",
    "Send attempts that failed temporarily (SMTP down, 4xx) and were scheduled again.",
    ["service"],
)
MAIL_BACKLOG = Gauge("crm_mail_backlog", "Mail queued or being sent.", ["service"])
