"""Loading a record for a use case: the id must be given, the record must exist, and the
caller must be allowed to see it (PERMISSION_DENIED otherwise, see domain.ownership)."""

from __future__ import annotations

from chassis.errors import Conflict, FailedPrecondition, InvalidArgument, NotFound
from chassis.identity import Caller

from contacts.application.context import UnitOfWork
from contacts.domain.model import ContactPerson, Customer, Lead
from contacts.domain.ownership import require_access


def require_id(value: str, field: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidArgument(field, "is required")
    return text


def check_version(expected: int, actual: int, what: str, record_id: str) -> None:
    """Optimistic concurrency: 0 = no check; another version = someone changed it (ABORTED)."""
    if expected and expected != actual:
        raise Conflict(f"{what} {record_id} is at version {actual}, not {expected}; read it again and retry")


def load_lead(
    uow: UnitOfWork, caller: Caller, lead_id: str, *, field: str = "id", lock: bool = False
) -> Lead:
    lead = uow.leads.get(require_id(lead_id, field), lock=lock)
    if lead is None:
        raise NotFound("lead", lead_id)
    require_access(caller, lead.owner_id, lead.team_id, "lead", lead.id)
    return lead


def load_customer(
    uow: UnitOfWork, caller: Caller, customer_id: str, *, field: str = "id", lock: bool = False
) -> Customer:
    customer = uow.customers.get(require_id(customer_id, field), lock=lock)
    if customer is None:
        raise NotFound("customer", customer_id)
    require_access(caller, customer.owner_id, customer.team_id, "customer", customer.id)
    return customer


def require_live(customer: Customer) -> None:
    """A merged customer no longer changes; its survivor does."""
    if customer.is_merged:
        raise FailedPrecondition(f"customer {customer.id} was merged into {customer.merged_into_id}")


def load_contact(
    uow: UnitOfWork, caller: Caller, contact_id: str, *, field: str = "id", lock: bool = False
) -> tuple[ContactPerson, Customer]:
    """A contact person and its customer; access follows the customer."""
    contact = uow.contacts.get(require_id(contact_id, field), lock=lock)
    if contact is None:
        raise NotFound("contact_person", contact_id)
    customer = uow.customers.get(contact.customer_id)
    if customer is None:
        raise NotFound("customer", contact.customer_id)
    require_access(caller, customer.owner_id, customer.team_id, "contact person", contact.id)
    return contact, customer
