"""The contract lifecycle over real gRPC, SQLite and PostgreSQL, a real nats-server and a real
SMTP server: the approval center's decision activates a submitted contract once (a duplicate
under another event id and a late contrary decision are dropped), a rejection sends it back to
draft with its reason and a stale decision of the old revision changes nothing; the renewal
pass (SetClock) mails the 60/30/7-day notices once each and requests each period's billing
once, however often it runs, when a second replica runs it too and after a restart over the same
database; an auto-renewing contract past its end rolls over to one successor under two racing
schedulers."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nats
import pytest
import sqlalchemy as sa
from chassis.directory import DirectoryUser
from chassis.events import EVENTS_STREAM
from chassis.mail.testing import SmtpSink
from chassis.testing import NatsServer
from chassis.testkit import publish_event
from crm.approvals.v1 import events_pb2 as approvals
from crm.servicedesk.v1 import events_pb2 as ev
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from service_desk.adapters.customers import keep_customer
from service_desk.application.contract_approvals import APPROVED, REJECTED
from service_desk.application.renewals import renew_contract
from service_desk.testing import (
    REP,
    ServiceDeskUnderTest,
    approval_event,
    approve,
    approved_contract,
    bkk,
    events_consumed,
    eventually,
    get_contract,
    mail_to,
    read_stream,
    running_service_desk,
    start_service_desk,
    stop_service_desk,
    submitted_contract,
)

# the contracts here renew themselves and plan two preventive visits a year
AUTO_RENEWING: dict[str, object] = {
    "auto_renew": True,
    "preventive_visits": res.PreventiveVisits(every_months=6, count=2),
}
DECIDED = bkk(2026, 1, 5, 10)  # when the approval center decides


def new_contract(desk: ServiceDeskUnderTest) -> res.MaintenanceContract:
    return submitted_contract(desk, **AUTO_RENEWING)


def decision(
    contract: res.MaintenanceContract, verdict: str, reason: str = ""
) -> approvals.ApprovalRequestEvent:
    return approval_event(contract, verdict, reason, decided_at=DECIDED)


def test_an_approval_activates_the_contract_once(
    desk_with_events: ServiceDeskUnderTest, nats_server: NatsServer
) -> None:
    desk = desk_with_events
    desk.clock.set(bkk(2026, 1, 5, 11))
    contract = new_contract(desk)
    [submitted] = read_stream(nats_server.url, "crm.servicedesk.contract.submitted")
    assert ev.ContractEvent.FromString(submitted.data).version == contract.version

    publish_event(nats_server.url, APPROVED, decision(contract, "approved", "ok"))
    active = eventually(
        lambda: (c := get_contract(desk, contract.id)).status == res.CONTRACT_STATUS_ACTIVE and c,
        what="activation",
    )
    assert (active.approved_on, active.approval_request_id) == ("2026-01-05", f"apr_{contract.id}")
    [activated] = read_stream(nats_server.url, "crm.servicedesk.contract.activated")
    event = ev.ContractEvent.FromString(activated.data)
    assert (event.contract_id, event.version, event.actor) == (contract.id, active.version, "u-manager")
    assert list(event.contract.visit_dates) == ["2026-01-01", "2026-07-01"]

    # the same decision under another event id, and a late contrary one: both dropped
    publish_event(nats_server.url, APPROVED, decision(contract, "approved", "again"))
    publish_event(nats_server.url, REJECTED, decision(contract, "rejected", "late"))
    quotation = decision(contract, "approved")
    quotation.subject_type = "quotation"  # another service's subject with the same id
    publish_event(nats_server.url, APPROVED, quotation)
    events_consumed(nats_server.url)
    assert get_contract(desk, contract.id).version == active.version
    subjects = desk.outbox_subjects()
    assert subjects.count("crm.servicedesk.contract.activated") == 1
    assert "crm.servicedesk.contract.rejected" not in subjects
    assert desk.count("inbox") == 4


def test_a_rejection_returns_the_contract_to_draft_and_the_old_revision_is_stale(
    desk_with_events: ServiceDeskUnderTest, nats_server: NatsServer
) -> None:
    desk = desk_with_events
    desk.clock.set(bkk(2026, 1, 5, 11))
    first = new_contract(desk)
    publish_event(nats_server.url, REJECTED, decision(first, "rejected", "ค่าบริการต่ำกว่านโยบาย"))
    [rejected] = read_stream(nats_server.url, "crm.servicedesk.contract.rejected")
    assert ev.ContractEvent.FromString(rejected.data).reason == "ค่าบริการต่ำกว่านโยบาย"
    draft = get_contract(desk, first.id)
    assert draft.status == res.CONTRACT_STATUS_DRAFT
    assert not draft.HasField("submit_time")

    again = desk.call("SubmitContract", pb.SubmitContractRequest(id=first.id), REP).contract
    assert again.version > first.version
    publish_event(nats_server.url, APPROVED, decision(first, "approved"))  # the first revision's
    events_consumed(nats_server.url)
    assert get_contract(desk, first.id).status == res.CONTRACT_STATUS_DRAFT
    publish_event(nats_server.url, APPROVED, decision(again, "approved"))
    eventually(lambda: get_contract(desk, first.id).status == res.CONTRACT_STATUS_ACTIVE, what="activation")


@pytest.fixture
def desk_with_mail(database_url: str, tmp_path: Path, sink: SmtpSink) -> Iterator[ServiceDeskUnderTest]:
    with running_service_desk(
        database_url,
        None,
        tmp_path,
        **mail_to(sink),
        mail_poll_seconds=0.1,
        mail_from="Service <desk@siamsupply.example>",
    ) as running:
        yield running


def renewal_payloads(desk: ServiceDeskUnderTest) -> list[ev.ContractRenewalDue]:
    query = sa.text("SELECT payload FROM outbox WHERE subject = :s ORDER BY seq")
    with desk.service.database.read() as session:
        rows = session.execute(query, {"s": "crm.servicedesk.contract.renewal_due"})
        return [ev.ContractRenewalDue.FromString(bytes(r.payload)) for r in rows]


def test_renewal_notices_go_once_each_and_each_period_is_billed_once(
    desk_with_mail: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    desk = desk_with_mail
    ctx = desk.service.context
    with ctx.transaction() as uow:
        keep_customer(uow.session, "cus_bangna", "บริษัท บางนาโลจิสติกส์ จำกัด", "ap@bangna.example", [], 1)
        uow.directory.upsert_user(
            DirectoryUser(REP.user_id, "rep@siamsupply.example", "มาลี", "en", version=1)
        )
    desk.clock.set(bkk(2026, 1, 5, 9))
    contract = new_contract(desk)
    assert approve(desk, contract, DECIDED)
    second = desk.second_scheduler()

    def run_everywhere() -> None:
        desk.service.check_renewals()
        desk.service.check_renewals()
        second.check_renewals()
        # past the once-a-day filter: the claims alone keep it once
        assert renew_contract(second.context, contract.id, ctx.today()) == 0

    run_everywhere()  # 2026-01-05: the term's (only) period was sold through sales: no draft
    assert renewal_payloads(desk) == []
    for day in (dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2026, 12, 24)):
        desk.clock.set(bkk(day.year, day.month, day.day, 8))
        run_everywhere()

    customer_mail = sink.wait_for(lambda m: "ap@bangna.example" in m.recipients, count=3)
    owner_mail = sink.wait_for(lambda m: "rep@siamsupply.example" in m.recipients, count=3)
    assert "31 ธันวาคม 2569" in customer_mail[0].body("plain")
    assert "120,000.00" in customer_mail[0].body("plain")
    assert "ต่ออายุอัตโนมัติ" in customer_mail[0].body("plain")
    assert [m.subject.count("(อีก 60 วัน)") for m in customer_mail[:1]] == [1]
    assert "31 December 2026" in owner_mail[0].body("plain")
    assert len(sink.messages) == 6

    renewed = get_contract(desk, contract.id)
    assert list(renewed.notices_sent) == [60, 30, 7]
    assert [(b.period_start, b.period_end, b.amount.amount) for b in renewed.billings] == [
        ("2027-01-01", "2027-12-31", "120000.00"),
    ]
    [payload] = renewal_payloads(desk)
    assert payload.billing.key == f"{contract.id}:2027-01-01"
    assert payload.billing.kind == res.BILLING_DRAFT_KIND_INVOICE
    assert payload.description == f"ค่าบริการบำรุงรักษา (MA) 1 ม.ค. 2570 – 31 ธ.ค. 2570 สัญญา {contract.id}"
    notices = [s for s in desk.outbox_subjects() if s.endswith("renewal_notice_sent")]
    assert len(notices) == 3
    assert desk.count("contract_billings") == 1


def test_no_renewal_for_a_draft_or_cancelled_contract(desk: ServiceDeskUnderTest) -> None:
    desk.clock.set(bkk(2026, 12, 1, 9))
    contract = new_contract(desk)
    assert desk.service.check_renewals() == 0
    desk.call(
        "CancelContract",
        pb.CancelContractRequest(id=contract.id, effective_on="2026-12-01", reason="customer left"),
        REP,
    )
    assert not approve(desk, contract, DECIDED)
    assert desk.service.check_renewals() == 0
    assert desk.count("contract_billings") == 0
    assert desk.count("contract_notices") == 0


def stream_count(url: str, subject: str) -> int:
    """How many messages on `subject` the events stream holds."""

    async def count() -> int:
        client = await nats.connect(url)
        try:
            info = await client.jetstream().stream_info(EVENTS_STREAM, subjects_filter=subject)
            return int((info.state.subjects or {}).get(subject, 0))
        finally:
            await client.close()

    return asyncio.run(count())


def published(desk: ServiceDeskUnderTest) -> None:
    eventually(lambda: desk.count("outbox", "published_at IS NULL") == 0, what="the outbox relayed")


def test_a_restarted_service_requests_the_next_period_once(
    database_url: str, nats_server: NatsServer, tmp_path: Path
) -> None:
    first = start_service_desk(database_url, nats_server.url, tmp_path / "first")
    try:
        contract = approved_contract(first, DECIDED, **AUTO_RENEWING)
        first.clock.set(bkk(2026, 12, 1, 8))
        assert first.service.check_renewals() == 2  # the 30-day notice and the next term's draft
    finally:
        stop_service_desk(first)
    again = start_service_desk(database_url, nats_server.url, tmp_path / "again")
    try:
        again.clock.set(bkk(2026, 12, 1, 8))
        assert again.service.check_renewals() == 0
        # past the once-a-day filter: the claims alone keep it once
        assert renew_contract(again.service.context, contract.id, again.service.context.today()) == 0
        published(again)
        subject = "crm.servicedesk.contract.renewal_due"
        due = read_stream(nats_server.url, subject, count=stream_count(nats_server.url, subject))
        keys = [ev.ContractRenewalDue.FromString(m.data).billing.key for m in due]
        assert keys == [f"{contract.id}:2027-01-01"]
        assert stream_count(nats_server.url, "crm.servicedesk.contract.renewal_notice_sent") == 1
        assert again.count("contract_billings") == 1
    finally:
        stop_service_desk(again)


def test_an_auto_renewing_contract_rolls_over_once_under_two_schedulers(
    desk_with_events: ServiceDeskUnderTest, nats_server: NatsServer
) -> None:
    desk = desk_with_events
    contract = approved_contract(desk, DECIDED, **AUTO_RENEWING)
    second = desk.second_scheduler()
    # no pass ran in December: the day after the end catches up the next term's draft, then rolls
    desk.clock.set(bkk(2027, 1, 1, 8))
    with ThreadPoolExecutor(2) as pool:
        made = sorted(pool.map(lambda s: s.check_renewals(), [desk.service, second]))
    assert made == [0, 2]  # the draft and the roll-over, by one of them
    assert renew_contract(second.context, contract.id, desk.service.context.today()) == 0
    assert desk.count("contracts") == 2

    old = get_contract(desk, contract.id)
    assert old.status == res.CONTRACT_STATUS_RENEWED
    assert [b.key for b in old.billings] == [f"{contract.id}:2027-01-01"]
    successor = get_contract(desk, old.renewed_by)
    assert successor.status == res.CONTRACT_STATUS_ACTIVE
    assert (successor.start_date, successor.end_date, successor.approved_on) == (
        "2027-01-01",
        "2027-12-31",
        "2027-01-01",
    )
    assert (successor.customer_id, successor.fee.amount, successor.owner_id, successor.team_id) == (
        "cus_bangna",
        "120000.00",
        REP.user_id,
        "sales-north",
    )
    assert list(successor.visit_dates) == ["2027-01-01", "2027-07-01"]

    # the successor never drafts its first period (it was the old contract's next-term draft)
    for day in (2, 3):
        desk.clock.set(bkk(2027, 1, day, 8))
        assert desk.service.check_renewals() == 0
        assert second.check_renewals() == 0
    assert get_contract(desk, successor.id).billings == []
    assert desk.count("contract_billings") == 1

    published(desk)
    [renewed] = read_stream(nats_server.url, "crm.servicedesk.contract.renewed")
    event = ev.ContractEvent.FromString(renewed.data)
    assert (event.contract_id, event.contract.renewed_by) == (contract.id, successor.id)
    activated = "crm.servicedesk.contract.activated"
    messages = read_stream(nats_server.url, activated, count=stream_count(nats_server.url, activated))
    ids = [ev.ContractEvent.FromString(m.data).contract_id for m in messages]
    assert ids == [contract.id, successor.id]
    assert stream_count(nats_server.url, "crm.servicedesk.contract.renewed") == 1
    assert stream_count(nats_server.url, "crm.servicedesk.contract.renewal_due") == 1
