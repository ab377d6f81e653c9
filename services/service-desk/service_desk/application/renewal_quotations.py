"""Renewal by quotation (a contract without auto-renew): the renewal quotation sales documents
drafted from `crm.servicedesk.contract.renewal_due` carries the billing key
"<contract_id>:<period_start>" as its `source_key`; when the customer accepts it
(`crm.sales.quotation.accepted`, QuotationChanged with the quotation as it is now) the contract
is continued by its successor (domain.contracts.quoted_renewal: the old term's length from the
key's period start, same terms, the fee per billing period from the quotation's total before
VAT, approved on the acceptance day) and `contract.renewed` / `contract.activated` go out, as
for an auto-renewal (contract_rollover.continue_with).

Exactly once: the contract row is locked and its `renewed_by` read under the lock; a
redelivered event is dropped by the inbox, the same acceptance under another event id (or a
second revision accepted) finds the contract renewed and changes nothing. A quotation without a
key, with a key this desk never asked a renewal quotation for, or for another term than the
contract's next is dropped. Declined or expired quotations are not consumed: the contract
simply expires at its end (application/contract_expiry.py)."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from chassis.events import Envelope, Handler
from crm.sales.v1 import events_pb2 as sales
from crm.sales.v1 import resources_pb2 as sales_res
from sqlalchemy.orm import Session

from service_desk.adapters.contract_repository import ContractRecord
from service_desk.application.context import ServiceDeskContext, UnitOfWork
from service_desk.application.contract_rollover import continue_with
from service_desk.domain.contract_billing import DraftKind
from service_desk.domain.contracts import quoted_renewal

log = logging.getLogger(__name__)

QUOTATION_ACCEPTED = "crm.sales.quotation.accepted"
ACTOR = "system"


def billing_key_parts(source_key: str) -> tuple[str, dt.date] | None:
    """(contract id, period start) of a billing key "ma_…:2027-01-01"; None for anything else."""
    contract_id, _, start = source_key.strip().rpartition(":")
    if not contract_id:
        return None
    try:
        return contract_id, dt.date.fromisoformat(start)
    except ValueError:
        return None


def _asked(record: ContractRecord, key: str) -> bool:
    """Whether this desk asked sales documents for a renewal quotation under `key`."""
    return any(b.draft.key == key and b.draft.kind is DraftKind.RENEWAL_QUOTATION for b in record.billings)


def renew_by_quotation(
    ctx: ServiceDeskContext, uow: UnitOfWork, quotation: sales_res.Quotation, accepted_at: dt.datetime
) -> ContractRecord | None:
    """The successor made from an accepted renewal quotation (crm.sales.v1.Quotation), or None
    when it was dropped (see the module's docstring)."""
    parts = billing_key_parts(quotation.source_key)
    if quotation.status != "accepted" or parts is None:
        return None
    contract_id, period_start = parts
    record = uow.contracts.get(contract_id, for_update=True)
    if record is None or not _asked(record, quotation.source_key.strip()):
        log.info(
            "renewal quotation dropped", extra={"quotation_id": quotation.id, "key": quotation.source_key}
        )
        return None
    try:
        total = Decimal(quotation.totals.pre_vat_total.amount or "0")
    except InvalidOperation:
        log.warning("renewal quotation without a total", extra={"quotation_id": quotation.id})
        return None
    accepted_on = accepted_at.astimezone(ZoneInfo(ctx.rules.company_time_zone)).date()
    successor = quoted_renewal(record.contract, period_start, total, accepted_on, ctx.ids("ma"))
    if successor is None:
        log.info(
            "renewal quotation dropped", extra={"quotation_id": quotation.id, "contract_id": contract_id}
        )
        return None
    name = quotation.display_number or quotation.number or quotation.id
    return continue_with(ctx, uow, record, successor, ACTOR, f"renewal quotation {name} accepted")


def renewal_quotation_handlers(ctx: ServiceDeskContext) -> list[Handler]:
    """The consumer's handler of accepted quotations (inside the inbox transaction)."""

    def on_accepted(session: Session, envelope: Envelope[Any]) -> None:
        msg: sales.QuotationChanged = envelope.message
        renew_by_quotation(ctx, UnitOfWork(session, ctx.rules), msg.quotation, envelope.occurred_at)

    return [Handler(QUOTATION_ACCEPTED, sales.QuotationChanged, on_accepted)]
