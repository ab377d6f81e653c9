"""Leads over gRPC: the public web form (a system caller), the status machine, access rules,
and qualification into a customer and contact person (events in the outbox)."""

from __future__ import annotations

import grpc
from contacts.testing import ADMIN, MANAGER, OTHER_REP, REP, WEB_FORM, ContactsUnderTest, rpc_failure, tax_id
from crm.common.v1 import money_pb2
from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import events_pb2 as ev
from crm.contacts.v1 import resources_pb2 as res
from google.protobuf.field_mask_pb2 import FieldMask
from sqlalchemy import text


def web_form_lead(**extra: str) -> res.Lead:
    lead = res.Lead(
        source=res.LEAD_SOURCE_WEB_FORM,
        company_name="บริษัท บางนาโลจิสติกส์ จำกัด",
        contact_name="คุณวิไล สุขใจ",
        email="Wilai@Bangna-Logistics.co.th",
        phone="081-234-5678",
        source_detail="web form contact-us",
    )
    for key, value in extra.items():
        setattr(lead, key, value)
    return lead


def rep_lead(contacts: ContactsUnderTest, **extra: str) -> res.Lead:
    lead = web_form_lead(**extra)
    lead.source = res.LEAD_SOURCE_PHONE
    return contacts.call("CreateLead", pb.CreateLeadRequest(lead=lead), REP).lead


def test_a_web_form_lead_is_created_by_the_system_caller(contacts: ContactsUnderTest) -> None:
    lead = contacts.call(
        "CreateLead", pb.CreateLeadRequest(lead=web_form_lead(), request_id="form-1"), WEB_FORM
    ).lead
    assert lead.id.startswith("lead_")
    assert (lead.status, lead.source) == (res.LEAD_STATUS_NEW, res.LEAD_SOURCE_WEB_FORM)
    assert (lead.email, lead.phone) == ("wilai@bangna-logistics.co.th", "+66812345678")
    assert lead.owner_id == ""  # no default owner configured: unassigned, admins see it
    again = contacts.call(
        "CreateLead", pb.CreateLeadRequest(lead=web_form_lead(), request_id="form-1"), WEB_FORM
    )
    assert again.lead.id == lead.id  # a retried post creates nothing twice
    assert contacts.count("leads") == 1
    assert contacts.outbox_subjects() == ["crm.contacts.lead.created"]
    listed = contacts.call("ListLeads", pb.ListLeadsRequest(source=res.LEAD_SOURCE_WEB_FORM), ADMIN)
    assert [x.id for x in listed.leads] == [lead.id]
    assert contacts.call("ListLeads", pb.ListLeadsRequest(), REP).leads == []


def test_a_bad_lead_names_its_fields_and_leaves_nothing(contacts: ContactsUnderTest) -> None:
    bad = res.Lead(source=res.LEAD_SOURCE_UNSPECIFIED, email="wilai@", phone="12345", tax_id="1234567890123")
    code, _, violations = rpc_failure(
        lambda: contacts.call("CreateLead", pb.CreateLeadRequest(lead=bad), REP)
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations) == {"lead.source", "lead.contact_name", "lead.email", "lead.phone", "lead.tax_id"}
    assert contacts.count("leads") == 0
    assert contacts.count("outbox") == 0


def test_the_status_machine_over_the_api(contacts: ContactsUnderTest) -> None:
    lead = rep_lead(contacts)
    contacted = contacts.call(
        "UpdateLead",
        pb.UpdateLeadRequest(
            lead=res.Lead(id=lead.id, status=res.LEAD_STATUS_CONTACTED, notes="โทรแล้ว สนใจรถโฟล์คลิฟท์ 3 คัน"),
            update_mask=FieldMask(paths=["status", "notes"]),
            expected_version=1,
        ),
        REP,
    ).lead
    assert (contacted.status, contacted.audit.version) == (res.LEAD_STATUS_CONTACTED, 2)

    code, _, violations = rpc_failure(
        lambda: contacts.call("DisqualifyLead", pb.DisqualifyLeadRequest(lead_id=lead.id, reason="  "), REP)
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations) == {"reason"}
    dropped = contacts.call(
        "DisqualifyLead", pb.DisqualifyLeadRequest(lead_id=lead.id, reason="ไม่มีงบประมาณ"), REP
    ).lead
    assert (dropped.status, dropped.disqualify_reason, dropped.audit.version) == (
        res.LEAD_STATUS_DISQUALIFIED,
        "ไม่มีงบประมาณ",
        3,
    )
    code, _, _ = rpc_failure(
        lambda: contacts.call("QualifyLead", pb.QualifyLeadRequest(lead_id=lead.id), REP)
    )
    assert code == grpc.StatusCode.FAILED_PRECONDITION

    stale = pb.UpdateLeadRequest(
        lead=res.Lead(id=lead.id, status=res.LEAD_STATUS_NEW),
        update_mask=FieldMask(paths=["status"]),
        expected_version=2,
    )
    code, _, _ = rpc_failure(lambda: contacts.call("UpdateLead", stale, REP))
    assert code == grpc.StatusCode.ABORTED
    stale.expected_version = 3
    reopened = contacts.call("UpdateLead", stale, REP).lead
    assert (reopened.status, reopened.disqualify_reason) == (res.LEAD_STATUS_NEW, "")
    assert contacts.outbox_subjects() == [
        "crm.contacts.lead.created",
        "crm.contacts.lead.updated",
        "crm.contacts.lead.disqualified",
        "crm.contacts.lead.updated",
    ]


