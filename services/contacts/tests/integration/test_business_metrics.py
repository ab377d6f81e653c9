"""Business counters (crm_leads_created_total, crm_customers_created_total, ...) count what
committed: a refused request counts nothing, a retried web-form post counts once."""

from __future__ import annotations

from contacts.testing import REP, WEB_FORM, ContactsUnderTest, rpc_failure
from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import resources_pb2 as res
from prometheus_client import REGISTRY


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def web_form_lead() -> res.Lead:
    return res.Lead(
        source=res.LEAD_SOURCE_WEB_FORM,
        company_name="บริษัท บางนาโลจิสติกส์ จำกัด",
        contact_name="คุณวิไล สุขใจ",
        email="wilai@bangna-logistics.co.th",
        phone="081-234-5678",
    )


def test_leads_count_once_per_committed_lead(contacts: ContactsUnderTest) -> None:
    before = sample("crm_leads_created_total", source="web_form")
    request = pb.CreateLeadRequest(lead=web_form_lead(), request_id="metrics-form-1")
    contacts.call("CreateLead", request, WEB_FORM)
    contacts.call("CreateLead", request, WEB_FORM)  # the retried post returns the first lead
    assert sample("crm_leads_created_total", source="web_form") == before + 1


def test_a_refused_lead_counts_nothing(contacts: ContactsUnderTest) -> None:
    before = sample("crm_leads_created_total", source="phone")
    bad = res.Lead(source=res.LEAD_SOURCE_PHONE, email="wilai@")
    rpc_failure(lambda: contacts.call("CreateLead", pb.CreateLeadRequest(lead=bad), REP))
    assert sample("crm_leads_created_total", source="phone") == before


def test_qualifying_a_lead_counts_the_qualification_and_the_new_customer(contacts: ContactsUnderTest) -> None:
    lead = contacts.call("CreateLead", pb.CreateLeadRequest(lead=web_form_lead()), REP).lead
    qualified, customers = sample("crm_leads_qualified_total"), sample("crm_customers_created_total")
    contacts.call("QualifyLead", pb.QualifyLeadRequest(lead_id=lead.id), REP)
    assert sample("crm_leads_qualified_total") == qualified + 1
    assert sample("crm_customers_created_total") == customers + 1
