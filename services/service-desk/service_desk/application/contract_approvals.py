"""The approval center decides submitted contracts: `crm.approvals.request.approved` activates
the contract (approved_on = the decision's date in the company's zone), `…rejected` sends it back
to draft with the reason (the domain has no "rejected" status: a rejected contract is a draft
again that its owner may change and submit anew; the reason stays on it). A request withdrawn
in the approval center (`…withdrawn`: the requester or an admin took it back; approvals has no
expiry) sends the contract back to draft the same way but publishes
`crm.servicedesk.contract.withdrawn`, not `…rejected`: nobody decided against it, and reports
counting rejections must not count it. The withdrawal approvals makes for a cancelled contract
is dropped (the contract is cancelled, not waiting).

A decision applies only to the revision that was submitted and still waits: a duplicate (the
contract is decided already), a stale one (an earlier submission's, or after a cancellation) or
one about another subject type is dropped. The chassis inbox drops a redelivered event id."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from chassis.events import Envelope, Handler
from crm.approvals.v1 import events_pb2 as approvals
from sqlalchemy.orm import Session

from service_desk import events
from service_desk.adapters.contract_repository import ContractRecord
from service_desk.application.context import ServiceDeskContext, UnitOfWork
from service_desk.application.contracts import contract_event

log = logging.getLogger(__name__)

# The approvals subject of a maintenance contract (request type service_contract).
SUBJECT_TYPE = "service_contract"
APPROVED = "crm.approvals.request.approved"
REJECTED = "crm.approvals.request.rejected"
# The requester (or an admin) withdrew the request; approvals has no expiry of its own.
WITHDRAWN = "crm.approvals.request.withdrawn"


def _waiting(record: ContractRecord | None, msg: approvals.ApprovalRequestEvent) -> bool:
    """Whether `msg` decides this contract's pending submission."""
    if record is None or record.submitted_at is None:
        return False
    c = record.contract
    if c.approved_on is not None or c.cancelled_on is not None:
        return False
    return record.submitted_revision is None or record.submitted_revision == msg.revision


def decision_day(ctx: ServiceDeskContext, msg: approvals.ApprovalRequestEvent) -> dt.date:
    """The day of the decision in the company's zone (today when the event carries no time)."""
    if not msg.HasField("occur_time"):
        return ctx.today()
    instant = msg.occur_time.ToDatetime(tzinfo=dt.UTC)
    return instant.astimezone(ZoneInfo(ctx.rules.company_time_zone)).date()


def apply_decision(ctx: ServiceDeskContext, uow: UnitOfWork, msg: approvals.ApprovalRequestEvent) -> bool:
    """Applies an approved, rejected or withdrawn request to its contract; False when it was
    dropped."""
    if msg.subject_type != SUBJECT_TYPE or msg.decision not in ("approved", "rejected", "withdrawn"):
        return False
    record = uow.contracts.get(msg.subject_id, for_update=True)
    if not _waiting(record, msg):
        log.info("contract decision dropped", extra={"contract_id": msg.subject_id, "decision": msg.decision})
        return False
    assert record is not None
    c = record.contract
    actor = msg.decided_by or "approvals"
    if msg.decision == "approved":
        contract = replace(c, approved_on=decision_day(ctx, msg), version=c.version + 1)
        changed = replace(
            record, contract=contract, approval_request_id=msg.request_id, decision_reason=msg.reason
        )
        uow.contracts.save(changed, c.version)
        uow.contracts.mark_renewal_checked(c.id, None)  # the renewal pass looks at it next
        uow.emit(events.CONTRACT_ACTIVATED, contract_event(ctx, changed, actor, msg.reason), "contract", c.id)
    else:
        changed = replace(
            record,
            contract=replace(c, version=c.version + 1),
            submitted_at=None,
            submitted_revision=None,
            approval_request_id=msg.request_id,
            decision_reason=msg.reason,
        )
        uow.contracts.save(changed, c.version)
        subject = events.CONTRACT_REJECTED if msg.decision == "rejected" else events.CONTRACT_WITHDRAWN
        uow.emit(subject, contract_event(ctx, changed, actor, msg.reason), "contract", c.id)
    return True


def decision_handlers(ctx: ServiceDeskContext) -> list[Handler]:
    """The consumer's handlers of the approval center's decisions (inside the inbox transaction)."""

    def on_decision(session: Session, envelope: Envelope[Any]) -> None:
        apply_decision(ctx, UnitOfWork(session), envelope.message)

    return [
        Handler(APPROVED, approvals.ApprovalRequestEvent, on_decision),
        Handler(REJECTED, approvals.ApprovalRequestEvent, on_decision),
        Handler(WITHDRAWN, approvals.ApprovalRequestEvent, on_decision),
    ]
