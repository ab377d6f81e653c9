"""Service contracts from service-desk on a real nats-server: a submitted contract opens one
`service_contract` request worth fee × billing periods (also when the event is sent again under
another id and when the durable consumer is lost and everything is redelivered); a cancelled
contract withdraws its pending request."""

from __future__ import annotations

from approvals.application.contracts import CONTRACT_CANCELLED, CONTRACT_SUBMITTED
from approvals.events import DURABLE
from approvals.testing import eventually, publish, read_stream, start_approvals, stop_approvals
from chassis.events import EVENTS_STREAM
from chassis.testkit import consumer_caught_up, delete_consumer
from crm.approvals.v1 import approvals_service_pb2 as pb
from crm.approvals.v1 import events_pb2 as ev
from crm.approvals.v1 import resources_pb2 as res
from crm.common.v1 import money_pb2
from crm.servicedesk.v1 import events_pb2 as sd
from crm.servicedesk.v1 import resources_pb2 as sdres

from .conftest import ADMIN, MANAGER, USERS, manager_policy


def contract_policy() -> res.Policy:
    """Contracts worth 100,000.00 or more → the requester's manager."""
    return manager_policy(
        res.REQUEST_TYPE_SERVICE_CONTRACT, "MA contracts from 100k", res.Conditions(min_amount="100000")
    )


def submitted(contract_id: str = "ma_1", version: int = 2) -> sd.ContractEvent:
    return sd.ContractEvent(
        contract_id=contract_id,
        version=version,
        actor="u-rep",
        contract=sdres.MaintenanceContract(
            id=contract_id,
            customer_id="cus_1",
            start_date="2026-01-01",
            end_date="2026-12-31",
            billing_period=sdres.BILLING_PERIOD_QUARTERLY,
            fee=money_pb2.Money(currency_code="THB", amount="30000.00"),
            owner_id="u-rep",
            team_id="north",
            version=version,
        ),
    )


def caught_up(url: str) -> None:
    eventually(lambda: consumer_caught_up(url, EVENTS_STREAM, DURABLE), what="the approvals consumer")


def test_a_submitted_contract_opens_one_request_under_redelivery(
    database_url, nats_server, tmp_path, smtp_sink
):
    running = start_approvals(database_url, nats_server.url, tmp_path, smtp_sink.port)
    try:
        running.add_users(*USERS)
        running.call("CreatePolicy", pb.CreatePolicyRequest(policy=contract_policy()), ADMIN)
        publish(nats_server.url, CONTRACT_SUBMITTED, submitted())
        publish(nats_server.url, CONTRACT_SUBMITTED, submitted())  # sent again under another id
        [created] = read_stream(nats_server.url, "crm.approvals.request.created")
        event = ev.ApprovalRequestEvent.FromString(created.data)
        assert (event.subject_type, event.subject_id, event.revision) == ("service_contract", "ma_1", 2)
        assert (event.requester_id, list(event.approver_ids)) == ("u-rep", ["u-manager"])
        caught_up(nats_server.url)
        queue = running.call("ListMyPendingApprovals", pb.ListMyPendingApprovalsRequest(), MANAGER)
        [request] = queue.requests
        assert request.request_type == res.REQUEST_TYPE_SERVICE_CONTRACT
        assert request.snapshot.amount.amount == "120000.00"
        assert request.snapshot.lines[0].quantity == "4"
    finally:
        stop_approvals(running)

    # the durable consumer is lost: both events come again; the inbox drops them
    delete_consumer(nats_server.url, EVENTS_STREAM, DURABLE)
    again = start_approvals(database_url, nats_server.url, tmp_path, smtp_sink.port)
    try:
        caught_up(nats_server.url)
        assert again.count("requests") == 1
        assert again.outbox_subjects().count("crm.approvals.request.created") == 1
    finally:
        stop_approvals(again)


def test_a_cancelled_contract_withdraws_its_pending_request(approvals_with_events, nats_server):
    running = approvals_with_events
    running.add_users(*USERS)
    running.call("CreatePolicy", pb.CreatePolicyRequest(policy=contract_policy()), ADMIN)
    publish(nats_server.url, CONTRACT_SUBMITTED, submitted("ma_2"))
    cancelled = submitted("ma_2", version=3)
    cancelled.reason = "customer left"
    publish(nats_server.url, CONTRACT_CANCELLED, cancelled)
    [withdrawn] = read_stream(nats_server.url, "crm.approvals.request.withdrawn")
    event = ev.ApprovalRequestEvent.FromString(withdrawn.data)
    assert (event.subject_id, event.revision, event.decision) == ("ma_2", 2, "withdrawn")
    publish(nats_server.url, CONTRACT_CANCELLED, cancelled)  # again: nothing pending any more
    caught_up(nats_server.url)
    assert running.outbox_subjects().count("crm.approvals.request.withdrawn") == 1
