"""Typed domain errors. Services raise these; the chassis maps them to gRPC codes in one
table (chassis.grpc.status) and the gateway maps gRPC codes to RFC 9457 problems."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldViolation:
    """One invalid field: `field` is a dotted path as the client sent it (e.g. "customer.tax_id")."""

    field: str
    reason: str


class DomainError(Exception):
    """Base of every error a use case may raise on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArgument(DomainError):
    """The request is malformed; names every offending field."""

    def __init__(
        self,
        field: str | None = None,
        reason: str | None = None,
        *,
        violations: list[FieldViolation] | None = None,
    ) -> None:
        found = list(violations or [])
        if field is not None:
            found.insert(0, FieldViolation(field, reason or "is invalid"))
        if not found:
            raise ValueError("InvalidArgument needs at least one field violation")
        self.violations = found
        super().__init__("; ".join(f"{v.field}: {v.reason}" for v in found))


class NotFound(DomainError):
    def __init__(self, resource: str, resource_id: str) -> None:
        self.resource = resource
        self.resource_id = resource_id
        super().__init__(f"{resource} {resource_id!r} not found")


class AlreadyExists(DomainError):
    """A record that must be unique exists already (duplicate tax id, e-mail, ...)."""


class Conflict(DomainError):
    """A concurrent change won (stale version); the caller should re-read and retry."""


class FailedPrecondition(DomainError):
    """The record is not in a state that allows this (e.g. qualifying a disqualified lead)."""


class PermissionDenied(DomainError):
    """The caller may not see or change this record."""


class Unauthenticated(DomainError):
    """No caller identity where one is required."""


@dataclass
class ViolationCollector:
    """Collects field violations during validation, so one error reports them all."""

    violations: list[FieldViolation] = field(default_factory=list)

    def add(self, field_path: str, reason: str) -> None:
        self.violations.append(FieldViolation(field_path, reason))

    def raise_if_any(self) -> None:
        if self.violations:
            raise InvalidArgument(violations=self.violations)
