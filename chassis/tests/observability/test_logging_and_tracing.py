"""JSON log lines carry the service and the current trace; the tracer provider is set once."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from chassis.observability import configure_logging, configure_tracing
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Routes logging to a buffer, and restores the root logger afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    yield stream
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="module")
def exporter() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    configure_tracing("chassis-tests", exporter=exporter)
    return exporter


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_log_lines_are_json_with_service_level_logger_and_timestamp(log_stream: io.StringIO) -> None:
    configure_logging("contacts", stream=log_stream)
    logging.getLogger("contacts.application").info("customer %s created", "c-1")
    (line,) = lines(log_stream)
    assert line["message"] == "customer c-1 created"
    assert line["level"] == "INFO"
    assert line["logger"] == "contacts.application"
    assert line["service"] == "contacts"
    assert str(line["timestamp"]).startswith("20")
    assert "trace_id" not in line


def test_a_line_logged_inside_a_span_carries_its_trace_and_span_ids(
    log_stream: io.StringIO, exporter: InMemorySpanExporter
) -> None:
    configure_logging("contacts", stream=log_stream)
    with trace.get_tracer("test").start_as_current_span("merge customers") as span:
        logging.getLogger("contacts").warning("merging")
    context = span.get_span_context()
    (line,) = lines(log_stream)
    assert line["trace_id"] == format(context.trace_id, "032x")
    assert line["span_id"] == format(context.span_id, "016x")


def test_configuring_twice_does_not_double_the_lines(log_stream: io.StringIO) -> None:
    configure_logging("contacts", stream=io.StringIO())
    configure_logging("contacts", level="DEBUG", stream=log_stream)
    logging.getLogger("contacts").debug("once")
    assert [line["message"] for line in lines(log_stream)] == ["once"]


def test_extra_fields_and_exceptions_are_kept(log_stream: io.StringIO) -> None:
    configure_logging("sales-docs", stream=log_stream)
    try:
        raise ValueError("bad amount")
    except ValueError:
        logging.getLogger("sales").exception("posting failed", extra={"quotation_id": "q-9"})
    (line,) = lines(log_stream)
    assert line["quotation_id"] == "q-9"
    assert "ValueError: bad amount" in str(line["exc_info"])


def test_text_logs_for_a_terminal(log_stream: io.StringIO) -> None:
    configure_logging("pricing", json=False, stream=log_stream)
    logging.getLogger("pricing").info("price list loaded")
    assert "INFO pricing [pricing trace_id=-] price list loaded" in log_stream.getvalue()


def test_tracing_keeps_one_provider_and_adds_exporters(exporter: InMemorySpanExporter) -> None:
    second = InMemorySpanExporter()
    provider = configure_tracing("chassis-tests", exporter=second)
    assert provider is trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    assert configure_tracing("chassis-tests") is provider
    with trace.get_tracer("test").start_as_current_span("one"):
        pass
    assert [s.name for s in second.get_finished_spans()] == ["one"]
    assert "one" in [s.name for s in exporter.get_finished_spans()]
    # The process's first configuration names the service (under xdist another test's module
    # may have come first); a later call never renames it.
    name = provider.resource.attributes["service.name"]
    assert configure_tracing("another-service") is provider
    assert provider.resource.attributes["service.name"] == name
