"""Process logging: one JSON object per line on stderr, carrying the service name and the
trace and span ids of the current OpenTelemetry span, so a log line leads to its trace."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

# Marks the handler this module installs, so a second call replaces it instead of doubling lines.
_HANDLER_MARK = "_chassis_log_handler"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(service)s trace_id=%(trace_id)s] %(message)s"


class TraceContextFilter(logging.Filter):
    """Adds `service`, and `trace_id`/`span_id` (hex) when a valid span is current."""

    def __init__(self, service_name: str) -> None:
        super().__init__()
        self.service_name = service_name

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "service"):
            record.service = self.service_name
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            record.trace_id = format(span_context.trace_id, "032x")
            record.span_id = format(span_context.span_id, "016x")
        return True


def configure_logging(
    service_name: str, level: str = "INFO", json: bool = True, *, stream: TextIO | None = None
) -> logging.Handler:
    """Routes the root logger to `stream` (stderr): JSON lines with timestamp, level, logger,
    message, service, trace_id and span_id; plain text when `json` is False (a terminal).
    Calling it again replaces the handler it installed before. Returns that handler."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    formatter: logging.Formatter
    if json:
        formatter = JsonFormatter(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp=True,
        )
    else:
        formatter = logging.Formatter(TEXT_FORMAT, defaults={"trace_id": "-", "span_id": "-"})
    handler.setFormatter(formatter)
    handler.addFilter(TraceContextFilter(service_name))
    root.addHandler(handler)
    root.setLevel(level.upper())
    return handler
