"""The server interceptor every service runs: metrics, tracing, caller identity, deadline
check and domain-error mapping around each servicer method.

A sync gRPC server runs handlers in a thread pool, so the interceptor replaces each method
handler's behaviour with a wrapper that runs in the handler's thread. The wrapper runs the
handler inside a copy of the current `contextvars.Context` in which it binds the caller
(`chassis.identity`), the call's deadline (`chassis.grpc.deadlines`) and the server span; the
copy is dropped when the call ends, so nothing leaks into the next call on that thread, also
when a response stream is abandoned and closed later from another thread.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import grpc
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from chassis.errors import DomainError
from chassis.grpc.deadlines import bind_deadline
from chassis.grpc.method_names import SERVER_STREAM, UNARY, grpc_type, split_method
from chassis.grpc.status import to_rpc_status
from chassis.identity import Caller, set_caller
from chassis.observability import metrics

_LOG = logging.getLogger("chassis.grpc.server")
_TRACER = trace.get_tracer("chassis.grpc.server")
_T = TypeVar("_T")
_END = object()

# Probes and tooling: counted in metrics, but not traced (a span per kubelet probe is noise).
UNTRACED_PREFIXES = ("/grpc.health.v1.", "/grpc.reflection.")
# Codes that are the server's fault; other codes are the caller's and leave the span status unset.
SERVER_ERROR_CODES = frozenset(
    {
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.UNIMPLEMENTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DATA_LOSS,
    }
)
# A failure of a downstream call the handler did not handle: these codes describe our call
# too (the deadline is the caller's; a dependency is down), anything else becomes INTERNAL.
PASSED_ON_CODES = frozenset({grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.UNAVAILABLE})
INTERNAL_MESSAGE = "internal error"


class ServerCallInterceptor(grpc.ServerInterceptor):  # type: ignore[type-arg]
    """Wraps every method handler of the server (all four call shapes)."""

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],  # type: ignore[type-arg]
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:  # type: ignore[type-arg]
        handler = continuation(handler_call_details)
        if handler is None:
            return None
        behavior: Any = (
            handler.unary_unary or handler.unary_stream or handler.stream_unary or handler.stream_stream
        )
        # Handlers on gRPC's experimental callback API (the health Watch) stay as they are.
        if getattr(behavior, "experimental_non_blocking", False):
            return handler
        method = handler_call_details.method
        metadata = tuple(handler_call_details.invocation_metadata or ())
        kind = grpc_type(handler.request_streaming, handler.response_streaming)

        def start(context: grpc.ServicerContext) -> _ServerCall:
            return _ServerCall(method, kind, metadata, context)

        serializers = {
            "request_deserializer": handler.request_deserializer,
            "response_serializer": handler.response_serializer,
        }
        if handler.unary_unary is not None:
            unary_unary = handler.unary_unary

            def unary_unary_call(request: Any, context: grpc.ServicerContext) -> Any:
                call = start(context)
                return call.ctx.run(call.unary, unary_unary, request)

            return grpc.unary_unary_rpc_method_handler(unary_unary_call, **serializers)
        if handler.stream_unary is not None:
            stream_unary = handler.stream_unary

            def stream_unary_call(requests: Iterator[Any], context: grpc.ServicerContext) -> Any:
                call = start(context)
                return call.ctx.run(call.unary, stream_unary, call.count_received(requests))

            return grpc.stream_unary_rpc_method_handler(stream_unary_call, **serializers)
        if handler.unary_stream is not None:
            unary_stream = handler.unary_stream

            def unary_stream_call(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
                return start(context).stream(unary_stream, request)

            return grpc.unary_stream_rpc_method_handler(unary_stream_call, **serializers)
        assert handler.stream_stream is not None
        stream_stream = handler.stream_stream

        def stream_stream_call(requests: Iterator[Any], context: grpc.ServicerContext) -> Iterator[Any]:
            call = start(context)
            return call.stream(stream_stream, call.count_received(requests))

        return grpc.stream_stream_rpc_method_handler(stream_stream_call, **serializers)


class _ServerCall:
    """One call being served: its context copy, span, timer and final code."""

    def __init__(
        self,
        method: str,
        kind: str,
        metadata: tuple[tuple[str, str | bytes], ...],
        context: grpc.ServicerContext,
    ) -> None:
        self.method = method
        self.metadata = metadata
        self.context = context
        self.ctx = contextvars.copy_context()
        self.service, self.method_name = split_method(method)
        self.labels = (kind, self.service, self.method_name)
        self.metrics = metrics.call_metrics("server", kind, self.service, self.method_name)
        self.unary_request = kind in (UNARY, SERVER_STREAM)
        self.started = time.perf_counter()
        self.span: trace.Span | None = None
        self.finished = False

    # -- the call shapes ---------------------------------------------------------------------

    def unary(self, behavior: Callable[[Any, grpc.ServicerContext], _T], request: Any) -> _T:
        """Runs inside self.ctx: the whole unary-response call."""
        self._begin()
        response = self._guarded(behavior, request, self.context)
        self._finish(_context_code(self.context) or grpc.StatusCode.OK)
        if response is not None:
            self._sent()
        return response

    def stream(
        self, behavior: Callable[[Any, grpc.ServicerContext], Iterator[_T]], request: Any
    ) -> Iterator[_T]:
        """A response stream: each step runs inside self.ctx, in the handler's thread."""
        try:
            responses = self.ctx.run(self._open_stream, behavior, request)
            while True:
                item = self.ctx.run(self._guarded, next, responses, _END)
                if item is _END:
                    self._finish(_context_code(self.context) or grpc.StatusCode.OK)
                    return
                self._sent()
                yield item
        finally:
            if not self.finished:  # closed before the end: the client went away
                self._finish(grpc.StatusCode.CANCELLED)

    def _open_stream(
        self, behavior: Callable[[Any, grpc.ServicerContext], Iterator[_T]], request: Any
    ) -> Iterator[_T]:
        self._begin()
        return iter(self._guarded(behavior, request, self.context))

    def count_received(self, requests: Iterator[_T]) -> Iterator[_T]:
        counter = self._received_counter()
        for request in requests:
            counter.inc()
            yield request

    def _sent(self) -> None:
        sent = self.metrics.sent
        (sent if sent is not None else metrics.GRPC_SERVER_MSG_SENT.labels(*self.labels)).inc()

    def _received_counter(self) -> Any:
        received = self.metrics.received
        return received if received is not None else metrics.GRPC_SERVER_MSG_RECEIVED.labels(*self.labels)

    # -- before, around and after the handler ------------------------------------------------

    def _begin(self) -> None:
        """Runs inside self.ctx: counts the call, opens the span, binds caller and deadline,
        and refuses a call whose deadline has passed before it reached a thread."""
        self.metrics.started.inc()
        if self.unary_request:
            self._received_counter().inc()
        caller = Caller.from_metadata(self.metadata)
        set_caller(caller)
        remaining = self.context.time_remaining()
        bind_deadline(remaining)
        if not self.method.startswith(UNTRACED_PREFIXES):
            carrier = {key: value for key, value in self.metadata if isinstance(value, str)}
            attributes: dict[str, str] = {
                "rpc.system": "grpc",
                "rpc.service": self.service,
                "rpc.method": self.method_name,
            }
            if caller is not None:
                attributes["enduser.id"] = caller.user_id
            self.span = _TRACER.start_span(
                f"{self.service}/{self.method_name}",
                context=propagate.extract(carrier),
                kind=SpanKind.SERVER,
                attributes=attributes,
            )
            otel_context.attach(trace.set_span_in_context(self.span))
        if remaining is not None and remaining <= 0:
            self._finish(grpc.StatusCode.DEADLINE_EXCEEDED)
            self.context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline exceeded before the call started")

    def _guarded(self, fn: Callable[..., _T], *args: Any) -> _T:
        """Runs handler code; maps what it raises to the call's status."""
        try:
            return fn(*args)
        except DomainError as exc:
            status = to_rpc_status(exc)
            self._finish(status.code)
            self.context.abort_with_status(status)
        except Exception as exc:
            aborted = _aborted_code(self.context, exc)
            if aborted is not None:  # the servicer called context.abort() itself
                self._finish(aborted, exc)
                raise
            if (
                isinstance(exc, grpc.RpcError)
                and isinstance(exc, grpc.Call)
                and exc.code() in PASSED_ON_CODES
            ):
                code = exc.code()
                _LOG.warning("%s: a downstream call failed with %s", self.method, code.name)
                self._finish(code, exc)
                self.context.abort(code, f"a downstream call failed: {code.name}")
            _LOG.exception("unhandled error in %s", self.method)
            self._finish(grpc.StatusCode.INTERNAL, exc)
            self.context.abort(grpc.StatusCode.INTERNAL, INTERNAL_MESSAGE)

    def _finish(self, code: grpc.StatusCode, exc: BaseException | None = None) -> None:
        if self.finished:
            return
        self.finished = True
        self.metrics.handled_with(code.name).inc()
        self.metrics.handling.observe(time.perf_counter() - self.started)
        if self.span is None:
            return
        self.span.set_attribute("rpc.grpc.status_code", code.value[0])
        if code in SERVER_ERROR_CODES:
            if exc is not None:
                self.span.record_exception(exc)
            self.span.set_status(Status(StatusCode.ERROR, code.name))
        self.span.end()


def _context_code(context: grpc.ServicerContext) -> grpc.StatusCode | None:
    """The code a handler set with `context.set_code`/`abort` (None when it set none)."""
    code_of = getattr(context, "code", None)
    code = code_of() if callable(code_of) else None
    return code if isinstance(code, grpc.StatusCode) else None


def _aborted_code(context: grpc.ServicerContext, exc: Exception) -> grpc.StatusCode | None:
    # `context.abort()` raises a bare `Exception()` after recording the code on the context.
    if type(exc) is not Exception or exc.args:
        return None
    code = _context_code(context)
    return None if code in (None, grpc.StatusCode.OK) else code
