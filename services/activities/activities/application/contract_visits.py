"""Preventive visits of service-desk maintenance contracts, from its events:

- `crm.servicedesk.contract.activated` creates one planned all-day visit per date of the
  contract's `visit_dates` (owner = the contract's owner, linked to its customer), each once:
  the row (contract, date) in `contract_visits` is the idempotency key, so a redelivery or a
  repeated event creates nothing more; and it records the contract's end for date mail
  (`record_contract_end`).
- `crm.servicedesk.contract.cancelled` cancels the planned visits dated on or after the day the
  cancellation takes effect (`cancelled_on`, the first day no longer covered) and withdraws the
  end-date mail.

The visits are not busy: the day is planned, the hour is not yet, so they block no one's
calendar for conflicts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chassis.events import Envelope, Handler
from crm.servicedesk.v1 import events_pb2 as sd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from activities.adapters.activities import StoredActivity
from activities.adapters.tables import contract_visits
from activities.application.context import ActivitiesContext, UnitOfWork
from activities.application.date_mail import record_contract_end
from activities.application.scheduling import view_of
from activities.domain import events as ev
from activities.domain.model import Activity, ActivityType, Link, LinkKind, Status
from activities.domain.timing import AllDay

CONTRACT_ACTIVATED = "crm.servicedesk.contract.activated"
CONTRACT_CANCELLED = "crm.servicedesk.contract.cancelled"
ACTOR = "service-desk"


def visit_activity(
    msg: sd.ContractEvent, day: dt.date, activity_id: str, zone: str, customer_name: str, now: dt.datetime
) -> Activity:
    """The planned preventive visit of `day` for the contract the event carries."""
    c = msg.contract
    return Activity(
        id=activity_id,
        type=ActivityType.VISIT,
        subject=f"เข้าบำรุงรักษาตามสัญญา (PM) {msg.contract_id}",
        owner_id=c.owner_id,
        team_id=c.team_id,
        timing=AllDay(day, day + dt.timedelta(days=1), zone),
        description=f"Preventive maintenance visit, contract {msg.contract_id}",
        links=(Link(LinkKind.CUSTOMER, c.customer_id, customer_name),) if c.customer_id else (),
        busy=False,
        created_at=now,
        created_by=ACTOR,
        updated_at=now,
        updated_by=ACTOR,
    )


def plan_contract_visits(ctx: ActivitiesContext, uow: UnitOfWork, msg: sd.ContractEvent) -> int:
    """Creates the visits not created yet; returns how many it created."""
    c = msg.contract
    record_contract_end(uow, msg.contract_id, c.customer_id, c.end_date, int(msg.version))
    known = {
        row.visit_date
        for row in uow.session.execute(
            select(contract_visits.c.visit_date).where(contract_visits.c.contract_id == msg.contract_id)
        )
    }
    zone = uow.zone_of_user(c.owner_id)
    name = (uow.directory.party_name(LinkKind.CUSTOMER.value, c.customer_id) or "") if c.customer_id else ""
    now = ctx.clock()
    created = 0
    for text in c.visit_dates:
        day = dt.date.fromisoformat(text)
        if day in known:
            continue
        activity = visit_activity(msg, day, ctx.ids("act"), zone, name, now)
        uow.activities.add(activity, zone)
        uow.session.execute(
            insert(contract_visits).values(
                contract_id=msg.contract_id, visit_date=day, activity_id=activity.id
            )
        )
        uow.emit(ev.ActivityCreated(view_of(uow, StoredActivity(activity, None, None))))
        created += 1
    return created


def cancel_contract_visits(ctx: ActivitiesContext, uow: UnitOfWork, msg: sd.ContractEvent) -> int:
    """Cancels the planned visits from the cancellation's effective day; returns how many."""
    c = msg.contract
    if not c.cancelled_on:
        return 0
    effective = dt.date.fromisoformat(c.cancelled_on)
    record_contract_end(uow, msg.contract_id, c.customer_id, "", int(msg.version))
    rows = uow.session.execute(
        select(contract_visits.c.activity_id).where(
            contract_visits.c.contract_id == msg.contract_id, contract_visits.c.visit_date >= effective
        )
    ).all()
    now = ctx.clock()
    cancelled = 0
    for row in rows:
        stored = uow.activities.get(row.activity_id, for_update=True)
        if stored.activity.status is not Status.PLANNED:
            continue
        updated = stored.activity.cancel(ACTOR, now, msg.reason or "the contract was cancelled")
        uow.activities.save(updated, uow.owner_zone(updated))
        result = StoredActivity(updated, stored.checkin, stored.checkout)
        uow.emit(ev.ActivityCancelled(view_of(uow, result), ""))
        cancelled += 1
    return cancelled


def contract_handlers(ctx: ActivitiesContext) -> list[Handler]:
    """Handlers of service-desk's contract events (inside the inbox transaction)."""

    def on_activated(session: Session, envelope: Envelope[Any]) -> None:
        plan_contract_visits(ctx, ctx.within(session), envelope.message)

    def on_cancelled(session: Session, envelope: Envelope[Any]) -> None:
        cancel_contract_visits(ctx, ctx.within(session), envelope.message)

    return [
        Handler(CONTRACT_ACTIVATED, sd.ContractEvent, on_activated),
        Handler(CONTRACT_CANCELLED, sd.ContractEvent, on_cancelled),
    ]
