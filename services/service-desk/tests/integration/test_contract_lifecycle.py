"""The contract lifecycle over real gRPC, SQLite and PostgreSQL, a real nats-server and a real
SMTP server: the approval center's decision activates a submitted contract once (a duplicate
under another event id and a late contrary decision are dropped), a rejection sends it back to
draft with its reason and a stale decision of the old revision changes nothing; the renewal
pass (SetClock) mails the 60/30/7-day notices once each and requests each period's billing
once, however often it runs and when a second replica runs it too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from chassis.directory import DirectoryUser
from chassis.events import EVENTS_STREAM
from chassis.mail.testing import SmtpSink
from chassis.testing import NatsServer
from chassis.testkit import consumer_caught_up, publish_event
from crm.approvals.v1 import events_pb2 as approvals
from crm.common.v1 import money_pb2
from crm.servicedesk.v1 import events_pb2 as ev
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from google.protobuf.timestamp_pb2 import Timestamp
from service_desk.adapters.customers import keep_customer
from service_desk.application.contract_approvals import APPROVED, REJECTED, apply_decision
from service_desk.application.renewals import renew_contract
from service_desk.events import DURABLE
from service_desk.testing import (
    REP,
    ServiceDeskUnderTest,
    bkk,
    eventually,
    read_stream,
    start_service_desk,
    stop_service_desk,
)


def thb(amount: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code="THB", amount=amount)


def new_contract(desk: ServiceDeskUnderTest, **changes: object) -> res.MaintenanceContract:
    values: dict[str, object] = {
        "customer_id": "cus_bangna",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "billing_period": res.BILLING_PERIOD_YEARLY,
        "fee": thb("120000.00"),
        "auto_renew": True,
        "team_id": "sales-north",
        "preventive_visits": res.PreventiveVisits(every_months=6, count=2),
    }
    values.update(changes)
    contract = res.MaintenanceContract(**values)  # type: ignore[arg-type]
    created = desk.call("CreateContract", pb.CreateContractRequest(contract=contract), REP).contract
    return desk.call("SubmitContract", pb.SubmitContractRequest(id=created.id), REP).contract


def decision(
    contract: res.MaintenanceContract, decision: str, reason: str = "", revision: int | None = None
) -> approvals.ApprovalRequestEvent:
    when = Timestamp()
    when.FromDatetime(bkk(2026, 1, 5, 10).astimezone(dt.UTC))
    return approvals.ApprovalRequestEvent(
        request_id=f"apr_{contract.id}",
        subject_type="service_contract",
        subject_id=contract.id,
        revision=contract.version if revision is None else revision,
        decision=decision,
        reason=reason,
        decided_by="u-manager",
        version=2,
        occur_time=when,
    )


def get(desk: ServiceDeskUnderTest, contract_id: str) -> res.MaintenanceContract:
    return desk.call("GetContract", pb.GetContractRequest(id=contract_id), REP).contract


def caught_up(nats: NatsServer) -> None:
    eventually(lambda: consumer_caught_up(nats.url, EVENTS_STREAM, DURABLE), what="the service-desk consumer")


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
        lambda: (c := get(desk, contract.id)).status == res.CONTRACT_STATUS_ACTIVE and c, what="activation"
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
    caught_up(nats_server)
    assert get(desk, contract.id).version == active.version
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
    draft = get(desk, first.id)
    assert draft.status == res.CONTRACT_STATUS_DRAFT
    assert not draft.HasField("submit_time")

    again = desk.call("SubmitContract", pb.SubmitContractRequest(id=first.id), REP).contract
    assert again.version > first.version
    publish_event(nats_server.url, APPROVED, decision(first, "approved"))  # the first revision's
    caught_up(nats_server)
    assert get(desk, first.id).status == res.CONTRACT_STATUS_DRAFT
    publish_event(nats_server.url, APPROVED, decision(again, "approved"))
    eventually(lambda: get(desk, first.id).status == res.CONTRACT_STATUS_ACTIVE, what="activation")


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def desk_with_mail(database_url: str, tmp_path: Path, smtp_sink: SmtpSink) -> Iterator[ServiceDeskUnderTest]:
    running = start_service_desk(
        database_url,
        None,
        tmp_path,
        mail_enabled=True,
        smtp_port=smtp_sink.port,
        mail_poll_seconds=0.1,
        mail_from="Service <desk@siamsupply.example>",
    )
    try:
        yield running
    finally:
        stop_service_desk(running)


def renewal_payloads(desk: ServiceDeskUnderTest) -> list[ev.ContractRenewalDue]:
    query = sa.text("SELECT payload FROM outbox WHERE subject = :s ORDER BY seq")
    with desk.service.database.read() as session:
        rows = session.execute(query, {"s": "crm.servicedesk.contract.renewal_due"})
        return [ev.ContractRenewalDue.FromString(bytes(r.payload)) for r in rows]


def test_renewal_notices_go_once_each_and_each_period_is_billed_once(
    desk_with_mail: ServiceDeskUnderTest, smtp_sink: SmtpSink
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
    with ctx.transaction() as uow:
        assert apply_decision(ctx, uow, decision(contract, "approved"))
    second = desk.second_scheduler()

    def run_everywhere() -> None:
        desk.service.check_renewals()
        desk.service.check_renewals()
        second.check_renewals()
        # past the once-a-day filter: the claims alone keep it once
        assert renew_contract(second.context, contract.id, ctx.today()) == 0

    run_everywhere()  # 2026-01-05: this term's invoice (due before the start) is requested late
    assert [p.billing.key for p in renewal_payloads(desk)] == [f"{contract.id}:2026-01-01"]
    for day in (dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2026, 12, 24)):
        desk.clock.set(bkk(day.year, day.month, day.day, 8))
        run_everywhere()

    customer_mail = smtp_sink.wait_for(lambda m: "ap@bangna.example" in m.recipients, count=3)
    owner_mail = smtp_sink.wait_for(lambda m: "rep@siamsupply.example" in m.recipients, count=3)
    assert "31 ธันวาคม 2569" in customer_mail[0].body("plain")
    assert "120,000.00" in customer_mail[0].body("plain")
    assert "ต่ออายุอัตโนมัติ" in customer_mail[0].body("plain")
    assert [m.subject.count("(อีก 60 วัน)") for m in customer_mail[:1]] == [1]
    assert "31 December 2026" in owner_mail[0].body("plain")
    assert len(smtp_sink.messages) == 6

    renewed = get(desk, contract.id)
    assert list(renewed.notices_sent) == [60, 30, 7]
    assert [(b.period_start, b.period_end, b.amount.amount) for b in renewed.billings] == [
        ("2026-01-01", "2026-12-31", "120000.00"),
        ("2027-01-01", "2027-12-31", "120000.00"),
    ]
    payloads = renewal_payloads(desk)
    assert [p.billing.key for p in payloads] == [f"{contract.id}:2026-01-01", f"{contract.id}:2027-01-01"]
    assert payloads[1].billing.kind == res.BILLING_DRAFT_KIND_INVOICE
    assert payloads[1].description == f"ค่าบริการบำรุงรักษา (MA) 1 ม.ค. 2570 – 31 ธ.ค. 2570 สัญญา {contract.id}"
    notices = [s for s in desk.outbox_subjects() if s.endswith("renewal_notice_sent")]
    assert len(notices) == 3
    assert desk.count("contract_billings") == 2


def test_no_renewal_for_a_draft_or_cancelled_contract(desk: ServiceDeskUnderTest) -> None:
    desk.clock.set(bkk(2026, 12, 1, 9))
    contract = new_contract(desk)
    assert desk.service.check_renewals() == 0
    desk.call(
        "CancelContract",
        pb.CancelContractRequest(id=contract.id, effective_on="2026-12-01", reason="customer left"),
        REP,
    )
    ctx = desk.service.context
    with ctx.transaction() as uow:
        assert not apply_decision(ctx, uow, decision(contract, "approved"))
    assert desk.service.check_renewals() == 0
    assert desk.count("contract_billings") == 0
    assert desk.count("contract_notices") == 0
