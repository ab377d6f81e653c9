"""`crm.servicedesk.contract.expired` (part of the renewal pass): an approved contract without
auto-renew that passed its end without a successor (domain.contracts.ended_unrenewed) is
announced expired once.

Once: the announcement is claimed by a conditional update of `contracts.expiry_announced_at`
under the contract's row lock, in the renewal pass's transaction, before the event is written to
the outbox; a second scheduler, a rerun or a restarted service finds it claimed and publishes
nothing. An announced contract leaves the renewal pass's candidates. A renewal quotation
accepted after the end still renews it (application/renewal_quotations.py): `contract.renewed`
then follows `contract.expired`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from service_desk import events
from service_desk.adapters.contract_repository import ContractRecord
from service_desk.application.context import ServiceDeskContext, UnitOfWork
from service_desk.application.contracts import contract_event
from service_desk.domain.contracts import ended_unrenewed

ACTOR = "system"


def announce_expiry(ctx: ServiceDeskContext, uow: UnitOfWork, record: ContractRecord, today: dt.date) -> bool:
    """Publishes `contract.expired` for `record` (read under its row lock in `uow`) when it has
    ended unrenewed and nobody announced it yet; True when this transaction did."""
    c = record.contract
    if not ended_unrenewed(c, today) or not uow.contracts.claim_expiry(c.id, ctx.clock()):
        return False
    expired = replace(record, contract=replace(c, version=c.version + 1))
    uow.contracts.save(expired, c.version)
    reason = f"ended on {c.end_date.isoformat()} without a renewal"
    uow.emit(events.CONTRACT_EXPIRED, contract_event(ctx, expired, ACTOR, reason), "contract", c.id)
    return True
