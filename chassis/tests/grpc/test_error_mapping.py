"""Domain errors raised by servicers reach clients as gRPC status with rich details, and
clients can turn them back into the same typed errors."""

from __future__ import annotations

import logging

import grpc
import pytest
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
from chassis.grpc import from_rpc_error, raise_domain_error, remote_status, status_code_for, to_rpc_status
from google.rpc import error_details_pb2


def failed_call(call, method: str, payload: bytes = b"") -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as failure:
        call(method, payload)
    return failure.value


def test_invalid_argument_arrives_with_its_field_violations(call) -> None:
    error = failed_call(call, "Fail", b"invalid")
    code, message, violations = from_rpc_error(error)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert message == "customer.tax_id: bad checksum"
    assert violations == [FieldViolation("customer.tax_id", "bad checksum")]


def test_every_violation_is_reported_in_order(call) -> None:
    _, _, violations = from_rpc_error(failed_call(call, "Fail", b"invalid-many"))
    assert [v.field for v in violations] == ["customer.tax_id", "customer.addresses[0].postal_code"]


def test_error_info_names_the_error_type_in_the_crm_domain(call) -> None:
    status = remote_status(failed_call(call, "Fail", b"not-found"))
    assert status.code == grpc.StatusCode.NOT_FOUND
    assert status.reason == "NotFound"
    assert status.metadata == {"resource": "customer", "resource_id": "c-42"}


def test_not_found_is_re_raised_on_the_client_as_not_found(call) -> None:
    error = failed_call(call, "Fail", b"not-found")
    with pytest.raises(NotFound) as raised:
        raise_domain_error(error)
    assert (raised.value.resource, raised.value.resource_id) == ("customer", "c-42")
    assert raised.value.message == "customer 'c-42' not found"
    assert raised.value.__cause__ is error


def test_invalid_argument_is_re_raised_with_its_violations(call) -> None:
    with pytest.raises(InvalidArgument) as raised:
        raise_domain_error(failed_call(call, "Fail", b"invalid"))
    assert raised.value.violations == [FieldViolation("customer.tax_id", "bad checksum")]


def test_already_exists_carries_extra_details_to_the_client(call) -> None:
    error = failed_call(call, "Fail", b"exists")
    status = remote_status(error)
    assert status.code == grpc.StatusCode.ALREADY_EXISTS
    resource = error_details_pb2.ResourceInfo()
    assert len(status.details) == 1
    assert status.details[0].Unpack(resource)
    assert resource.resource_name == "c-7"
    with pytest.raises(AlreadyExists) as raised:
        raise_domain_error(error)
    assert raised.value.message == "a customer with tax id 0105556012345 exists"
    assert raised.value.details[0].Unpack(resource)  # type: ignore[attr-defined]


def test_permission_denied_maps_to_permission_denied(call) -> None:
    error = failed_call(call, "Fail", b"denied")
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(PermissionDenied):
        raise_domain_error(error)


def test_an_unexpected_exception_becomes_internal_without_its_text(call, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="chassis.grpc.server"):
        error = failed_call(call, "Fail", b"crash")
    assert error.code() == grpc.StatusCode.INTERNAL
    assert error.details() == "internal error"
    assert "hunter2" not in str(error.trailing_metadata())
    logged = [r for r in caplog.records if r.name == "chassis.grpc.server"]
    assert logged
    assert logged[0].exc_info is not None
    assert "hunter2" in str(logged[0].exc_info[1])


def test_codes_without_a_domain_error_are_re_raised_unchanged(call) -> None:
    error = failed_call(call, "Fail", b"crash")
    with pytest.raises(grpc.RpcError) as raised:
        raise_domain_error(error)
    assert raised.value is error


def test_a_servicer_that_aborts_itself_keeps_its_code(call) -> None:
    error = failed_call(call, "Fail", b"abort")
    assert (error.code(), error.details()) == (grpc.StatusCode.RESOURCE_EXHAUSTED, "quota used up")


def test_a_domain_error_in_the_middle_of_a_response_stream_ends_it_with_its_code(probe_channel) -> None:
    stream = probe_channel.unary_stream("/crm.test.v1.ProbeService/CountDown")(b"3:fail", timeout=5)
    received = []
    with pytest.raises(grpc.RpcError) as failure:
        received.extend(stream)
    assert received == [b"3", b"2", b"1"]
    assert failure.value.code() == grpc.StatusCode.NOT_FOUND


def test_streams_that_end_normally_pass_through(probe_channel) -> None:
    responses = list(probe_channel.unary_stream("/crm.test.v1.ProbeService/CountDown")(b"2", timeout=5))
    assert responses == [b"2", b"1"]
    total = probe_channel.stream_unary("/crm.test.v1.ProbeService/TotalLength")(
        iter([b"ab", b"cde"]), timeout=5
    )
    assert total == b"5"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InvalidArgument("email", "is not an e-mail address"), grpc.StatusCode.INVALID_ARGUMENT),
        (NotFound("lead", "l-1"), grpc.StatusCode.NOT_FOUND),
        (AlreadyExists("duplicate tax id"), grpc.StatusCode.ALREADY_EXISTS),
        (Conflict("version 3 is stale"), grpc.StatusCode.ABORTED),
        (FailedPrecondition("lead is disqualified"), grpc.StatusCode.FAILED_PRECONDITION),
        (PermissionDenied("not your record"), grpc.StatusCode.PERMISSION_DENIED),
        (Unauthenticated("no caller"), grpc.StatusCode.UNAUTHENTICATED),
    ],
)
def test_the_table_maps_each_domain_error_to_its_code(error: DomainError, code: grpc.StatusCode) -> None:
    assert status_code_for(error) == code
    assert to_rpc_status(error).code == code


def test_a_service_specific_subclass_maps_like_its_chassis_parent() -> None:
    class QuotationLocked(FailedPrecondition):
        pass

    assert (
        status_code_for(QuotationLocked("submitted quotations are locked"))
        == grpc.StatusCode.FAILED_PRECONDITION
    )
