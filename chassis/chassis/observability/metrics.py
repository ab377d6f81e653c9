"""The gRPC metrics, defined once in the default Prometheus registry.

Names and labels follow go-grpc-prometheus, which the ops dashboards and alert rules know:
`grpc_server_handled_total{grpc_type,grpc_service,grpc_method,grpc_code}` and friends.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

_CALL = ("grpc_type", "grpc_service", "grpc_method")
_HANDLED = (*_CALL, "grpc_code")
# Prometheus's DefBuckets, as go-grpc-prometheus uses them.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

GRPC_SERVER_STARTED = Counter(
    "grpc_server_started_total", "Total number of RPCs started on the server.", _CALL
)
GRPC_SERVER_HANDLED = Counter(
    "grpc_server_handled_total",
    "Total number of RPCs completed on the server, regardless of success or failure.",
    _HANDLED,
)
GRPC_SERVER_HANDLING_SECONDS = Histogram(
    "grpc_server_handling_seconds",
    "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.",
    _CALL,
    buckets=LATENCY_BUCKETS,
)
GRPC_SERVER_MSG_RECEIVED = Counter(
    "grpc_server_msg_received_total", "Total number of RPC stream messages received on the server.", _CALL
)
GRPC_SERVER_MSG_SENT = Counter(
    "grpc_server_msg_sent_total", "Total number of gRPC stream messages sent by the server.", _CALL
)

GRPC_CLIENT_STARTED = Counter(
    "grpc_client_started_total", "Total number of RPCs started on the client.", _CALL
)
GRPC_CLIENT_HANDLED = Counter(
    "grpc_client_handled_total",
    "Total number of RPCs completed by the client, regardless of success or failure.",
    _HANDLED,
)
GRPC_CLIENT_HANDLING_SECONDS = Histogram(
    "grpc_client_handling_seconds",
    "Histogram of response latency (seconds) of the gRPC until it is finished by the application.",
    _CALL,
    buckets=LATENCY_BUCKETS,
)


class CallMetrics:
    """The metric children of one (grpc_type, service, method), looked up once: `.labels()`
    hashes and locks on every call, and an interceptor would do it four or five times per
    RPC. Children are per process, so caching them is safe (also with multiprocess mode)."""

    __slots__ = ("handled", "handled_by_code", "handling", "labels", "received", "sent", "started")

    def __init__(self, side: str, labels: tuple[str, str, str]) -> None:
        self.labels = labels
        if side == "server":
            self.started = GRPC_SERVER_STARTED.labels(*labels)
            self.handled = GRPC_SERVER_HANDLED
            self.handling = GRPC_SERVER_HANDLING_SECONDS.labels(*labels)
            self.received: Counter | None = GRPC_SERVER_MSG_RECEIVED.labels(*labels)
            self.sent: Counter | None = GRPC_SERVER_MSG_SENT.labels(*labels)
        else:
            self.started = GRPC_CLIENT_STARTED.labels(*labels)
            self.handled = GRPC_CLIENT_HANDLED
            self.handling = GRPC_CLIENT_HANDLING_SECONDS.labels(*labels)
            self.received = None
            self.sent = None
        self.handled_by_code: dict[str, Counter] = {}

    def handled_with(self, code_name: str) -> Counter:
        child = self.handled_by_code.get(code_name)
        if child is None:
            child = self.handled.labels(*self.labels, code_name)
            self.handled_by_code[code_name] = child
        return child


_CALL_METRICS: dict[tuple[str, str, str, str], CallMetrics] = {}


def call_metrics(side: str, kind: str, service: str, method: str) -> CallMetrics:
    """The cached CallMetrics of a method on the "server" or "client" side."""
    key = (side, kind, service, method)
    found = _CALL_METRICS.get(key)
    if found is None:
        found = _CALL_METRICS.setdefault(key, CallMetrics(side, (kind, service, method)))
    return found
