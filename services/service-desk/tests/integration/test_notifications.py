"""Mail to the desk's people through a real SMTP server (aiosmtpd): SLA warning and breach
notices to the assignee and the team lead in their own language, once each even when two
schedulers race; the team lead's notice of an unhappy customer. And the read models kept from
real events on a real nats-server: a customer's groups choose a group-matched SLA policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from chassis.directory import DirectoryTeam, DirectoryUser
from chassis.mail.testing import SmtpSink
from chassis.testing import NatsServer
from chassis.testkit import publish_event
from crm.common.v1 import audit_pb2 as common
from crm.contacts.v1 import events_pb2 as contacts
from crm.contacts.v1 import resources_pb2 as contact_res
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from service_desk.adapters.customers import customer_for_email, customer_groups
from service_desk.application.notifications import notify_team_lead
from service_desk.testing import (
    ADMIN,
    AGENT,
    ServiceDeskUnderTest,
    bkk,
    eventually,
    mail_to,
    policy,
    race,
    running_service_desk,
)

LEAD = DirectoryUser(
    "u-lead", "lead@siamsupply.example", "Malee", "en", frozenset({"sales_manager"}), version=1
)
ASSIGNEE = DirectoryUser(
    "u-agent", "agent@siamsupply.example", "สมชาย", "th", frozenset({"service_agent"}), version=1
)


@pytest.fixture
def mailing_desk(database_url: str, tmp_path: Path, sink: SmtpSink) -> Iterator[ServiceDeskUnderTest]:
    with running_service_desk(database_url, None, tmp_path, **mail_to(sink)) as running:
        with running.service.context.transaction() as uow:
            uow.directory.upsert_user(LEAD)
            uow.directory.upsert_user(ASSIGNEE)
            uow.directory.upsert_team(DirectoryTeam("support-north", "Support North", "u-lead", version=1))
        yield running


def _notifying_policy() -> res.SlaPolicy:
    made = policy("notify", 60, 6000)
    made.warning_actions.append(res.EscalationAction(kind=res.ESCALATION_ACTION_KIND_NOTIFY_ASSIGNEE))
    made.breach_actions.extend(
        [
            res.EscalationAction(kind=res.ESCALATION_ACTION_KIND_NOTIFY_ASSIGNEE),
            res.EscalationAction(kind=res.ESCALATION_ACTION_KIND_NOTIFY_TEAM_LEAD),
        ]
    )
    return made


def test_warning_and_breach_mail_the_assignee_and_lead_once_even_when_schedulers_race(
    mailing_desk: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    desk = mailing_desk
    desk.call("CreateSlaPolicy", pb.CreateSlaPolicyRequest(policy=_notifying_policy()), ADMIN)
    desk.clock.set(bkk(2026, 4, 3, 16, 0))
    case = desk.call(
        "CreateCase",
        pb.CreateCaseRequest(
            title="Chiller down", customer_id="cus_1", team_id="support-north", assignee_id="u-agent"
        ),
        AGENT,
    ).case
    desk.clock.set(bkk(2026, 4, 3, 17, 5))  # past the 45-minute warning and the 60-minute due time
    race(desk, lambda service: [service.check_sla() for _ in range(3)])

    to_agent = sink.wait_for(lambda m: "agent@siamsupply.example" in m.recipients, count=2)
    to_lead = sink.wait_for(lambda m: "lead@siamsupply.example" in m.recipients, count=1)
    eventually(lambda: desk.count("mail_outbox", "status = 'sent'") == 3, what="all mail sent")
    assert desk.count("mail_outbox") == 3
    assert len(sink.messages) == 3
    assert sorted(m.subject for m in to_agent) == [
        "เกินกำหนด SLA (ตอบกลับครั้งแรก): Chiller down",
        "แจ้งเตือน SLA (ตอบกลับครั้งแรก): Chiller down",
    ]
    [breach] = to_lead
    assert breach.subject == "SLA breached (first response): Chiller down"
    body = breach.body()
    assert "Dear Malee" in body
    assert "Due: 2026-04-03 17:00 (Asia/Bangkok)" in body
    assert f"/service/cases/{case.id}" in body
    assert "Priority: normal" in body


def test_a_level_with_no_one_to_mail_queues_nothing(mailing_desk: ServiceDeskUnderTest) -> None:
    desk = mailing_desk
    desk.call("CreateSlaPolicy", pb.CreateSlaPolicyRequest(policy=_notifying_policy()), ADMIN)
    desk.clock.set(bkk(2026, 4, 3, 16, 0))
    desk.call("CreateCase", pb.CreateCaseRequest(title="Unassigned", customer_id="cus_1"), AGENT)
    desk.clock.set(bkk(2026, 4, 3, 17, 5))

    fired = desk.service.check_sla()

    assert fired == 2
    assert desk.count("mail_outbox") == 0


def test_notify_team_lead_mails_the_lead_in_their_language(
    mailing_desk: ServiceDeskUnderTest, sink: SmtpSink
) -> None:
    desk = mailing_desk
    request = pb.CreateCaseRequest(title="Noisy pump", customer_id="cus_1", team_id="support-north")
    case_id = desk.call("CreateCase", request, AGENT).case.id
    unteamed_id = desk.call("CreateCase", pb.CreateCaseRequest(title="x", customer_id="cus_1"), AGENT).case.id

    with desk.service.context.transaction() as uow:
        found = uow.cases.get(case_id)
        unteamed = uow.cases.get(unteamed_id)
        assert found is not None
        assert unteamed is not None
        sent = notify_team_lead(uow, found.case, "score 2: still noisy", "survey_unhappy")
        again = notify_team_lead(uow, found.case, "score 2: still noisy", "survey_unhappy")
        nobody = notify_team_lead(uow, unteamed.case, "score 1", "survey_unhappy")

    assert (sent, again, nobody) == (True, True, False)
    [mail] = sink.wait_for(lambda m: "lead@siamsupply.example" in m.recipients)
    assert mail.subject == "Customer not satisfied: Noisy pump"
    assert "score 2: still noisy" in mail.body()
    assert desk.count("mail_outbox") == 1


def test_customer_groups_from_a_contacts_event_choose_a_group_policy(
    desk_with_events: ServiceDeskUnderTest, nats_server: NatsServer
) -> None:
    desk = desk_with_events
    general = policy("general", 240, 2400)
    vip = policy("vip", 30, 240)
    vip.position = 1
    vip.conditions.customer_group_ids.append("grp_vip")
    desk.call("CreateSlaPolicy", pb.CreateSlaPolicyRequest(policy=general), ADMIN)
    vip_id = desk.call("CreateSlaPolicy", pb.CreateSlaPolicyRequest(policy=vip), ADMIN).policy.id
    customer = contact_res.Customer(
        id="cus_vip",
        name="บริษัท สยามเย็น จำกัด",
        email="Buyer@SiamYen.example",
        customer_group_ids=["grp_vip"],
        audit=common.AuditInfo(version=2),
    )
    stale = contact_res.Customer(id="cus_vip", name="old", audit=common.AuditInfo(version=1))
    person = contact_res.ContactPerson(
        id="cp_1", customer_id="cus_vip", first_name="Nok", email="nok@siamyen.example"
    )
    publish_event(
        nats_server.url, "crm.contacts.customer.created", contacts.CustomerCreated(customer=customer)
    )
    publish_event(nats_server.url, "crm.contacts.customer.updated", contacts.CustomerUpdated(customer=stale))
    publish_event(
        nats_server.url,
        "crm.contacts.contact_person.created",
        contacts.ContactPersonChanged(contact_person=person),
    )

    def known() -> bool:
        with desk.service.database.read() as session:
            return customer_for_email(session, "NOK@siamyen.example") == "cus_vip"

    eventually(known, what="contact person kept")
    eventually(lambda: desk.count("inbox") >= 3, what="all three events applied")
    with desk.service.database.read() as session:
        assert customer_groups(session, "cus_vip") == {"grp_vip"}
        assert customer_for_email(session, "buyer@siamyen.example") == "cus_vip"
        assert customer_for_email(session, "someone@else.example") is None
    desk.clock.set(dt.datetime(2026, 4, 3, 9, 0, tzinfo=dt.UTC))

    case = desk.call("CreateCase", pb.CreateCaseRequest(title="Cold room", customer_id="cus_vip"), AGENT).case
    other = desk.call("CreateCase", pb.CreateCaseRequest(title="Cold room", customer_id="cus_2"), AGENT).case

    assert case.sla_policy_id == vip_id
    assert other.sla_policy_id != vip_id
