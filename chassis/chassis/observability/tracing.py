"""The process's OpenTelemetry tracer provider: spans carry `service.name` and go to an
OTLP collector when one is configured; W3C `traceparent` is the propagation format (the
OpenTelemetry default), used on gRPC metadata and event headers alike."""

from __future__ import annotations

import logging
import threading

from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

_LOG = logging.getLogger("chassis.observability.tracing")
_lock = threading.Lock()
# What was attached to the provider already, so repeated calls add nothing twice.
_attached: set[object] = set()


def configure_tracing(
    service_name: str, otlp_endpoint: str = "", *, exporter: SpanExporter | None = None
) -> TracerProvider:
    """Installs (once per process) and returns the SDK tracer provider. OpenTelemetry refuses
    to replace a global provider, so a later call keeps the first provider (and its
    `service.name`) and only adds the exporters it names: OTLP over gRPC batched when
    `otlp_endpoint` is set, `exporter` (tests: InMemorySpanExporter) synchronously."""
    with _lock:
        current = trace.get_tracer_provider()
        if isinstance(current, TracerProvider):
            provider = current
            name = provider.resource.attributes.get(SERVICE_NAME)
            if name != service_name:
                _LOG.warning("tracing is configured for %s already; keeping that service name", name)
        else:
            provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
            trace.set_tracer_provider(provider)
        if otlp_endpoint and ("otlp", otlp_endpoint) not in _attached:
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint)))
            _attached.add(("otlp", otlp_endpoint))
        if exporter is not None and exporter not in _attached:
            provider.add_span_processor(SimpleSpanProcessor(exporter))
            _attached.add(exporter)
        return provider
