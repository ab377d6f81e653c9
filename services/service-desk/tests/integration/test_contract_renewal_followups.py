"""Follow-ups of the contract lifecycle over real gRPC, SQLite and PostgreSQL and a real
nats-server: a contract without auto-renew is renewed once by its accepted renewal quotation
(crm.sales.quotation.accepted carrying the billing key as source_key, also when the acceptance
arrives again under another event id); a declined quotation renews nothing and the contract
expires, announced once by two racing schedulers; a withdrawn approval request returns the
submitted contract to draft (contract.withdrawn), a stale withdrawal is dropped."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor

import nats
from chassis.events import ensure_streams
from chassis.events.envelope import HEADER_MSG_ID, HEADER_OCCURRED_AT, format_timestamp
from chassis.testing import NatsServer
from chassis.testkit import publish_event
from crm.approvals.v1 import events_pb2 as approvals
from crm.sales.v1 import events_pb2 as sales
from crm.sales.v1 import resources_pb2 as sales_res
from crm.servicedesk.v1 import events_pb2 as ev
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from google.protobuf.message import Message
from service_desk.application.contract_approvals import APPROVED, WITHDRAWN
from service_desk.application.renewal_quotations import QUOTATION_ACCEPTED
from service_desk.application.renewals import renew_contract
from service_desk.testing import (
    REP,
    ServiceDeskUnderTest,
    approval_event,
    approved_contract,
    bkk,
    events_consumed,
    eventually,
    get_contract,
    read_stream,
    submitted_contract,
    thb,
)

RENEWED = "crm.servicedesk.contract.renewed"
ACTIVATED = "crm.servicedesk.contract.activated"
EXPIRED = "crm.servicedesk.contract.expired"


def withdrawal(contract: res.MaintenanceContract, reason: str) -> approvals.ApprovalRequestEvent:
    """Approvals withdrew the contract's request (by its submitter)."""
    return approval_event(contract, "withdrawn", reason, decided_by=REP.user_id)


def quotation_due(desk: ServiceDeskUnderTest) -> tuple[res.MaintenanceContract, str]:
    """An approved contract without auto-renew whose renewal quotation was asked for on
    2026-12-01 (30 days before its end); (the contract, the billing key)."""
    contract = approved_contract(desk)
    desk.clock.set(bkk(2026, 12, 1, 8))
    assert desk.service.check_renewals() == 2  # the 30-day notice and the renewal quotation
    [billing] = get_contract(desk, contract.id).billings
    assert billing.kind == res.BILLING_DRAFT_KIND_RENEWAL_QUOTATION
    return contract, billing.key


def quotation(key: str, status: str, pre_vat_total: str) -> sales.QuotationChanged:
    return sales.QuotationChanged(
        quotation=sales_res.Quotation(
            id=f"qt_{uuid.uuid4().hex[:8]}",
            number="QT2569-00042",
            display_number="QT2569-00042 Rev.2",
            revision=2,
            status=status,
            customer_id="cus_bangna",
            totals=sales_res.DocumentTotals(pre_vat_total=thb(pre_vat_total)),
            source_key=key,
            version=5,
        )
    )


def publish_at(url: str, subject: str, message: Message, at: dt.datetime) -> None:
    """Publishes as sales documents' relay would, with the time the event occurred."""

    async def publish() -> None:
        client = await nats.connect(url)
        try:
            js = client.jetstream()
            await ensure_streams(js)
            headers = {HEADER_MSG_ID: str(uuid.uuid4()), HEADER_OCCURRED_AT: format_timestamp(at)}
            await js.publish(subject, message.SerializeToString(), headers=headers)
        finally:
            await client.close()

    asyncio.run(publish())


def test_an_accepted_renewal_quotation_renews_the_contract_once(
    desk_with_events: ServiceDeskUnderTest, nats_server: NatsServer
) -> None:
    desk = desk_with_events
    contract, key = quotation_due(desk)
    accepted = quotation(key, "accepted", "126000.00")
    accepted_at = bkk(2026, 12, 10, 14)
    desk.clock.set(accepted_at)
    publish_at(nats_server.url, QUOTATION_ACCEPTED, accepted, accepted_at)
    renewed = eventually(lambda: (c := get_contract(desk, contract.id)).renewed_by and c, what="the renewal")
    # the same acceptance again under another event id, one for an unknown contract, a draft's
    publish_at(nats_server.url, QUOTATION_ACCEPTED, accepted, accepted_at)
    publish_at(
        nats_server.url,
        QUOTATION_ACCEPTED,
        quotation("ma_unknown:2027-01-01", "accepted", "1.00"),
        accepted_at,
    )
    publish_at(nats_server.url, QUOTATION_ACCEPTED, quotation(key, "draft", "1.00"), accepted_at)
    events_consumed(nats_server.url)
    assert desk.count("contracts") == 2
    assert get_contract(desk, contract.id).version == renewed.version

    successor = get_contract(desk, renewed.renewed_by)
    assert (successor.start_date, successor.end_date, successor.approved_on) == (
        "2027-01-01",
        "2027-12-31",
        "2026-12-10",
    )
    assert (successor.fee.amount, successor.auto_renew, successor.owner_id, successor.team_id) == (
        "126000.00",
        False,
        REP.user_id,
        "sales-north",
    )
    assert successor.status == res.CONTRACT_STATUS_ACTIVE
    # the quotation sold the whole term: none of its periods will be drafted again
    assert successor.term_billed_upfront
    assert not get_contract(desk, contract.id).term_billed_upfront
    subjects = desk.outbox_subjects()
    assert (subjects.count(RENEWED), subjects.count(ACTIVATED)) == (1, 2)  # the contract's, its successor's

    [renewed_event] = read_stream(nats_server.url, RENEWED)
    event = ev.ContractEvent.FromString(renewed_event.data)
    assert (event.contract_id, event.contract.renewed_by) == (contract.id, successor.id)
    _, activated = read_stream(nats_server.url, ACTIVATED, count=2)
    message = ev.ContractEvent.FromString(activated.data)
    assert (message.contract_id, message.reason) == (
        successor.id,
        "renewal quotation QT2569-00042 Rev.2 accepted",
    )

    # after the end: the old contract is renewed, not expired, and the pass announces nothing
    desk.clock.set(bkk(2027, 1, 1, 8))
    assert desk.service.check_renewals() == 0
    assert get_contract(desk, contract.id).status == res.CONTRACT_STATUS_RENEWED
    assert EXPIRED not in desk.outbox_subjects()


