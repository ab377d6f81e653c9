"""Auto-close over real databases and a real nats-server: a resolved case nobody answered closes
at the end of the 4th business day on its calendar (across a weekend and a holiday), not a
minute before, and once when two services' passes race over one database."""

from __future__ import annotations

from crm.servicedesk.v1 import events_pb2 as ev
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from service_desk.testing import (
    AGENT,
    ServiceDeskUnderTest,
    bkk,
    change_status,
    office_policy,
    race,
    read_stream,
)


def _resolved_office_case(desk: ServiceDeskUnderTest) -> str:
    office_policy(desk)
    desk.clock.set(bkk(2026, 4, 1, 9, 0))
    case = desk.call(
        "CreateCase", pb.CreateCaseRequest(title="Printer jams", customer_id="cus_1"), AGENT
    ).case
    for status, at in (
        (res.CASE_STATUS_IN_PROGRESS, bkk(2026, 4, 1, 9, 30)),
        (res.CASE_STATUS_RESOLVED, bkk(2026, 4, 2, 15, 0)),  # Thursday
    ):
        change_status(desk, case.id, status, at)
    return str(case.id)


def test_a_silent_resolved_case_closes_after_four_business_days_once_under_two_racing_services(
    desk_with_events: ServiceDeskUnderTest,
) -> None:
    desk = desk_with_events
    case_id = _resolved_office_case(desk)

    # Fri 3, (Sat 4, Sun 5, Mon 6 holiday) Tue 7, Wed 8, Thu 9: due Thu 2026-04-09 17:30
    desk.clock.set(bkk(2026, 4, 9, 17, 29))
    assert desk.service.auto_close() == 0
    shown = desk.call("GetCase", pb.GetCaseRequest(id=case_id), AGENT).case
    assert shown.status == res.CASE_STATUS_RESOLVED

    desk.clock.set(bkk(2026, 4, 9, 17, 30))
    closed = race(desk, lambda service: sum(service.auto_close() for _ in range(3)))

    assert sorted(closed) == [0, 1]
    shown = desk.call("GetCase", pb.GetCaseRequest(id=case_id), AGENT).case
    assert shown.status == res.CASE_STATUS_CLOSED
    assert (shown.history[-1].actor, shown.history[-1].reason) == ("system", "no reply in 4 business days")
    assert desk.outbox_subjects().count("crm.servicedesk.case.closed") == 1
    [message] = read_stream(desk.settings.nats_url, "crm.servicedesk.case.closed")
    event = ev.CaseEvent.FromString(message.data)
    assert (event.case_id, event.actor, event.to_status) == (case_id, "system", res.CASE_STATUS_CLOSED)
    assert event.version == shown.version


def test_a_reopened_case_is_not_auto_closed(desk: ServiceDeskUnderTest) -> None:
    case_id = _resolved_office_case(desk)
    desk.clock.set(bkk(2026, 4, 3, 9, 0))
    desk.call(
        "ChangeCaseStatus",
        pb.ChangeCaseStatusRequest(case_id=case_id, status=res.CASE_STATUS_IN_PROGRESS),
        AGENT,
    )

    desk.clock.set(bkk(2026, 5, 1, 9, 0))
    assert desk.service.auto_close() == 0
    assert "crm.servicedesk.case.closed" not in desk.outbox_subjects()
