"""What happened in the contacts domain. Use cases emit these inside their transaction; the
`contacts.events` module turns each into its protobuf message and subject
(crm.contacts.<aggregate>.<event>) and writes it to the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from contacts.domain.model import ContactPerson, Customer, CustomerGroup, Lead


@dataclass(frozen=True)
class LeadCreated:
    lead: Lead


@dataclass(frozen=True)
class LeadUpdated:
    lead: Lead


@dataclass(frozen=True)
class LeadQualified:
    lead: Lead
    customer: Customer
    contact_person: ContactPerson | None
    customer_created: bool
    expected_amount: Decimal | None = None


@dataclass(frozen=True)
class LeadDisqualified:
    lead: Lead


@dataclass(frozen=True)
class CustomerCreated:
    customer: Customer


@dataclass(frozen=True)
class CustomerUpdated:
    customer: Customer


@dataclass(frozen=True)
class CustomerMerged:
    survivor: Customer
    merged_customer_id: str


@dataclass(frozen=True)
class ContactPersonCreated:
    contact_person: ContactPerson


@dataclass(frozen=True)
class ContactPersonUpdated:
    contact_person: ContactPerson


@dataclass(frozen=True)
class CustomerGroupCreated:
    customer_group: CustomerGroup


DomainEvent = (
    LeadCreated
    | LeadUpdated
    | LeadQualified
    | LeadDisqualified
    | CustomerCreated
    | CustomerUpdated
    | CustomerMerged
    | ContactPersonCreated
    | ContactPersonUpdated
    | CustomerGroupCreated
)
