"""The sales-docs consumer on a real nats-server: the approval center's decision moves a
submitted quotation once (a redelivery after the durable consumer is lost, a repeated decision
under another event id, and a late contrary one change nothing), a rejection carries its reason,
and a qualified lead opens an opportunity; what sales-docs records reaches JetStream."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from chassis.events import EVENTS_STREAM
from chassis.testing import NatsServer
from contacts.testing import consumer_caught_up, delete_consumer, eventually, publish, read_stream
from crm.approvals.v1 import events_pb2 as approvals
from crm.common.v1 import money_pb2
from crm.contacts.v1 import events_pb2 as contacts_events
from crm.contacts.v1 import resources_pb2 as cres
from crm.sales.v1 import events_pb2 as ev
from crm.sales.v1 import resources_pb2 as res
from crm.sales.v1 import sales_service_pb2 as pb
from sales_docs.events import APPROVED, DURABLE, LEAD_QUALIFIED, REJECTED
from sales_docs.testing import REP, SalesDocsUnderTest, stop_sales_docs

Start = Callable[[NatsServer], SalesDocsUnderTest]


def _submitted(sales: SalesDocsUnderTest, customer_id: str) -> res.Quotation:
    line = res.DocumentLine(
        description="ค่าบริการ", quantity="1", unit_price=money_pb2.Money(currency_code="THB", amount="1000.00")
    )
    draft = sales.call(
        "CreateQuotation", pb.CreateQuotationRequest(customer_id=customer_id, lines=[line]), REP
    )
    return sales.call("SubmitQuotation", pb.SubmitQuotationRequest(id=draft.quotation.id), REP).quotation


def _decision(quotation: res.Quotation, decision: str, reason: str = "") -> bytes:
    return approvals.ApprovalRequestEvent(
        request_id=f"apr_{quotation.id}",
        subject_type="quotation",
        subject_id=quotation.id,
        revision=quotation.revision,
        decision=decision,
        reason=reason,
        decided_by="u-manager",
        version=2,
    ).SerializeToString()


def _quotation(sales: SalesDocsUnderTest, quotation_id: str) -> res.Quotation:
    return sales.call("GetQuotation", pb.GetQuotationRequest(id=quotation_id), REP).quotation


def _caught_up(nats: NatsServer) -> None:
    eventually(lambda: consumer_caught_up(nats.url, EVENTS_STREAM, DURABLE), what="the sales-docs consumer")


def test_an_approval_is_applied_once_under_redelivery(
    start_with_events: Start, nats_server: NatsServer, new_customer: Callable[..., Any]
) -> None:
    sales = start_with_events(nats_server)
    quotation = _submitted(sales, new_customer().id)
    submitted = read_stream(nats_server.url, "crm.sales.quotation.submitted")[0]
    assert ev.QuotationSubmitted.FromString(submitted.data).quotation_id == quotation.id

    event_id = str(uuid.uuid4())
    publish(nats_server.url, APPROVED, _decision(quotation, "approved", "ok"), event_id)
    eventually(lambda: _quotation(sales, quotation.id).status == "approved", what="the approval")
    approved = _quotation(sales, quotation.id)
    assert approved.decision_reason == "ok"
    # The same decision again under another event id, and a late contrary one: both stale.
    publish(nats_server.url, APPROVED, _decision(quotation, "approved", "again"), str(uuid.uuid4()))
    publish(nats_server.url, REJECTED, _decision(quotation, "rejected", "late"), str(uuid.uuid4()))
    _caught_up(nats_server)
    assert _quotation(sales, quotation.id).version == approved.version

    # The durable consumer is lost: every decision is delivered again; the inbox drops them.
    stop_sales_docs(sales)
    delete_consumer(nats_server.url, EVENTS_STREAM, DURABLE)
    again = start_with_events(nats_server)
    _caught_up(nats_server)
    after = _quotation(again, quotation.id)
    assert (after.status, after.version, after.decision_reason) == ("approved", approved.version, "ok")
    assert again.outbox_subjects().count("crm.sales.quotation.approved") == 1
    assert again.count("inbox") == 3


def test_a_rejection_carries_its_reason(
    start_with_events: Start, nats_server: NatsServer, new_customer: Callable[..., Any]
) -> None:
    sales = start_with_events(nats_server)
    quotation = _submitted(sales, new_customer().id)
    publish(nats_server.url, REJECTED, _decision(quotation, "rejected", "ส่วนลดเกินนโยบาย"), str(uuid.uuid4()))
    eventually(lambda: _quotation(sales, quotation.id).status == "rejected", what="the rejection")
    assert _quotation(sales, quotation.id).decision_reason == "ส่วนลดเกินนโยบาย"
    rejected = read_stream(nats_server.url, "crm.sales.quotation.rejected")[0]
    assert ev.QuotationChanged.FromString(rejected.data).quotation.status == "rejected"


def test_a_qualified_lead_opens_an_opportunity(start_with_events: Start, nats_server: NatsServer) -> None:
    sales = start_with_events(nats_server)
    qualified = contacts_events.LeadQualified(
        lead=cres.Lead(
            id="lead_1", company_name="บริษัท ลำปางเซรามิก จำกัด", owner_id=REP.user_id, team_id="team-bkk"
        ),
        customer=cres.Customer(id="cus_lampang", name="บริษัท ลำปางเซรามิก จำกัด", owner_id=REP.user_id),
        customer_created=True,
        expected_amount="250000.00",
    )
    event_id = str(uuid.uuid4())
    publish(nats_server.url, LEAD_QUALIFIED, qualified.SerializeToString(), event_id)

    def opened() -> list[res.Opportunity]:
        reply = sales.call("ListOpportunities", pb.ListOpportunitiesRequest(customer_id="cus_lampang"), REP)
        return list(reply.opportunities)

    found = eventually(opened, what="the opportunity")
    assert len(found) == 1
    assert (found[0].lead_id, found[0].owner_id, found[0].team_id) == ("lead_1", REP.user_id, "team-bkk")
    assert found[0].expected_amount.amount == "250000.00"
    assert publish(nats_server.url, LEAD_QUALIFIED, qualified.SerializeToString(), event_id)  # a duplicate
    created = read_stream(nats_server.url, "crm.sales.opportunity.created")[0]
    assert ev.OpportunityChanged.FromString(created.data).opportunity.lead_id == "lead_1"
