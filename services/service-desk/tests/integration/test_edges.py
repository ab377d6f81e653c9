"""Bad input named by field with nothing written, record-level access, and the contract flow
(create, submit, add a covered item at its prorated charge, cancel) over real gRPC."""

from __future__ import annotations

import datetime as dt

import grpc
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from service_desk.testing import (
    ADMIN,
    AGENT,
    OTHER_AGENT,
    REP,
    ServiceDeskUnderTest,
    calendar_year_contract,
    office_calendar,
    policy,
    rpc_failure,
    thb,
)


def ups_contract(**changes: object) -> res.MaintenanceContract:
    """An auto-renewing calendar-year contract covering one UPS worth 60,000.00 THB a year."""
    ups = res.CoveredItem(product_id="prd_ups", serial_number="UPS-001", yearly_value=thb("60000.00"))
    values: dict[str, object] = {"customer_id": "cus_1", "auto_renew": True, "covered_items": [ups]}
    return calendar_year_contract(**(values | changes))


def test_resolution_target_below_response_target_is_refused_and_nothing_written(
    desk: ServiceDeskUnderTest,
) -> None:
    failure = rpc_failure(
        lambda: desk.call("CreateSlaPolicy", pb.CreateSlaPolicyRequest(policy=policy("bad", 240, 120)), ADMIN)
    )

    assert failure.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "targets[0].resolution_minutes" in failure.fields
    assert desk.count("sla_policies") == 0
    assert desk.count("outbox") == 0


def test_overlapping_working_windows_are_refused_and_nothing_written(desk: ServiceDeskUnderTest) -> None:
    calendar = office_calendar()
    calendar.windows.append(res.WorkingWindow(weekday=0, start="11:00", end="14:00"))

    failure = rpc_failure(
        lambda: desk.call("CreateCalendar", pb.CreateCalendarRequest(calendar=calendar), ADMIN)
    )

    assert failure.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "overlaps" in failure.fields["windows[10]"]
    assert desk.count("calendars") == 0


def test_a_malformed_time_of_day_names_its_window(desk: ServiceDeskUnderTest) -> None:
    calendar = office_calendar()
    calendar.windows[3].end = "25:00"

    failure = rpc_failure(
        lambda: desk.call("CreateCalendar", pb.CreateCalendarRequest(calendar=calendar), ADMIN)
    )

    assert failure.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(failure.fields) == {"windows[3].end"}
    assert desk.count("calendars") == 0


def test_contract_ending_before_it_starts_is_refused_and_nothing_written(desk: ServiceDeskUnderTest) -> None:
    contract = ups_contract(end_date="2025-12-31")

    failure = rpc_failure(
        lambda: desk.call("CreateContract", pb.CreateContractRequest(contract=contract), REP)
    )

    assert failure.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "end_date" in failure.fields
    assert desk.count("contracts") == 0
    assert desk.count("outbox") == 0


def test_only_admins_write_sla_policies(desk: ServiceDeskUnderTest) -> None:
    failure = rpc_failure(
        lambda: desk.call("CreateSlaPolicy", pb.CreateSlaPolicyRequest(policy=policy("p", 60, 120)), AGENT)
    )
    assert failure.code == grpc.StatusCode.PERMISSION_DENIED


