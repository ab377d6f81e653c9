"""Merging a duplicate customer into the survivor, in one transaction: contact persons,
addresses, group memberships, purchase history and leads move to the survivor, the duplicate
is marked merged_into the survivor, both are audited, and crm.contacts.customer.merged goes
out (with contact_person.updated and lead.updated for what moved)."""

from __future__ import annotations

from dataclasses import replace

from chassis.errors import InvalidArgument
from chassis.identity import Caller

from contacts.application.audit import record
from contacts.application.context import ContactsContext
from contacts.application.records import load_customer, require_id
from contacts.domain.events import ContactPersonUpdated, CustomerMerged, LeadUpdated
from contacts.domain.merge import check_mergeable, merged_customers, moved_contact
from contacts.domain.model import Customer


def merge_customers(ctx: ContactsContext, caller: Caller, survivor_id: str, duplicate_id: str) -> Customer:
    """The survivor after the merge. The caller must have access to both customers."""
    survivor_id = require_id(survivor_id, "survivor_id")
    duplicate_id = require_id(duplicate_id, "duplicate_id")
    if survivor_id == duplicate_id:
        raise InvalidArgument("duplicate_id", "must differ from survivor_id")
    with ctx.transaction() as uow:
        # Lock both rows in id order, so two merges of the same pair cannot deadlock.
        loaded = {}
        for customer_id, field in sorted([(survivor_id, "survivor_id"), (duplicate_id, "duplicate_id")]):
            loaded[customer_id] = load_customer(uow, caller, customer_id, field=field, lock=True)
        survivor, duplicate = loaded[survivor_id], loaded[duplicate_id]
        check_mergeable(survivor, duplicate)
        now = ctx.clock()
        new_survivor, new_duplicate = merged_customers(survivor, duplicate, caller.user_id, now)
        # The duplicate first: it gives up its address rows before the survivor takes them.
        uow.customers.update(new_duplicate)
        uow.customers.update(new_survivor)
        uow.customers.repoint_merged(duplicate.id, survivor.id)

        has_primary = any(c.profile.is_primary for c in uow.contacts.of_customer(survivor.id))
        moved_contacts = 0
        for contact in uow.contacts.of_customer(duplicate.id):
            moved = moved_contact(contact, survivor.id, has_primary, caller.user_id, now)
            has_primary = has_primary or moved.profile.is_primary
            uow.contacts.update(moved)
            uow.emit(ContactPersonUpdated(moved))
            moved_contacts += 1

        moved_history = uow.history.repoint(duplicate.id, survivor.id)

        moved_leads = 0
        for lead in uow.leads.of_customer(duplicate.id):
            repointed = replace(lead, customer_id=survivor.id, audit=lead.audit.touched(caller.user_id, now))
            uow.leads.update(repointed)
            uow.emit(LeadUpdated(repointed))
            moved_leads += 1

        record(
            uow,
            ctx,
            caller,
            "customer",
            survivor.id,
            "merged",
            {
                "duplicate_id": duplicate.id,
                "contact_persons_moved": str(moved_contacts),
                "addresses_moved": str(len(duplicate.profile.addresses)),
                "purchase_history_moved": str(moved_history),
                "leads_moved": str(moved_leads),
            },
        )
        record(uow, ctx, caller, "customer", duplicate.id, "merged_into", {"survivor_id": survivor.id})
        uow.emit(CustomerMerged(new_survivor, duplicate.id))
    return new_survivor
