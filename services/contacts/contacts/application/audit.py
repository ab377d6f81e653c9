"""The audit trail: reassignments and merges are written with the change they describe, and
read back per record (ListAuditEntries)."""

from __future__ import annotations

from chassis.errors import InvalidArgument, PermissionDenied
from chassis.identity import Caller

from contacts.adapters.paging import Page, PageRequest
from contacts.application.context import ContactsContext, UnitOfWork
from contacts.application.records import load_customer, load_lead
from contacts.domain.model import AuditEntry
from contacts.domain.ownership import Ownership

RESOURCE_TYPES = ("customer", "lead")


def record(
    uow: UnitOfWork,
    ctx: ContactsContext,
    caller: Caller,
    resource_type: str,
    resource_id: str,
    action: str,
    details: dict[str, str],
) -> None:
    uow.audit.add(
        AuditEntry(
            id=ctx.ids("aud"),
            resource_type=resource_type,
            resource_id=resource_id,
            action=action,
            actor_id=caller.user_id,
            details=details,
            occurred_at=ctx.clock(),
        )
    )


def record_owner_change(
    uow: UnitOfWork,
    ctx: ContactsContext,
    caller: Caller,
    resource_type: str,
    resource_id: str,
    before: Ownership,
    after: Ownership,
    reason: str,
) -> None:
    record(
        uow,
        ctx,
        caller,
        resource_type,
        resource_id,
        "owner_changed",
        {
            "from_owner_id": before.owner_id,
            "to_owner_id": after.owner_id,
            "from_team_id": before.team_id,
            "to_team_id": after.team_id,
            "reason": reason,
        },
    )


def list_audit_entries(
    ctx: ContactsContext, caller: Caller, resource_type: str, resource_id: str, page: PageRequest
) -> tuple[list[AuditEntry], Page]:
    """One record's entries for whoever may see the record; the whole log for admins."""
    kind = resource_type.strip()
    if kind and kind not in RESOURCE_TYPES:
        raise InvalidArgument("resource_type", f"must be one of {', '.join(RESOURCE_TYPES)}")
    with ctx.reading() as uow:
        if resource_id:
            if not kind:
                raise InvalidArgument("resource_type", "is required with resource_id")
            if kind == "customer":
                load_customer(uow, caller, resource_id, field="resource_id")
            else:
                load_lead(uow, caller, resource_id, field="resource_id")
        elif not caller.sees_all:
            raise PermissionDenied("only admins may read the whole audit log; name a resource_id")
        return uow.audit.find(kind, resource_id, page)
