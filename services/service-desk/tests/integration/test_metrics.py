"""Business metrics over the real gRPC API and database: a committed use case is counted once,
a refused one not at all, and the open-case gauge reads the database at scrape time."""

from __future__ import annotations

import grpc
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from prometheus_client import REGISTRY
from service_desk.metrics import ServiceDeskCollector
from service_desk.testing import AGENT, ServiceDeskUnderTest, rpc_failure


def _opened(channel: str) -> float:
    return REGISTRY.get_sample_value("crm_servicedesk_cases_opened_total", {"channel": channel}) or 0.0


def _closed() -> float:
    return REGISTRY.get_sample_value("crm_servicedesk_case_outcomes_total", {"event": "closed"}) or 0.0


def _open_gauge(desk: ServiceDeskUnderTest) -> dict[tuple[str, str], float]:
    (family,) = list(ServiceDeskCollector(desk.service.database).collect())
    return {(s.labels["status"], s.labels["priority"]): s.value for s in family.samples}


def test_committed_cases_are_counted_once_and_refused_ones_not_at_all(desk: ServiceDeskUnderTest) -> None:
    phone_before, closed_before = _opened("phone"), _closed()

    case = desk.call(
        "CreateCase",
        pb.CreateCaseRequest(title="UPS beeps", customer_id="cus_1", team_id="team-n", channel="phone"),
        AGENT,
    ).case
    refused = rpc_failure(
        lambda: desk.call("CreateCase", pb.CreateCaseRequest(title="", customer_id="cus_1"), AGENT)
    )

    assert refused.code == grpc.StatusCode.INVALID_ARGUMENT
    assert _opened("phone") == phone_before + 1
    for status in (res.CASE_STATUS_RESOLVED, res.CASE_STATUS_CLOSED):
        desk.call("ChangeCaseStatus", pb.ChangeCaseStatusRequest(case_id=case.id, status=status), AGENT)
    assert _closed() == closed_before + 1


def test_open_cases_are_read_by_status_and_priority_at_scrape_time(desk: ServiceDeskUnderTest) -> None:
    for title, priority in (("A", res.PRIORITY_HIGH), ("B", res.PRIORITY_HIGH), ("C", res.PRIORITY_LOW)):
        desk.call(
            "CreateCase",
            pb.CreateCaseRequest(title=title, customer_id="cus_1", team_id="t", priority=priority),
            AGENT,
        )

    assert _open_gauge(desk) == {("new", "high"): 2.0, ("new", "low"): 1.0}
