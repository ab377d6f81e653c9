"""Auto-renew roll-over (part of the renewal pass): an approved auto-renewing contract whose end
date has passed (in the company's zone) is continued by a successor contract, created in the
renewal pass's transaction under the old contract's row lock.

Exactly once: the old row is locked (SQLite: BEGIN IMMEDIATE; PostgreSQL: FOR UPDATE) and its
`renewed_by` is read under the lock; a second scheduler, a rerun or a restarted service finds it
set and the domain rule (renewal_successor) returns None, and the version check on save refuses
a racing writer. The successor is approved from its start (no second approval), so it is active
at once; `crm.servicedesk.contract.activated` tells activities to plan its visits. Its first
billing period is not drafted again: it was the old contract's next-term draft, and a term's
first period is never drafted (domain.contract_billing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from service_desk import events
from service_desk.adapters.contract_repository import ContractRecord
from service_desk.application.context import ServiceDeskContext, UnitOfWork
from service_desk.application.contracts import contract_event
from service_desk.domain.contracts import renewal_successor

ACTOR = "system"


def roll_over(
    ctx: ServiceDeskContext, uow: UnitOfWork, record: ContractRecord, today: dt.date
) -> ContractRecord | None:
    """Renews `record` (read under its row lock in `uow`) when it is due; returns the successor,
    or None when nothing was due. Publishes `contract.renewed` (the old contract, now renewed)
    and `contract.activated` (the successor) in the same transaction."""
    old = record.contract
    successor = renewal_successor(old, today, ctx.ids("ma"))
    if successor is None:
        return None
    now = ctx.clock()
    created = ContractRecord(successor, record.owner_id, record.team_id, now)
    uow.contracts.add(created)
    renewed = replace(record, contract=replace(old, renewed_by=successor.id, version=old.version + 1))
    uow.contracts.save(renewed, old.version)
    reason = f"renewed by {successor.id}"
    uow.emit(events.CONTRACT_RENEWED, contract_event(ctx, renewed, ACTOR, reason), "contract", old.id)
    reason = f"auto-renewal of {old.id}"
    uow.emit(events.CONTRACT_ACTIVATED, contract_event(ctx, created, ACTOR, reason), "contract", successor.id)
    return created
