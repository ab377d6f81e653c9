"""Maintenance-contract use cases: create (draft), read, list, submit for approval, cancel with
its credit, add a covered item at its prorated charge. One transaction each with its event.

Access: the owner (who created it), sales managers and service agents of its team, admins.
Contract dates are read in the company's zone (Rules.company_time_zone)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from chassis.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from chassis.identity import Caller
from crm.servicedesk.v1 import events_pb2 as ev

from service_desk import events
from service_desk import translation as tr
from service_desk.adapters.contract_repository import ContractRecord
from service_desk.adapters.repositories import Visibility
from service_desk.application.context import ServiceDeskContext, UnitOfWork
from service_desk.application.setup import next_token, page_of
from service_desk.domain.contract_billing import cancellation_credit, item_addition_charge
from service_desk.domain.contracts import (
    ContractStatus,
    CoveredItem,
    MaintenanceContract,
    checked_contract,
    contract_status,
)

CONTRACT_ROLES = ("sales_rep", "sales_manager", "service_agent")


def can_see(caller: Caller, record: ContractRecord) -> bool:
    if caller.can_access(record.owner_id, record.team_id):
        return True
    return caller.has_role("service_agent") and bool(record.team_id) and record.team_id in caller.team_ids


def visibility(caller: Caller) -> Visibility:
    if caller.sees_all:
        return Visibility(all=True)
    team_member = caller.has_role("sales_manager", "service_agent")
    return Visibility(team_ids=caller.team_ids if team_member else frozenset(), user_id=caller.user_id)


def _load(uow: UnitOfWork, caller: Caller, id: str, for_update: bool = False) -> ContractRecord:
    record = uow.contracts.get(id, for_update=for_update)
    if record is None or not can_see(caller, record):
        raise NotFound("contract", id)
    return record


def contract_event(
    ctx: ServiceDeskContext, record: ContractRecord, actor: str, reason: str = ""
) -> ev.ContractEvent:
    return ev.ContractEvent(
        contract_id=record.contract.id,
        version=record.contract.version,
        contract=tr.contract_message(record, ctx.today()),
        actor=actor,
        reason=reason,
        occur_time=tr.timestamp(ctx.clock()),
    )


def create_contract(
    ctx: ServiceDeskContext, caller: Caller, contract: MaintenanceContract, team_id: str
) -> ContractRecord:
    caller.require_role(*CONTRACT_ROLES)
    team = team_id.strip()
    if team and not caller.sees_all and team not in caller.team_ids:
        raise PermissionDenied(f"{caller.user_id} is not in team {team}")
    checked = checked_contract(
        replace(contract, approved_on=None, cancelled_on=None, renewed_by="", version=1)
    )
    record = ContractRecord(checked, caller.user_id, team, ctx.clock())
    with ctx.transaction() as uow:
        if checked.sla_policy_id and uow.policies.get(checked.sla_policy_id) is None:
            raise InvalidArgument("sla_policy_id", f"no SLA policy {checked.sla_policy_id!r}")
        uow.contracts.add(record)
        uow.emit(events.CONTRACT_CREATED, contract_event(ctx, record, caller.user_id), "contract", checked.id)
    return record


def get_contract(ctx: ServiceDeskContext, caller: Caller, id: str) -> ContractRecord:
    with ctx.reading() as uow:
        return _load(uow, caller, id)


def list_contracts(
    ctx: ServiceDeskContext, caller: Caller, customer_id: str, page_size: int, page_token: str
) -> tuple[list[ContractRecord], str]:
    offset, size = page_of(page_size, page_token)
    with ctx.reading() as uow:
        found = uow.contracts.page(customer_id.strip(), visibility(caller), offset, size)
    return found, next_token(offset, size, len(found))


def submit_contract(ctx: ServiceDeskContext, caller: Caller, id: str) -> ContractRecord:
    """Sends a draft to the approval center (its event is what approvals will consume)."""
    caller.require_role(*CONTRACT_ROLES)
    with ctx.transaction() as uow:
        record = _load(uow, caller, id, for_update=True)
        c = record.contract
        if contract_status(c, ctx.today()) != ContractStatus.DRAFT or c.cancelled_on is not None:
            raise FailedPrecondition(f"contract {id} is not a draft")
        if record.submitted_at is not None:
            raise FailedPrecondition(f"contract {id} is submitted already and waits for its decision")
        changed = replace(
            record,
            contract=replace(c, version=c.version + 1),
            submitted_at=ctx.clock(),
            submitted_revision=c.version + 1,
        )
        uow.contracts.save(changed, c.version)
        uow.emit(events.CONTRACT_SUBMITTED, contract_event(ctx, changed, caller.user_id), "contract", id)
    return changed


def cancel_contract(
    ctx: ServiceDeskContext, caller: Caller, id: str, effective_on: dt.date, reason: str
) -> tuple[ContractRecord, Decimal]:
    """Cancels from `effective_on`; an approved contract is credited its unused days."""
    caller.require_role(*CONTRACT_ROLES)
    if not reason.strip():
        raise InvalidArgument("reason", "is required")
    with ctx.transaction() as uow:
        record = _load(uow, caller, id, for_update=True)
        c = record.contract
        if c.cancelled_on is not None:
            raise FailedPrecondition(f"contract {id} is cancelled already")
        credit = cancellation_credit(c, effective_on) if c.approved_on is not None else Decimal("0.00")
        contract = replace(c, cancelled_on=effective_on, version=c.version + 1)
        changed = replace(record, contract=contract, cancel_reason=reason.strip())
        uow.contracts.save(changed, c.version)
        event = contract_event(ctx, changed, caller.user_id, reason.strip())
        uow.emit(events.CONTRACT_CANCELLED, event, "contract", id)
    return changed, credit


def add_covered_item(
    ctx: ServiceDeskContext, caller: Caller, id: str, item: CoveredItem, added_on: dt.date
) -> tuple[ContractRecord, Decimal]:
    """Covers one more item from `added_on`; the charge is prorated by inclusive days."""
    caller.require_role(*CONTRACT_ROLES)
    with ctx.transaction() as uow:
        record = _load(uow, caller, id, for_update=True)
        c = record.contract
        if contract_status(c, ctx.today()) in (ContractStatus.CANCELLED, ContractStatus.EXPIRED):
            raise FailedPrecondition(f"contract {id} is {contract_status(c, ctx.today()).value}")
        charge = item_addition_charge(c, item, added_on)
        contract = checked_contract(replace(c, covered_items=(*c.covered_items, item), version=c.version + 1))
        changed = replace(record, contract=contract)
        uow.contracts.save(changed, c.version)
    return changed, charge