def test_a_declined_quotation_renews_nothing_and_the_expiry_is_announced_once(
    desk_with_events: ServiceDeskUnderTest, nats_server: NatsServer
) -> None:
    desk = desk_with_events
    contract, key = quotation_due(desk)
    publish_at(
        nats_server.url,
        "crm.sales.quotation.declined",
        quotation(key, "declined", "126000.00"),
        bkk(2026, 12, 10),
    )
    publish_at(
        nats_server.url,
        "crm.sales.quotation.expired",
        quotation(key, "expired", "126000.00"),
        bkk(2026, 12, 31),
    )
    events_consumed(nats_server.url)
    desk.clock.set(bkk(2026, 12, 31, 20))
    assert desk.service.check_renewals() == 1  # the 7-day notice, late; no expiry on its last day
    assert EXPIRED not in desk.outbox_subjects()

    second = desk.second_scheduler()
    desk.clock.set(bkk(2027, 1, 1, 8))
    with ThreadPoolExecutor(2) as pool:
        made = sorted(pool.map(lambda s: s.check_renewals(), [desk.service, second]))
    assert made == [0, 1]
    # past the once-a-day filter and the candidates: the claim alone keeps it once
    assert renew_contract(second.context, contract.id, second.context.today()) == 0
    desk.clock.set(bkk(2027, 1, 2, 8))
    assert desk.service.check_renewals() == 0

    assert desk.count("contracts") == 1
    expired = get_contract(desk, contract.id)
    assert (expired.status, expired.renewed_by) == (res.CONTRACT_STATUS_EXPIRED, "")
    [announced] = read_stream(nats_server.url, EXPIRED)
    event = ev.ContractEvent.FromString(announced.data)
    assert (event.contract_id, event.version, event.contract.status) == (
        contract.id,
        expired.version,
        res.CONTRACT_STATUS_EXPIRED,
    )
    assert desk.outbox_subjects().count(EXPIRED) == 1
    assert RENEWED not in desk.outbox_subjects()


def test_a_withdrawn_request_returns_the_contract_to_draft_and_a_stale_one_is_dropped(
    desk_with_events: ServiceDeskUnderTest, nats_server: NatsServer
) -> None:
    desk = desk_with_events
    desk.clock.set(bkk(2026, 1, 5, 11))
    first = submitted_contract(desk)
    publish_event(nats_server.url, WITHDRAWN, withdrawal(first, "ลูกค้าขอเปลี่ยนรายการเครื่อง"))
    [withdrawn] = read_stream(nats_server.url, "crm.servicedesk.contract.withdrawn")
    event = ev.ContractEvent.FromString(withdrawn.data)
    assert (event.reason, event.actor, event.contract.status) == (
        "ลูกค้าขอเปลี่ยนรายการเครื่อง",
        REP.user_id,
        res.CONTRACT_STATUS_DRAFT,
    )
    draft = get_contract(desk, first.id)
    assert draft.status == res.CONTRACT_STATUS_DRAFT
    assert not draft.HasField("submit_time")
    assert "crm.servicedesk.contract.rejected" not in desk.outbox_subjects()

    again = desk.call("SubmitContract", pb.SubmitContractRequest(id=first.id), REP).contract
    publish_event(nats_server.url, WITHDRAWN, withdrawal(first, "late"))  # the old revision's
    events_consumed(nats_server.url)
    assert get_contract(desk, first.id).HasField("submit_time")
    publish_event(nats_server.url, APPROVED, approval_event(again, "approved"))
    eventually(lambda: get_contract(desk, first.id).status == res.CONTRACT_STATUS_ACTIVE, what="activation")

    # a cancelled pending contract: approvals withdraws its request, and the withdrawal is dropped
    other = submitted_contract(desk)
    cancelled = desk.call(
        "CancelContract",
        pb.CancelContractRequest(id=other.id, effective_on="2026-02-01", reason="ลูกค้ายกเลิก"),
        REP,
    ).contract
    publish_event(nats_server.url, WITHDRAWN, withdrawal(other, "the contract was cancelled"))
    events_consumed(nats_server.url)
    assert get_contract(desk, other.id).version == cancelled.version
    assert desk.outbox_subjects().count("crm.servicedesk.contract.withdrawn") == 1
