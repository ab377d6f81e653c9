"""The deadline of the server call being handled, so outgoing calls can pass it on.

Python gRPC does not propagate deadlines: a service that calls another must send
`min(its own timeout, the time its caller has left)`. The server interceptor binds the
caller's deadline here for the duration of a call; the client interceptor reads it.
"""

from __future__ import annotations

import contextvars
import time

# Above this, a "remaining time" means the caller set no deadline (gRPC reports a huge value).
UNBOUNDED_SECONDS = 10.0 * 365 * 24 * 3600

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("crm_grpc_deadline", default=None)


def bind_deadline(remaining_seconds: float | None) -> contextvars.Token[float | None]:
    """Bind the current call's deadline, given as seconds left; None (or unbounded) clears it."""
    if remaining_seconds is None or remaining_seconds >= UNBOUNDED_SECONDS:
        return _deadline.set(None)
    return _deadline.set(time.monotonic() + max(remaining_seconds, 0.0))


def reset_deadline(token: contextvars.Token[float | None]) -> None:
    _deadline.reset(token)


def remaining_time() -> float | None:
    """Seconds the current server call has left (never negative), or None outside a call or
    when its caller set no deadline."""
    deadline = _deadline.get()
    if deadline is None:
        return None
    return max(deadline - time.monotonic(), 0.0)


def effective_timeout(own_timeout: float | None, default_timeout: float) -> float:
    """The timeout an outgoing call gets: its own (or the default), capped by the time the
    call being served has left."""
    timeout = default_timeout if own_timeout is None else own_timeout
    remaining = remaining_time()
    return timeout if remaining is None else min(timeout, remaining)
