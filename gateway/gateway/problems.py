"""RFC 9457 problem details for every error the gateway returns, and the ONE table that maps
gRPC status codes to HTTP statuses.

Errors reach a client in one shape whatever raised them: a remote service (grpc.RpcError,
with BadRequest field violations as `errors`), a local use case (chassis DomainError, mapped
through the chassis's error->gRPC table and then this one), request validation (pydantic),
or Flask itself (404, 405, 413, 500).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

import grpc
from chassis.errors import DomainError, FieldViolation
from chassis.grpc.status import remote_status, status_code_for
from flask import Flask, Response, g, has_request_context, request
from google.protobuf import json_format, symbol_database
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from gateway.translate import to_json

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:problem-type:crm:"

# The one table: gRPC status code -> HTTP status. Codes not listed are 500.
GRPC_TO_HTTP: Mapping[grpc.StatusCode, int] = {
    grpc.StatusCode.INVALID_ARGUMENT: 422,
    grpc.StatusCode.OUT_OF_RANGE: 422,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
}
# Server-side detail of these is not for clients (it may name hosts or internals).
_HIDDEN_DETAIL = frozenset(
    {
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.DATA_LOSS,
        grpc.StatusCode.UNIMPLEMENTED,
    }
)


def http_status_for(code: grpc.StatusCode) -> int:
    return GRPC_TO_HTTP.get(code, 500)


class ProblemError(Exception):
    """An HTTP error response in RFC 9457 form. Raise it anywhere in a request."""

    def __init__(
        self,
        status: int,
        detail: str = "",
        *,
        title: str | None = None,
        slug: str | None = None,
        errors: Sequence[FieldViolation] = (),
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or title or str(status))
        self.status = status
        self.title = title or _phrase(status)
        self.detail = detail
        self.type = f"{TYPE_PREFIX}{slug}" if slug else "about:blank"
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    def body(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail:
            payload["detail"] = self.detail
        if has_request_context():
            payload["instance"] = request.path
        if self.errors:
            payload["errors"] = [{"field": v.field, "reason": v.reason} for v in self.errors]
        payload.update(self.extra)
        return payload

    def response(self) -> Response:
        body = json.dumps(self.body(), ensure_ascii=False)
        response = Response(body, status=self.status, content_type=PROBLEM_CONTENT_TYPE)
        for name, value in self.headers.items():
            response.headers[name] = value
        return response


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def validation_problem(
    errors: Iterable[FieldViolation], detail: str = "the request is not valid"
) -> ProblemError:
    return ProblemError(422, detail, slug="validation-error", errors=list(errors))


def from_validation_error(error: ValidationError, *, location: str = "") -> ProblemError:
    """pydantic errors -> 422 naming each field by its dotted path (list indexes included)."""
    violations = []
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item["loc"]) or location or "body"
        violations.append(FieldViolation(path, str(item["msg"])))
    return validation_problem(violations)


def from_rpc_error(error: grpc.RpcError) -> ProblemError:
    """A failed call to a service, as the problem the client sees."""
    status = remote_status(error)
    http_status = http_status_for(status.code)
    detail = status.message if status.code not in _HIDDEN_DETAIL else "a service failed to answer"
    if http_status >= 500:
        log.warning("gRPC call failed: %s %s", status.code.name, status.message)
    extra: dict[str, Any] = {"code": status.code.name.lower()}
    if status.reason:
        extra["reason"] = status.reason
    decoded = [_decode_detail(packed) for packed in status.details]
    if any(item is not None for item in decoded):
        extra["details"] = [item for item in decoded if item is not None]
    headers = {"Retry-After": "1"} if status.code == grpc.StatusCode.UNAVAILABLE else None
    return ProblemError(
        http_status,
        detail,
        slug=_slug(status.code),
        errors=_rest_fields(status.violations),
        headers=headers,
        extra=extra,
    )


def from_domain_error(error: DomainError) -> ProblemError:
    """A local use case's error, mapped through the same code table as remote ones."""
    code = status_code_for(error)
    return ProblemError(
        http_status_for(code),
        error.message,
        slug=_slug(code),
        errors=list(getattr(error, "violations", ())),
        extra={"code": code.name.lower()},
    )


def _slug(code: grpc.StatusCode) -> str:
    return code.name.lower().replace("_", "-")


def _rest_fields(violations: Sequence[FieldViolation]) -> list[FieldViolation]:
    """Services name fields inside the request message ("lead.email"); REST bodies are the
    resource itself, so the wrapper named by the view (g.body_field) is dropped ("email")."""
    prefix = g.get("body_field") if has_request_context() else None
    if not prefix:
        return list(violations)
    cut = f"{prefix}."
    return [
        FieldViolation(v.field[len(cut) :] if v.field.startswith(cut) else v.field, v.reason)
        for v in violations
    ]


def _decode_detail(packed: Any) -> dict[str, Any] | None:
    """Extra details a service attached (e.g. duplicate candidates), when their type is known."""
    type_name = packed.type_url.rsplit("/", 1)[-1]
    try:
        message_class = symbol_database.Default().GetSymbol(type_name)
    except KeyError:
        return None
    message = message_class()
    if not packed.Unpack(message):
        return None
    try:
        return {"type": type_name, **to_json(message)}
    except json_format.Error:
        return None


def response_for_exception(error: BaseException) -> Response:
    """The problem response for anything a view raised."""
    if isinstance(error, ProblemError):
        return error.response()
    if isinstance(error, ValidationError):
        return from_validation_error(error).response()
    if isinstance(error, grpc.RpcError):
        return from_rpc_error(error).response()
    if isinstance(error, DomainError):
        return from_domain_error(error).response()
    if isinstance(error, HTTPException):
        problem = ProblemError(error.code or 500, error.description or "", headers=dict(error.get_headers()))
        problem.headers.pop("Content-Type", None)
        return problem.response()
    log.exception("unhandled error", exc_info=error)
    return ProblemError(500, "an unexpected error occurred").response()


def register_error_handlers(app: Flask) -> None:
    """Every error leaves the gateway as problem+json, Flask's own 404/405 included."""
    app.register_error_handler(Exception, response_for_exception)
