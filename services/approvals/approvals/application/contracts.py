"""Maintenance contracts from service-desk in the approval center: a submitted contract revision
(`crm.servicedesk.contract.submitted`, ContractEvent) opens a `service_contract` request the way
a submitted quotation opens one (value = fee × billing periods in the term, requester = the
contract's owner, its team); a cancelled contract withdraws its pending request. The subject is
("service_contract", contract id, the submitted contract version); the same revision again
returns the request it opened, and the consumer's inbox drops a redelivered event id."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chassis.errors import InvalidArgument
from chassis.events import Envelope, Handler
from crm.servicedesk.v1 import events_pb2 as sd
from crm.servicedesk.v1 import resources_pb2 as sdres
from sqlalchemy.orm import Session

from approvals import translation as tr
from approvals.adapters.audit import Origin
from approvals.application.context import ApprovalsContext, UnitOfWork
from approvals.application.effects import apply_effects, count_decisions
from approvals.application.requests import NewRequest, submit
from approvals.domain import requests as rules
from approvals.domain.contracts import contract_value
from approvals.domain.model import SYSTEM, Line, RequestStatus, RequestType, Snapshot

SUBJECT_TYPE = "service_contract"
CONTRACT_SUBMITTED = "crm.servicedesk.contract.submitted"
CONTRACT_CANCELLED = "crm.servicedesk.contract.cancelled"

_PERIODS = {
    sdres.BILLING_PERIOD_MONTHLY: (1, "เดือน"),
    sdres.BILLING_PERIOD_QUARTERLY: (3, "ไตรมาส"),
    sdres.BILLING_PERIOD_SEMI_ANNUAL: (6, "ครึ่งปี"),
    sdres.BILLING_PERIOD_YEARLY: (12, "ปี"),
}


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(field, f"{text!r} is not a date YYYY-MM-DD") from None


def contract_request(msg: sd.ContractEvent) -> NewRequest:
    """The request of a submitted contract revision, with its snapshot."""
    c = msg.contract
    start = _date(c.start_date, "contract.start_date")
    end = _date(c.end_date, "contract.end_date")
    months, unit = _PERIODS.get(c.billing_period, (0, ""))
    fee = tr.decimal_or_zero(c.fee.amount, "contract.fee.amount")
    periods, value = contract_value(start, end, months, fee)
    snapshot = Snapshot(
        title=f"สัญญาบำรุงรักษา (MA) {c.id or msg.contract_id}",
        customer_id=c.customer_id,
        currency=c.fee.currency_code or "THB",
        amount=value,
        subtotal=value,
        lines=(
            Line(
                description=f"ค่าบริการบำรุงรักษา (MA) {start.isoformat()} – {end.isoformat()}",
                quantity=str(periods),
                unit=unit,
                net_unit_price=fee,
                discount_percent=tr.decimal_or_zero("0", "discount_percent"),
            ),
        ),
        link=f"/service-desk/contracts/{msg.contract_id}",
    )
    return NewRequest(
        request_type=RequestType.SERVICE_CONTRACT,
        subject_type=SUBJECT_TYPE,
        subject_id=msg.contract_id,
        revision=int(msg.version),
        requester_id=c.owner_id,
        team_id=c.team_id,
        snapshot=snapshot,
    )


def withdraw_contract(ctx: ApprovalsContext, uow: UnitOfWork, contract_id: str, actor_id: str) -> int:
    """Withdraws the contract's pending request(s) (it was cancelled); returns how many."""
    withdrawn = 0
    for request in uow.requests.of_subject(SUBJECT_TYPE, contract_id):
        if request.status is not RequestStatus.PENDING:
            continue
        read_version = request.version
        event = rules.withdraw(
            request, actor_id or SYSTEM, "the contract was cancelled", ctx.clock(), admin=True
        )
        uow.requests.save(request, read_version)
        count_decisions(apply_effects(ctx, uow, [event], Origin("event")))
        withdrawn += 1
    return withdrawn


def contract_handlers(ctx: ApprovalsContext) -> list[Handler]:
    """Handlers of service-desk's contract events (inside the inbox transaction)."""

    def on_submitted(session: Session, envelope: Envelope[Any]) -> None:
        submit(ctx, ctx.within(session), contract_request(envelope.message), Origin("event"))

    def on_cancelled(session: Session, envelope: Envelope[Any]) -> None:
        msg = envelope.message
        withdraw_contract(ctx, ctx.within(session), msg.contract_id, msg.actor)

    return [
        Handler(CONTRACT_SUBMITTED, sd.ContractEvent, on_submitted),
        Handler(CONTRACT_CANCELLED, sd.ContractEvent, on_cancelled),
    ]
