"""Customer use cases: create (with duplicate detection), read, list, update (optimistic
concurrency) and reassign (managers of the team and admins only; audited)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from chassis.errors import AlreadyExists, InvalidArgument
from chassis.identity import Caller

from contacts.adapters.customers import CustomerFilter
from contacts.adapters.paging import Page, PageRequest
from contacts.application.audit import record_owner_change
from contacts.application.context import ContactsContext, UnitOfWork
from contacts.application.duplicates import DuplicateCandidate, check_new_customer
from contacts.application.records import check_version, load_customer, require_id, require_live
from contacts.domain.customers import (
    UPDATABLE_FIELDS,
    assign_address_ids,
    customer_to_form,
    parse_customer_profile,
)
from contacts.domain.events import CustomerCreated, CustomerUpdated
from contacts.domain.field_masks import overlay
from contacts.domain.model import AuditStamp, Customer, CustomerForm, CustomerProfile
from contacts.domain.ownership import Ownership, assign_owner, check_reassign
from contacts.domain.validation import Fields


@dataclass(frozen=True)
class CreatedCustomer:
    customer: Customer
    possible_duplicates: list[DuplicateCandidate]


def check_groups(uow: UnitOfWork, profile: CustomerProfile, fields: Fields) -> None:
    """Every customer group named must exist."""
    known = uow.groups.existing_ids(profile.customer_group_ids)
    for index, group_id in enumerate(profile.customer_group_ids):
        if group_id not in known:
            fields.add(f"customer_group_ids[{index}]", f"no customer group {group_id!r}")


def parse_customer(uow: UnitOfWork, form: CustomerForm, fields: Fields) -> CustomerProfile:
    """A valid profile or InvalidArgument naming every bad field (groups included)."""
    profile = parse_customer_profile(form, fields)
    check_groups(uow, profile, fields)
    fields.raise_if_any()
    return profile


def new_customer(
    uow: UnitOfWork,
    ctx: ContactsContext,
    caller: Caller,
    profile: CustomerProfile,
    owner: Ownership,
    *,
    allow_duplicates: bool,
) -> CreatedCustomer:
    """Stores a new customer after the duplicate check and emits customer.created."""
    customer_id = ctx.ids("cus")
    candidates = check_new_customer(uow, ctx, caller, customer_id, profile, allow_duplicates=allow_duplicates)
    profile = assign_address_ids(profile, (), lambda: ctx.ids("addr"))
    customer = Customer(
        id=customer_id,
        profile=profile,
        owner_id=owner.owner_id,
        team_id=owner.team_id,
        audit=AuditStamp.new(caller.user_id, ctx.clock()),
    )
    uow.customers.add(customer)
    uow.emit(CustomerCreated(customer))
    return CreatedCustomer(customer, candidates)


def create_customer(
    ctx: ContactsContext, caller: Caller, form: CustomerForm, *, allow_duplicates: bool = False
) -> CreatedCustomer:
    owner = assign_owner(caller, form.owner_id, form.team_id)
    with ctx.transaction() as uow:
        profile = parse_customer(uow, form, Fields("customer"))
        return new_customer(uow, ctx, caller, profile, owner, allow_duplicates=allow_duplicates)


def get_customer(ctx: ContactsContext, caller: Caller, customer_id: str) -> Customer:
    """A customer, also a merged one (its merged_into_id says where it went)."""
    with ctx.reading() as uow:
        return load_customer(uow, caller, customer_id)


def list_customers(
    ctx: ContactsContext, caller: Caller, where: CustomerFilter, page: PageRequest
) -> tuple[list[Customer], Page]:
    with ctx.reading() as uow:
        return uow.customers.find(caller, where, page)


def _check_tax_id_free(uow: UnitOfWork, customer: Customer) -> None:
    p = customer.profile
    if not p.tax_id:
        return
    for other in uow.customers.probes_matching(tax_id=p.tax_id, phone="", email=""):
        if other.customer_id != customer.id and other.branch_code == p.branch_code:
            raise AlreadyExists(
                f"customer {other.customer_id} has tax id {p.tax_id} branch {p.branch_code}; "
                "merge the two instead"
            )


def update_customer(
    ctx: ContactsContext,
    caller: Caller,
    customer_id: str,
    form: CustomerForm,
    paths: Sequence[str],
    expected_version: int = 0,
) -> Customer:
    """Changes the masked fields and validates the whole result; owner and team change only
    through ReassignCustomer."""
    with ctx.transaction() as uow:
        customer = load_customer(uow, caller, customer_id, field="customer.id", lock=True)
        require_live(customer)
        check_version(expected_version, customer.audit.version, "customer", customer.id)
        fields = Fields("customer")
        merged = overlay(customer_to_form(customer), form, paths, UPDATABLE_FIELDS, fields.root())
        profile = parse_customer(uow, merged, fields)
        profile = assign_address_ids(
            profile, {a.id for a in customer.profile.addresses}, lambda: ctx.ids("addr")
        )
        if profile == customer.profile:
            return customer
        new = replace(customer, profile=profile, audit=customer.audit.touched(caller.user_id, ctx.clock()))
        if (profile.tax_id, profile.branch_code) != (customer.profile.tax_id, customer.profile.branch_code):
            _check_tax_id_free(uow, new)
        uow.customers.update(new)
        uow.emit(CustomerUpdated(new))
    return new


def reassign_customer(
    ctx: ContactsContext, caller: Caller, customer_id: str, owner_id: str, team_id: str, reason: str
) -> Customer:
    """A new owner (and team; empty keeps the current team), audited with the reason."""
    new_owner = require_id(owner_id, "owner_id")
    if len(reason) > 500:
        raise InvalidArgument("reason", "must be at most 500 characters")
    with ctx.transaction() as uow:
        customer = load_customer(uow, caller, customer_id, field="customer_id", lock=True)
        require_live(customer)
        before = Ownership(customer.owner_id, customer.team_id)
        after = Ownership(new_owner, team_id.strip() or customer.team_id)
        check_reassign(caller, before, after)
        if before == after:
            return customer
        new = replace(
            customer,
            owner_id=after.owner_id,
            team_id=after.team_id,
            audit=customer.audit.touched(caller.user_id, ctx.clock()),
        )
        uow.customers.update(new)
        record_owner_change(uow, ctx, caller, "customer", customer.id, before, after, reason.strip())
        uow.emit(CustomerUpdated(new))
    return new