def test_leads_of_others_are_refused_and_filtered(contacts: ContactsUnderTest) -> None:
    lead = rep_lead(contacts)
    code, _, _ = rpc_failure(lambda: contacts.call("GetLead", pb.GetLeadRequest(id=lead.id), OTHER_REP))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    assert contacts.call("GetLead", pb.GetLeadRequest(id=lead.id), MANAGER).lead.id == lead.id
    assert contacts.call("ListLeads", pb.ListLeadsRequest(query="บางนา"), OTHER_REP).total_size == 0
    assert contacts.call("ListLeads", pb.ListLeadsRequest(query="บางนา"), MANAGER).total_size == 1
    assert contacts.call("ListLeads", pb.ListLeadsRequest(query="0812345678"), REP).total_size == 1

    to_colleague = pb.UpdateLeadRequest(
        lead=res.Lead(id=lead.id, owner_id=OTHER_REP.user_id), update_mask=FieldMask(paths=["owner_id"])
    )
    code, _, _ = rpc_failure(lambda: contacts.call("UpdateLead", to_colleague, REP))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    moved = contacts.call("UpdateLead", to_colleague, MANAGER).lead
    assert moved.owner_id == OTHER_REP.user_id
    entries = contacts.call(
        "ListAuditEntries", pb.ListAuditEntriesRequest(resource_type="lead", resource_id=lead.id), MANAGER
    ).entries
    assert [e.action for e in entries] == ["owner_changed"]


def test_qualifying_creates_the_customer_and_contact_and_announces_it(contacts: ContactsUnderTest) -> None:
    lead = rep_lead(contacts, tax_id=tax_id("010555500077"))
    result = contacts.call(
        "QualifyLead",
        pb.QualifyLeadRequest(
            lead_id=lead.id,
            expected_amount=money_pb2.Money(currency_code="THB", amount="1250000.00"),
            customer=res.Customer(name_en="Bangna Logistics Co., Ltd."),
        ),
        REP,
    )
    assert result.customer_created
    customer, contact = result.customer, result.contact_person
    assert (customer.kind, customer.name, customer.tax_id, customer.branch_code) == (
        res.CUSTOMER_KIND_JURISTIC,
        "บริษัท บางนาโลจิสติกส์ จำกัด",
        lead.tax_id,
        "00000",
    )
    assert (customer.owner_id, customer.team_id) == (REP.user_id, "team-bkk")
    assert (contact.first_name, contact.last_name, contact.phone, contact.is_primary) == (
        "วิไล",
        "สุขใจ",
        "+66812345678",
        True,
    )
    assert (result.lead.status, result.lead.customer_id, result.lead.contact_person_id) == (
        res.LEAD_STATUS_QUALIFIED,
        customer.id,
        contact.id,
    )
    assert contacts.outbox_subjects() == [
        "crm.contacts.lead.created",
        "crm.contacts.customer.created",
        "crm.contacts.contact_person.created",
        "crm.contacts.lead.qualified",
    ]
    with contacts.service.database.read() as session:
        payload = session.execute(
            text("SELECT payload FROM outbox WHERE subject = 'crm.contacts.lead.qualified'")
        ).scalar_one()
    event = ev.LeadQualified.FromString(payload)
    assert (event.lead.id, event.customer.id, event.contact_person.id) == (lead.id, customer.id, contact.id)
    assert (event.customer_created, event.expected_amount) == (True, "1250000.00")

    code, _, _ = rpc_failure(
        lambda: contacts.call("QualifyLead", pb.QualifyLeadRequest(lead_id=lead.id), REP)
    )
    assert code == grpc.StatusCode.FAILED_PRECONDITION


def test_qualifying_into_an_existing_customer_reuses_the_known_contact(contacts: ContactsUnderTest) -> None:
    first = rep_lead(contacts)
    existing = contacts.call("QualifyLead", pb.QualifyLeadRequest(lead_id=first.id), REP)
    second = rep_lead(contacts, notes="สั่งซื้อเพิ่ม")
    linked = contacts.call(
        "QualifyLead",
        pb.QualifyLeadRequest(lead_id=second.id, existing_customer_id=existing.customer.id),
        REP,
    )
    assert not linked.customer_created
    assert linked.customer.id == existing.customer.id
    assert linked.contact_person.id == existing.contact_person.id  # same e-mail and phone: same person
    assert contacts.count("customers") == 1
    assert contacts.count("contact_persons") == 1


def test_qualifying_a_lead_that_matches_a_customer_is_refused_as_duplicate(
    contacts: ContactsUnderTest,
) -> None:
    contacts.call(
        "CreateCustomer",
        pb.CreateCustomerRequest(
            customer=res.Customer(
                kind=res.CUSTOMER_KIND_JURISTIC, name="บริษัท บางนาโลจิสติกส์ จำกัด (มหาชน)", phone="0812345678"
            )
        ),
        REP,
    )
    lead = rep_lead(contacts)
    code, message, _ = rpc_failure(
        lambda: contacts.call("QualifyLead", pb.QualifyLeadRequest(lead_id=lead.id), REP)
    )
    assert code == grpc.StatusCode.ALREADY_EXISTS
    assert "duplicate" in message
    bad = pb.QualifyLeadRequest(
        lead_id=lead.id,
        existing_customer_id="",
        customer=res.Customer(kind=res.CUSTOMER_KIND_INDIVIDUAL, tax_id="0105555000120"),
        expected_amount=money_pb2.Money(amount="many"),
    )
    code, _, violations = rpc_failure(lambda: contacts.call("QualifyLead", bad, REP))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations) == {"customer.tax_id", "expected_amount.amount"}
    assert contacts.call("GetLead", pb.GetLeadRequest(id=lead.id), REP).lead.status == res.LEAD_STATUS_NEW
