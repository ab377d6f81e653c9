"""The client interceptor on every channel the chassis makes.

Each outgoing call gets: a deadline of min(its own timeout or the default, the time the server
call being handled has left) — Python gRPC does not pass deadlines on by itself; the caller's
identity as metadata (unless the call sets `x-user-id` itself); a client span whose context
travels as `traceparent`; and the `grpc_client_*` metrics.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from chassis.grpc.deadlines import effective_timeout
from chassis.grpc.method_names import grpc_type, split_method
from chassis.identity import MD_USER_ID, optional_caller
from chassis.observability import metrics

_TRACER = trace.get_tracer("chassis.grpc.client")
# Any code but OK marks a client span as an error: to the caller, every failure is one.
_OK = grpc.StatusCode.OK


class _ClientCallDetails(grpc.ClientCallDetails):
    def __init__(
        self,
        method: str,
        timeout: float | None,
        metadata: grpc.Metadata | None,
        credentials: grpc.CallCredentials | None,
        wait_for_ready: bool | None,
        compression: grpc.Compression | None,
    ) -> None:
        self.method = method
        self.timeout = timeout
        self.metadata = metadata
        self.credentials = credentials
        self.wait_for_ready = wait_for_ready
        self.compression = compression


class ClientCallInterceptor(
    grpc.UnaryUnaryClientInterceptor,  # type: ignore[type-arg]
    grpc.UnaryStreamClientInterceptor,  # type: ignore[type-arg]
    grpc.StreamUnaryClientInterceptor,  # type: ignore[type-arg]
    grpc.StreamStreamClientInterceptor,  # type: ignore[type-arg]
):
    """Deadline, identity, trace context and metrics for all four call shapes."""

    def __init__(self, default_timeout: float = 5.0) -> None:
        self.default_timeout = default_timeout

    def intercept_unary_unary(
        self, continuation: Callable[..., Any], client_call_details: grpc.ClientCallDetails, request: Any
    ) -> Any:
        return self._intercept(continuation, client_call_details, request, grpc_type(False, False))

    def intercept_unary_stream(
        self, continuation: Callable[..., Any], client_call_details: grpc.ClientCallDetails, request: Any
    ) -> Any:
        return self._intercept(continuation, client_call_details, request, grpc_type(False, True))

    def intercept_stream_unary(
        self,
        continuation: Callable[..., Any],
        client_call_details: grpc.ClientCallDetails,
        request_iterator: Iterator[Any],
    ) -> Any:
        return self._intercept(continuation, client_call_details, request_iterator, grpc_type(True, False))

    def intercept_stream_stream(
        self,
        continuation: Callable[..., Any],
        client_call_details: grpc.ClientCallDetails,
        request_iterator: Iterator[Any],
    ) -> Any:
        return self._intercept(continuation, client_call_details, request_iterator, grpc_type(True, True))

    def _intercept(
        self,
        continuation: Callable[..., Any],
        details: grpc.ClientCallDetails,
        request: Any,
        kind: str,
    ) -> Any:
        service, method = split_method(details.method)
        call_metrics = metrics.call_metrics("client", kind, service, method)
        span = _TRACER.start_span(
            f"{service}/{method}",
            kind=SpanKind.CLIENT,
            attributes={"rpc.system": "grpc", "rpc.service": service, "rpc.method": method},
        )
        metadata = list(details.metadata or ())
        if not any(key == MD_USER_ID for key, _ in metadata):
            caller = optional_caller()
            if caller is not None:
                metadata.extend(caller.to_metadata())
        carrier: dict[str, str] = {}
        propagate.inject(carrier, context=trace.set_span_in_context(span))
        metadata.extend(carrier.items())
        new_details = _ClientCallDetails(
            details.method,
            effective_timeout(details.timeout, self.default_timeout),
            tuple(metadata),
            details.credentials,
            getattr(details, "wait_for_ready", None),
            getattr(details, "compression", None),
        )
        call_metrics.started.inc()
        started = time.perf_counter()

        def finish(code: grpc.StatusCode) -> None:
            call_metrics.handled_with(code.name).inc()
            call_metrics.handling.observe(time.perf_counter() - started)
            span.set_attribute("rpc.grpc.status_code", code.value[0])
            if code != _OK:
                span.set_status(Status(StatusCode.ERROR, code.name))
            span.end()

        try:
            outcome = continuation(new_details, request)
        except grpc.RpcError as exc:
            finish(exc.code() if isinstance(exc, grpc.Call) else grpc.StatusCode.UNKNOWN)
            raise
        except Exception:
            finish(grpc.StatusCode.UNKNOWN)
            raise
        outcome.add_done_callback(lambda done: finish(_outcome_code(done)))
        return outcome


def _outcome_code(done: Any) -> grpc.StatusCode:
    try:
        code = done.code()
    except Exception:  # a cancelled future has no code to report
        return grpc.StatusCode.CANCELLED
    return code if isinstance(code, grpc.StatusCode) else grpc.StatusCode.UNKNOWN
