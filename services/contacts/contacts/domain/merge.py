"""Merging a duplicate customer into the survivor: what the survivor keeps and gains.

The survivor keeps its own values; fields it leaves empty are filled from the duplicate (tax
id and branch together), group memberships are united, the duplicate's addresses move over
(a default stays the survivor's), and its sales conditions are used only when the survivor
has none. Contact persons, purchase history and leads are re-pointed by the use case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from chassis.errors import FailedPrecondition, InvalidArgument

from contacts.domain.model import Address, ContactPerson, Customer, CustomerProfile


def check_mergeable(survivor: Customer, duplicate: Customer) -> None:
    if survivor.id == duplicate.id:
        raise InvalidArgument("duplicate_id", "must differ from survivor_id")
    for role, customer in (("survivor", survivor), ("duplicate", duplicate)):
        if customer.is_merged:
            raise FailedPrecondition(
                f"the {role} {customer.id} was already merged into {customer.merged_into_id}"
            )


def merged_profile(survivor: CustomerProfile, duplicate: CustomerProfile) -> CustomerProfile:
    """The survivor's profile after taking what it lacks from the duplicate."""
    tax_id, branch = survivor.tax_id, survivor.branch_code
    if not tax_id and duplicate.tax_id and duplicate.kind == survivor.kind:
        tax_id, branch = duplicate.tax_id, duplicate.branch_code or branch
    default_kinds = {a.kind for a in survivor.addresses if a.is_default}
    moved: list[Address] = []
    for address in duplicate.addresses:
        moved.append(replace(address, is_default=address.is_default and address.kind not in default_kinds))
        if address.is_default:
            default_kinds.add(address.kind)
    return replace(
        survivor,
        name_en=survivor.name_en or duplicate.name_en,
        tax_id=tax_id,
        branch_code=branch,
        email=survivor.email or duplicate.email,
        phone=survivor.phone or duplicate.phone,
        website=survivor.website or duplicate.website,
        customer_group_ids=tuple(dict.fromkeys(survivor.customer_group_ids + duplicate.customer_group_ids)),
        addresses=survivor.addresses + tuple(moved),
        sales_conditions=(
            duplicate.sales_conditions if survivor.sales_conditions.is_empty() else survivor.sales_conditions
        ),
        anniversary_date=survivor.anniversary_date or duplicate.anniversary_date,
    )


def merged_customers(
    survivor: Customer, duplicate: Customer, actor: str, now: dt.datetime
) -> tuple[Customer, Customer]:
    """(new survivor, the duplicate marked merged_into the survivor), versions bumped."""
    check_mergeable(survivor, duplicate)
    new_survivor = replace(
        survivor,
        profile=merged_profile(survivor.profile, duplicate.profile),
        audit=survivor.audit.touched(actor, now),
    )
    # The duplicate keeps its own values for the record, but its addresses and group
    # memberships now belong to the survivor.
    emptied = replace(duplicate.profile, addresses=(), customer_group_ids=())
    new_duplicate = replace(
        duplicate, profile=emptied, merged_into_id=survivor.id, audit=duplicate.audit.touched(actor, now)
    )
    return new_survivor, new_duplicate


def moved_contact(
    contact: ContactPerson, survivor_id: str, survivor_has_primary: bool, actor: str, now: dt.datetime
) -> ContactPerson:
    """A duplicate's contact person now at the survivor; the survivor's primary stays primary."""
    profile = contact.profile
    if survivor_has_primary and profile.is_primary:
        profile = replace(profile, is_primary=False)
    return replace(contact, customer_id=survivor_id, profile=profile, audit=contact.audit.touched(actor, now))
