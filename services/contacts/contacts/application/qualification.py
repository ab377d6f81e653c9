"""QualifyLead: the lead becomes a customer (new, or an existing one it is linked to) and a
contact person, and crm.contacts.lead.qualified goes out so sales can open an opportunity.

A new customer takes the request's customer fields, and the lead's for those left empty
(name from the company name, else the contact name; juristic when there is a company name).
The contact person takes the request's fields, else the lead's contact name, e-mail and
phone; at an existing customer a contact with the same e-mail or phone is reused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from chassis.errors import FailedPrecondition
from chassis.identity import Caller

from contacts.application.contact_persons import add_contact
from contacts.application.context import ContactsContext, UnitOfWork
from contacts.application.customers import new_customer, parse_customer
from contacts.application.records import load_customer, load_lead
from contacts.domain.contact_persons import parse_contact_profile, same_person
from contacts.domain.customers import parse_money
from contacts.domain.events import LeadQualified
from contacts.domain.leads import check_transition, qualified, split_contact_name
from contacts.domain.model import (
    ContactPerson,
    ContactPersonForm,
    ContactProfile,
    Customer,
    CustomerForm,
    CustomerKind,
    Lead,
    LeadStatus,
    MoneyForm,
)
from contacts.domain.ownership import Ownership, assign_owner
from contacts.domain.validation import Fields


@dataclass
class QualifyRequest:
    lead_id: str
    existing_customer_id: str = ""
    customer: CustomerForm = field(default_factory=CustomerForm)
    contact_person: ContactPersonForm = field(default_factory=ContactPersonForm)
    contact_person_id: str = ""
    expected_amount: MoneyForm = field(default_factory=MoneyForm)


@dataclass(frozen=True)
class QualifiedLead:
    lead: Lead
    customer: Customer
    contact_person: ContactPerson | None
    customer_created: bool


def customer_form_from_lead(lead: Lead, given: CustomerForm) -> CustomerForm:
    """The request's customer fields, with the lead's where the request left them empty."""
    p = lead.profile
    kind = given.kind or (CustomerKind.JURISTIC.value if p.company_name else CustomerKind.INDIVIDUAL.value)
    return CustomerForm(
        kind=kind,
        name=given.name or p.company_name or p.contact_name,
        name_en=given.name_en,
        tax_id=given.tax_id or p.tax_id,
        branch_code=given.branch_code,
        email=given.email or p.email,
        phone=given.phone or p.phone,
        website=given.website,
        customer_group_ids=given.customer_group_ids,
        addresses=given.addresses,
        sales_conditions=given.sales_conditions,
        anniversary_date=given.anniversary_date,
        preferred_language=given.preferred_language,
    )


def contact_form_from_lead(lead: Lead, given: ContactPersonForm) -> ContactPersonForm | None:
    """The request's contact person, else one made of the lead's contact (None without one)."""
    if any((given.first_name, given.last_name, given.email, given.phone)):
        return given
    if not lead.profile.contact_name:
        return None
    first, last = split_contact_name(lead.profile.contact_name)
    return ContactPersonForm(
        first_name=first,
        last_name=last,
        email=lead.profile.email,
        phone=lead.profile.phone,
        position=given.position,
        nickname=given.nickname,
        birthday=given.birthday,
        marketing_consent=given.marketing_consent,
        preferred_language=given.preferred_language,
    )


def _contact(
    uow: UnitOfWork,
    ctx: ContactsContext,
    caller: Caller,
    request: QualifyRequest,
    customer: Customer,
    profile: ContactProfile | None,
) -> ContactPerson | None:
    if request.contact_person_id:
        existing = uow.contacts.get(request.contact_person_id)
        if existing is None or existing.customer_id != customer.id:
            raise FailedPrecondition(
                f"contact person {request.contact_person_id} is not a contact of customer {customer.id}"
            )
        return existing
    if profile is None:
        return None
    for existing in uow.contacts.of_customer(customer.id):
        if same_person(profile, existing.profile):
            return existing
    return add_contact(uow, ctx, caller, customer.id, profile)


def qualify_lead(ctx: ContactsContext, caller: Caller, request: QualifyRequest) -> QualifiedLead:
    now = ctx.clock()
    with ctx.transaction() as uow:
        lead = load_lead(uow, caller, request.lead_id, field="lead_id", lock=True)
        if lead.status == LeadStatus.QUALIFIED:
            raise FailedPrecondition(f"lead {lead.id} is already qualified (customer {lead.customer_id})")
        check_transition(lead.status, LeadStatus.QUALIFIED)
        fields = Fields()
        expected = parse_money(request.expected_amount, fields.nested("expected_amount"))
        if expected is not None and expected.currency != "THB":
            fields.add("expected_amount.currency_code", "the expected amount of a lead is in THB")
        contact_form = contact_form_from_lead(lead, request.contact_person)
        contact_profile = None
        if contact_form is not None and not request.contact_person_id:
            contact_profile = parse_contact_profile(contact_form, fields.nested("contact_person"), now.date())
        if request.existing_customer_id:
            fields.raise_if_any()
            customer = load_customer(
                uow, caller, request.existing_customer_id, field="existing_customer_id", lock=True
            )
            if customer.is_merged:
                raise FailedPrecondition(
                    f"customer {customer.id} was merged into {customer.merged_into_id}; link the survivor"
                )
            created = False
        else:
            profile = parse_customer(
                uow, customer_form_from_lead(lead, request.customer), fields.nested("customer")
            )
            owner = (
                Ownership(lead.owner_id, lead.team_id)
                if lead.owner_id
                else assign_owner(caller, "", lead.team_id)
            )
            customer = new_customer(uow, ctx, caller, profile, owner, allow_duplicates=False).customer
            created = True
        contact = _contact(uow, ctx, caller, request, customer, contact_profile)
        new_lead = qualified(lead, customer.id, contact.id if contact else "", caller.user_id, now)
        uow.leads.update(new_lead)
        amount: Decimal | None = expected.amount if expected is not None else None
        uow.emit(LeadQualified(new_lead, customer, contact, created, amount))
    return QualifiedLead(new_lead, customer, contact, created)
