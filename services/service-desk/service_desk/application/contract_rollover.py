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
from service_desk.domain.contracts import MaintenanceContract, renewal_successor

ACTOR = "system"


def roll_over(
    ctx: ServiceDeskContext, uow: UnitOfWork, record: ContractRecord, today: dt.date
) -> ContractRecord | None:
    """Renews `record` (read under its row lock in `uow`) when it is due; returns the successor,
    or None when nothing was due. Publishes `contract.renewed` (the old contract, now renewed)
    and `contract.activated` (the successor) in the same transaction."""
    successor = renewal_successor(record.contract, today, ctx.ids("ma"))
    if successor is None:
        return None
    return continue_with(ctx, uow, record, successor, ACTOR, f"auto-renewal of {record.contract.id}")


def continue_with(
    ctx: ServiceDeskContext,
    uow: UnitOfWork,
    record: ContractRecord,
    successor: MaintenanceContract,
    actor: str,
    reason: str,
) -> ContractRecord:
    """Stores `successor` (owner and team of the old contract), sets the old contract's
    `renewed_by` (version checked: a racing writer is refused) and publishes `contract.renewed`
    (old) and `contract.activated` (successor; `reason` says why). Both renewal paths end here."""
    old = record.contract
    created = ContractRecord(successor, record.owner_id, record.team_id, ctx.clock())
    uow.contracts.add(created)
    renewed = replace(record, contract=replace(old, renewed_by=successor.id, version=old.version + 1))
    uow.contracts.save(renewed, old.version)
    renewed_reason = f"renewed by {successor.id}"
    uow.emit(events.CONTRACT_RENEWED, contract_event(ctx, renewed, actor, renewed_reason), "contract", old.id)
    uow.emit(events.CONTRACT_ACTIVATED, contract_event(ctx, created, actor, reason), "contract", successor.id)
    return created
