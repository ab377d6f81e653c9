"""Customer groups (pricing and promotions target them): managers and admins create them,
everyone reads them."""

from __future__ import annotations

import re

from chassis.errors import AlreadyExists
from chassis.identity import Caller

from contacts.adapters.paging import Page, PageRequest
from contacts.application.context import ContactsContext
from contacts.domain.events import CustomerGroupCreated
from contacts.domain.model import CustomerGroup
from contacts.domain.validation import Fields

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$")


def create_customer_group(
    ctx: ContactsContext, caller: Caller, code: str, name: str, description: str
) -> CustomerGroup:
    caller.require_role("sales_manager")
    fields = Fields("customer_group")
    code = code.strip().upper()
    if not code:
        fields.add("code", "is required")
    elif not _CODE.match(code):
        fields.add("code", "must be 1-50 letters, digits, '.', '_' or '-'")
    name = fields.text("name", name, required=True)
    description = fields.text("description", description, max_length=2000)
    fields.raise_if_any()
    with ctx.transaction() as uow:
        if uow.groups.code_taken(code):
            raise AlreadyExists(f"a customer group with code {code!r} exists")
        group = CustomerGroup(
            id=ctx.ids("grp"),
            code=code,
            name=name,
            description=description,
            version=1,
            created_at=ctx.clock(),
        )
        uow.groups.add(group, caller.user_id)
        uow.emit(CustomerGroupCreated(group))
    return group


def list_customer_groups(
    ctx: ContactsContext, caller: Caller, page: PageRequest
) -> tuple[list[CustomerGroup], Page]:
    with ctx.reading() as uow:
        return uow.groups.find(page)