def test_agents_see_their_teams_cases_and_reps_do_not_work_cases(desk: ServiceDeskUnderTest) -> None:
    request = pb.CreateCaseRequest(title="Noisy fan", customer_id="cus_1", team_id="support-north")
    case = desk.call("CreateCase", request, REP).case

    assert desk.call("GetCase", pb.GetCaseRequest(id=case.id), AGENT).case.id == case.id
    assert rpc_failure(lambda: desk.call("GetCase", pb.GetCaseRequest(id=case.id), OTHER_AGENT)).code == (
        grpc.StatusCode.NOT_FOUND
    )
    assert [c.id for c in desk.call("ListCases", pb.ListCasesRequest(), AGENT).cases] == [case.id]
    assert desk.call("ListCases", pb.ListCasesRequest(), OTHER_AGENT).cases == []
    assert desk.call("GetCase", pb.GetCaseRequest(id=case.id), REP).case.id == case.id  # opened it
    change = pb.ChangeCaseStatusRequest(case_id=case.id, status=res.CASE_STATUS_IN_PROGRESS)
    assert (
        rpc_failure(lambda: desk.call("ChangeCaseStatus", change, REP)).code
        == grpc.StatusCode.PERMISSION_DENIED
    )
    closing = pb.ChangeCaseStatusRequest(case_id=case.id, status=res.CASE_STATUS_CLOSED)
    assert rpc_failure(lambda: desk.call("ChangeCaseStatus", closing, AGENT)).code == (
        grpc.StatusCode.FAILED_PRECONDITION
    )

    desk.call("AddCaseNote", pb.AddCaseNoteRequest(case_id=case.id, body="fan bearing, order part"), AGENT)
    desk.clock.set(desk.clock() + dt.timedelta(minutes=5))
    desk.call(
        "AddCaseReply", pb.AddCaseReplyRequest(case_id=case.id, body="A technician comes Tuesday"), AGENT
    )
    assert [
        m.customer_visible for m in desk.call("GetCase", pb.GetCaseRequest(id=case.id), AGENT).messages
    ] == [
        False,
        True,
    ]
    assert [
        m.customer_visible for m in desk.call("GetCase", pb.GetCaseRequest(id=case.id), REP).messages
    ] == [True]


def test_resolve_close_and_reopen_publish_their_events(desk: ServiceDeskUnderTest) -> None:
    case = desk.call("CreateCase", pb.CreateCaseRequest(title="Login fails", customer_id="cus_2"), AGENT).case
    for status in (
        res.CASE_STATUS_RESOLVED,
        res.CASE_STATUS_IN_PROGRESS,
        res.CASE_STATUS_RESOLVED,
        res.CASE_STATUS_CLOSED,
    ):
        desk.call("ChangeCaseStatus", pb.ChangeCaseStatusRequest(case_id=case.id, status=status), AGENT)

    assert desk.outbox_subjects() == [
        "crm.servicedesk.case.created",
        "crm.servicedesk.case.status_changed",
        "crm.servicedesk.case.status_changed",
        "crm.servicedesk.case.reopened",
        "crm.servicedesk.case.status_changed",
        "crm.servicedesk.case.status_changed",
        "crm.servicedesk.case.closed",
    ]


def test_contract_submitted_then_an_item_added_from_april_costs_its_remaining_days(
    desk: ServiceDeskUnderTest,
) -> None:
    desk.clock.set(dt.datetime(2026, 3, 20, 3, 0, tzinfo=dt.UTC))
    contract = desk.call("CreateContract", pb.CreateContractRequest(contract=ups_contract()), REP).contract
    assert contract.status == res.CONTRACT_STATUS_DRAFT
    assert contract.owner_id == REP.user_id

    submitted = desk.call("SubmitContract", pb.SubmitContractRequest(id=contract.id), REP).contract
    assert submitted.HasField("submit_time")
    again = rpc_failure(lambda: desk.call("SubmitContract", pb.SubmitContractRequest(id=contract.id), REP))
    assert again.code == grpc.StatusCode.FAILED_PRECONDITION

    item = res.CoveredItem(product_id="prd_aircon", serial_number="AC-77", yearly_value=thb("36500.00"))
    added = desk.call(
        "AddCoveredItem",
        pb.AddCoveredItemRequest(contract_id=contract.id, item=item, added_on="2026-04-01"),
        REP,
    )
    assert added.charge.amount == "27500.00"
    assert [i.serial_number for i in added.contract.covered_items] == ["UPS-001", "AC-77"]

    outsider = rpc_failure(
        lambda: desk.call("GetContract", pb.GetContractRequest(id=contract.id), OTHER_AGENT)
    )
    assert outsider.code == grpc.StatusCode.NOT_FOUND

    cancelled = desk.call(
        "CancelContract",
        pb.CancelContractRequest(id=contract.id, effective_on="2026-04-01", reason="customer left"),
        REP,
    )
    assert cancelled.credit.amount == "0.00"  # never approved, never billed
    assert cancelled.contract.cancelled_on == "2026-04-01"
    assert desk.outbox_subjects() == [
        "crm.servicedesk.contract.created",
        "crm.servicedesk.contract.submitted",
        "crm.servicedesk.contract.cancelled",
    ]
