"""Observability for every service process: Prometheus metrics (the gRPC ones defined once),
the ops HTTP endpoint (/metrics, /healthz, /readyz), JSON logs with trace ids, and the
OpenTelemetry tracer provider."""

from chassis.observability.http import OpsServer, ReadinessCheck
from chassis.observability.logging import TraceContextFilter, configure_logging
from chassis.observability.tracing import configure_tracing

__all__ = ["OpsServer", "ReadinessCheck", "TraceContextFilter", "configure_logging", "configure_tracing"]
