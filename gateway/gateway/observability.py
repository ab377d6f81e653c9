"""The gateway's own operational endpoints and HTTP metrics: /metrics (Prometheus),
/healthz (the process answers), /readyz (the database answers and the event relay runs).

Metrics are labelled by route template ("/api/v1/leads/<lead_id>"), never by raw path, so
ids do not explode the series count. Under gunicorn with several workers,
PROMETHEUS_MULTIPROC_DIR (set by gunicorn.conf.py) makes /metrics add up all workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, g, request
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

from gateway.context import services

_TRACER = trace.get_tracer("gateway.http")

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests handled by the gateway.", ["method", "route", "status"]
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to handle an HTTP request.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

ops = Blueprint("ops", __name__)
# The headers trace context propagation reads (W3C trace context and baggage).
_PROPAGATION_HEADERS = ("traceparent", "tracestate", "baggage")
# Metric children by label values: `.labels()` hashes and locks on every call.
# What extract() gives for a request without trace headers: an empty context (a root span).
_NO_PARENT = otel_context.Context()
_REQUEST_COUNTERS: dict[tuple[str, str, str], Counter] = {}
_DURATIONS: dict[tuple[str, str], Histogram] = {}
ReadinessCheck = Callable[[], tuple[bool, str]]


def install_metrics(app: Flask) -> None:
    """Times and counts every request, and runs it in a server span that continues the
    caller's trace (`traceparent`), so the gRPC calls it makes join the same trace."""

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        # Only the propagation headers, looked up case-insensitively (copying every header
        # into a dict cost time and lost the lower-case spelling the propagator asks for).
        headers = request.headers
        carrier = {name: value for name in _PROPAGATION_HEADERS if (value := headers.get(name)) is not None}
        parent = propagate.extract(carrier) if carrier else _NO_PARENT
        span = _TRACER.start_span(
            f"{request.method} {route}",
            context=parent,
            kind=SpanKind.SERVER,
            attributes={"http.request.method": request.method, "http.route": route},
        )
        g.otel_span = span
        g.otel_token = otel_context.attach(trace.set_span_in_context(span, parent))

    @app.teardown_request
    def end_span(_error: BaseException | None) -> None:
        span = g.pop("otel_span", None)
        token = g.pop("otel_token", None)
        if span is not None:
            span.end()
        if token is not None:
            otel_context.detach(token)

    @app.after_request
    def count(response: Response) -> Response:
        started = g.get("request_started")
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        key = (request.method, route, str(response.status_code))
        counter = _REQUEST_COUNTERS.get(key)
        if counter is None:
            counter = _REQUEST_COUNTERS.setdefault(key, HTTP_REQUESTS.labels(*key))
        counter.inc()
        span = g.get("otel_span")
        if span is not None:
            span.set_attribute("http.response.status_code", response.status_code)
        if started is not None:
            timing = (request.method, route)
            duration = _DURATIONS.get(timing)
            if duration is None:
                duration = _DURATIONS.setdefault(timing, HTTP_DURATION.labels(*timing))
            duration.observe(time.perf_counter() - started)
        return response


@ops.get("/metrics")
def metrics() -> Response:
    registry: CollectorRegistry = REGISTRY
    if services().settings.prometheus_multiproc_dir:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


@ops.get("/healthz")
def healthz() -> Response:
    return Response('{"status": "ok"}', content_type="application/json")


@ops.get("/readyz")
def readyz() -> Response:
    from gateway.problems import ProblemError

    checks = [_database_ready(), *(check() for check in services().readiness)]
    failing = [name for ok, name in checks if not ok]
    if failing:
        raise ProblemError(
            503, "not ready: " + ", ".join(failing), slug="not-ready", extra={"failing": failing}
        )
    return Response('{"status": "ready"}', content_type="application/json")


def _database_ready() -> tuple[bool, str]:
    try:
        with services().database.read() as session:
            session.execute(sa.text("SELECT 1"))
        return True, "database"
    except Exception as error:
        return False, f"database ({error.__class__.__name__})"
