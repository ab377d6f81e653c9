"""Contact person use cases. Access follows the customer; the first contact of a customer
is its primary one, and making another primary demotes the previous (an update each)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from chassis.identity import Caller

from contacts.adapters.paging import Page, PageRequest
from contacts.application.context import ContactsContext, UnitOfWork
from contacts.application.records import load_contact, load_customer, require_id, require_live
from contacts.domain.contact_persons import UPDATABLE_FIELDS, contact_to_form, parse_contact_profile
from contacts.domain.events import ContactPersonCreated, ContactPersonUpdated
from contacts.domain.field_masks import overlay
from contacts.domain.model import AuditStamp, ContactPerson, ContactPersonForm, ContactProfile
from contacts.domain.validation import Fields


def demote_other_primaries(
    uow: UnitOfWork, ctx: ContactsContext, caller: Caller, contact: ContactPerson
) -> None:
    if not contact.profile.is_primary:
        return
    for other_id in uow.contacts.other_primaries(contact.customer_id, contact.id):
        other = uow.contacts.get(other_id, lock=True)
        if other is None:
            continue
        demoted = replace(
            other,
            profile=replace(other.profile, is_primary=False),
            audit=other.audit.touched(caller.user_id, ctx.clock()),
        )
        uow.contacts.update(demoted)
        uow.emit(ContactPersonUpdated(demoted))


def add_contact(
    uow: UnitOfWork, ctx: ContactsContext, caller: Caller, customer_id: str, profile: ContactProfile
) -> ContactPerson:
    """Stores a new contact person of a customer (primary when it is the first)."""
    if not profile.is_primary and not uow.contacts.of_customer(customer_id):
        profile = replace(profile, is_primary=True)
    contact = ContactPerson(
        id=ctx.ids("cp"),
        customer_id=customer_id,
        profile=profile,
        audit=AuditStamp.new(caller.user_id, ctx.clock()),
    )
    uow.contacts.add(contact)
    demote_other_primaries(uow, ctx, caller, contact)
    uow.emit(ContactPersonCreated(contact))
    return contact


def create_contact_person(ctx: ContactsContext, caller: Caller, form: ContactPersonForm) -> ContactPerson:
    fields = Fields("contact_person")
    customer_id = require_id(form.customer_id, "contact_person.customer_id")
    profile = parse_contact_profile(form, fields, ctx.clock().date())
    fields.raise_if_any()
    with ctx.transaction() as uow:
        customer = load_customer(uow, caller, customer_id, field="contact_person.customer_id", lock=True)
        require_live(customer)
        return add_contact(uow, ctx, caller, customer.id, profile)


def list_contact_persons(
    ctx: ContactsContext, caller: Caller, customer_id: str, page: PageRequest
) -> tuple[list[ContactPerson], Page]:
    with ctx.reading() as uow:
        customer = load_customer(uow, caller, customer_id, field="customer_id")
        return uow.contacts.find(customer.id, page)


def update_contact_person(
    ctx: ContactsContext, caller: Caller, contact_id: str, form: ContactPersonForm, paths: Sequence[str]
) -> ContactPerson:
    with ctx.transaction() as uow:
        contact, customer = load_contact(uow, caller, contact_id, field="contact_person.id", lock=True)
        require_live(customer)
        fields = Fields("contact_person")
        merged = overlay(contact_to_form(contact), form, paths, UPDATABLE_FIELDS, fields.root())
        profile = parse_contact_profile(merged, fields, ctx.clock().date())
        fields.raise_if_any()
        if profile == contact.profile:
            return contact
        new = replace(contact, profile=profile, audit=contact.audit.touched(caller.user_id, ctx.clock()))
        uow.contacts.update(new)
        demote_other_primaries(uow, ctx, caller, new)
        uow.emit(ContactPersonUpdated(new))
    return new
