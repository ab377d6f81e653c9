"""Domain errors <-> gRPC status, in one table.

Servers turn a chassis `DomainError` into a `grpc.Status` carrying the rich error model
(`google.rpc.Status` with `BadRequest` field violations and an `ErrorInfo`), so clients can
name the offending fields. Clients read it back (`remote_status`, `from_rpc_error`) or re-raise
it as the same typed chassis error (`raise_domain_error`), so a remote `NotFound` is caught as
`NotFound` in the calling service too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import grpc
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from chassis.errors import (
    AlreadyExists,
    Conflict,
    DomainError,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)

# `ErrorInfo.domain` of every error the platform's services raise on purpose.
ERROR_DOMAIN = "crm"

# The one table. Looked up along the exception's MRO, so a service's own subclass
# (`class QuotationLocked(FailedPrecondition)`) maps like its chassis parent.
STATUS_CODES: Mapping[type[DomainError], grpc.StatusCode] = {
    InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    NotFound: grpc.StatusCode.NOT_FOUND,
    AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    Conflict: grpc.StatusCode.ABORTED,
    FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
}
# A bare `DomainError` (no more specific type) is a business rule that refused the request.
FALLBACK_CODE = grpc.StatusCode.FAILED_PRECONDITION

_ERROR_TYPES_BY_CODE: Mapping[grpc.StatusCode, type[DomainError]] = {
    code: error_type for error_type, code in STATUS_CODES.items()
}
_ERROR_TYPES_BY_NAME: Mapping[str, type[DomainError]] = {t.__name__: t for t in STATUS_CODES}
_CODES_BY_NUMBER: Mapping[int, grpc.StatusCode] = {code.value[0]: code for code in grpc.StatusCode}


def status_code_for(exc: DomainError) -> grpc.StatusCode:
    """The gRPC code of a domain error (the nearest mapped class in its MRO)."""
    for cls in type(exc).__mro__:
        code = STATUS_CODES.get(cls)
        if code is not None:
            return code
    return FALLBACK_CODE


def to_rpc_status(exc: DomainError) -> grpc.Status:
    """The status a server aborts with: code, message, `BadRequest`, `ErrorInfo` and any extra
    protobuf messages the error carries in an optional `details` attribute."""
    code = status_code_for(exc)
    details: list[any_pb2.Any] = []
    violations: Sequence[FieldViolation] = getattr(exc, "violations", ())
    if violations:
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.reason)
                for v in violations
            ]
        )
        details.append(_pack(bad_request))
    details.append(
        _pack(
            error_details_pb2.ErrorInfo(
                reason=type(exc).__name__, domain=ERROR_DOMAIN, metadata=_error_metadata(exc)
            )
        )
    )
    extra: Sequence[Message] = getattr(exc, "details", ()) or ()
    details.extend(m if isinstance(m, any_pb2.Any) else _pack(m) for m in extra)
    status = status_pb2.Status(code=code.value[0], message=exc.message, details=details)
    result: grpc.Status = rpc_status.to_status(status)
    return result


def _pack(message: Message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def _error_metadata(exc: DomainError) -> dict[str, str]:
    if isinstance(exc, NotFound):
        return {"resource": exc.resource, "resource_id": exc.resource_id}
    return {}


@dataclass(frozen=True)
class RemoteStatus:
    """What a failed call reported: code, message, field violations, the `ErrorInfo` reason
    and metadata ("" / {} when absent), and extra details as packed `Any` messages."""

    code: grpc.StatusCode
    message: str
    violations: list[FieldViolation] = field(default_factory=list)
    reason: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    details: list[any_pb2.Any] = field(default_factory=list)


def remote_status(err: grpc.RpcError) -> RemoteStatus:
    """Decode the rich status of a client-side `RpcError` (plain code and message when the
    server sent no `grpc-status-details-bin`)."""
    status: status_pb2.Status | None = None
    if isinstance(err, grpc.Call):
        try:
            status = rpc_status.from_call(err)
        except ValueError:  # details that contradict the code or message: ignore them
            status = None
    if status is None:
        code = err.code() if callable(getattr(err, "code", None)) else grpc.StatusCode.UNKNOWN
        return RemoteStatus(code=code, message=_call_details(err))
    violations: list[FieldViolation] = []
    reason = ""
    metadata: dict[str, str] = {}
    extra: list[any_pb2.Any] = []
    seen_info = False
    for packed in status.details:
        if packed.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            packed.Unpack(bad_request)
            violations.extend(FieldViolation(v.field, v.description) for v in bad_request.field_violations)
        elif packed.Is(error_details_pb2.ErrorInfo.DESCRIPTOR) and not seen_info:
            seen_info = True
            info = error_details_pb2.ErrorInfo()
            packed.Unpack(info)
            if info.domain == ERROR_DOMAIN:
                reason = info.reason
            metadata.update(info.metadata)
        else:
            extra.append(packed)
    return RemoteStatus(
        code=_CODES_BY_NUMBER.get(status.code, grpc.StatusCode.UNKNOWN),
        message=status.message,
        violations=violations,
        reason=reason,
        metadata=metadata,
        details=extra,
    )


def _call_details(err: grpc.RpcError) -> str:
    details: Any = err.details() if callable(getattr(err, "details", None)) else None
    return str(details or "")


def from_rpc_error(err: grpc.RpcError) -> tuple[grpc.StatusCode, str, list[FieldViolation]]:
    """(code, message, field violations) of a failed call: what the gateway needs for a
    problem response."""
    status = remote_status(err)
    return status.code, status.message, status.violations


def raise_domain_error(err: grpc.RpcError) -> NoReturn:
    """Re-raise a failed call as the chassis error the remote service raised (typed remote
    errors), keeping message, violations and extra details; codes no domain error maps to
    (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, ...) re-raise `err` unchanged."""
    status = remote_status(err)
    error_type = _ERROR_TYPES_BY_NAME.get(status.reason) or _ERROR_TYPES_BY_CODE.get(status.code)
    if error_type is None or STATUS_CODES[error_type] != status.code:
        raise err
    error = _rebuild(error_type, status)
    error.details = list(status.details)  # type: ignore[attr-defined]
    raise error from err


def _rebuild(error_type: type[DomainError], status: RemoteStatus) -> DomainError:
    error: DomainError
    if error_type is InvalidArgument:
        violations = status.violations or [FieldViolation("request", status.message or "is invalid")]
        error = InvalidArgument(violations=violations)
    elif error_type is NotFound:
        error = NotFound(status.metadata.get("resource", "resource"), status.metadata.get("resource_id", ""))
    else:
        error = error_type(status.message)
    # Keep the remote wording exactly, whatever the constructor would have composed.
    error.message = status.message
    error.args = (status.message,)
    return error


__all__ = [
    "ERROR_DOMAIN",
    "FALLBACK_CODE",
    "STATUS_CODES",
    "RemoteStatus",
    "from_rpc_error",
    "raise_domain_error",
    "remote_status",
    "status_code_for",
    "to_rpc_status",
]
