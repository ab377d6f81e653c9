"""Opportunity use cases: open one (by a user, or from a qualified lead), move it along the
pipeline, read and list. Every change publishes crm.sales.opportunity.<event>."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from chassis.errors import PermissionDenied
from chassis.identity import Caller

from sales_docs.adapters import tables as t
from sales_docs.application.context import SalesContext, UnitOfWork, check_version, load, visible
from sales_docs.domain.opportunities import Opportunity, StageOutcome, moved_to_stage, open_opportunity

CREATED = "crm.sales.opportunity.created"
STAGE_CHANGED = "crm.sales.opportunity.stage_changed"
WON = "crm.sales.opportunity.won"
LOST = "crm.sales.opportunity.lost"


@dataclass(frozen=True)
class OpportunityForm:
    name: str
    customer_id: str = ""
    lead_id: str = ""
    owner_id: str = ""
    team_id: str = ""
    expected_amount: Decimal = Decimal(0)
    expected_close: dt.date | None = None
    stage: str = ""
    notes: str = ""


def ownership(caller: Caller, owner_id: str, team_id: str) -> tuple[str, str]:
    """Reps own what they create; managers may assign within their teams; admins anyone."""
    owner, team = owner_id.strip() or caller.user_id, team_id.strip()
    if not team and len(caller.team_ids) == 1:
        team = next(iter(caller.team_ids))
    if caller.sees_all:
        return owner, team
    if team and team not in caller.team_ids:
        raise PermissionDenied(f"{caller.user_id} is not a member of team {team}")
    if owner != caller.user_id and not caller.is_manager:
        raise PermissionDenied("a sales rep can only create records they own")
    return owner, team


def _store(uow: UnitOfWork, opportunity: Opportunity, now: dt.datetime, *, new: bool = False) -> None:
    columns = {
        "customer_id": opportunity.customer_id,
        "owner_id": opportunity.owner_id,
        "team_id": opportunity.team_id,
        "status": opportunity.stage,
        "document_date": opportunity.expected_close,
    }
    if new:
        uow.opportunities.add(opportunity, now, **columns)
    else:
        uow.opportunities.update(opportunity, now, **columns)


def open_new(uow: UnitOfWork, ctx: SalesContext, form: OpportunityForm, owner: str, team: str) -> Opportunity:
    now = ctx.clock()
    opportunity = open_opportunity(
        ctx.ids("opp"),
        form.name,
        form.customer_id,
        owner,
        form.expected_amount,
        now,
        ctx.policy.pipeline,
        stage=form.stage,
        expected_close=form.expected_close,
        lead_id=form.lead_id,
        team_id=team,
        notes=form.notes,
    )
    _store(uow, opportunity, now, new=True)
    uow.emit(CREATED, opportunity)
    return opportunity


def create_opportunity(ctx: SalesContext, caller: Caller, form: OpportunityForm) -> Opportunity:
    owner, team = ownership(caller, form.owner_id, form.team_id)
    with ctx.transaction() as uow:
        return open_new(uow, ctx, form, owner, team)


def move_stage(
    ctx: SalesContext,
    caller: Caller,
    opportunity_id: str,
    stage: str,
    *,
    lost_reason: str = "",
    competitor: str = "",
    expected_version: int = 0,
) -> Opportunity:
    with ctx.transaction() as uow:
        current, _ = load(uow.opportunities, caller, opportunity_id, "opportunity", lock=True)
        check_version(expected_version, current.version, "opportunity", current.id)
        moved = moved_to_stage(
            current,
            stage,
            caller.user_id,
            ctx.clock(),
            ctx.policy.pipeline,
            lost_reason=lost_reason,
            competitor=competitor,
        )
        if moved is current:
            return current
        _store(uow, moved, ctx.clock())
        subject = {StageOutcome.WON: WON, StageOutcome.LOST: LOST}.get(moved.outcome, STAGE_CHANGED)
        uow.emit(subject, moved)
        return moved


def get_opportunity(ctx: SalesContext, caller: Caller, opportunity_id: str) -> Opportunity:
    with ctx.reading() as uow:
        found: Opportunity = load(uow.opportunities, caller, opportunity_id, "opportunity")[0]
        return found


def list_opportunities(
    ctx: SalesContext, caller: Caller, customer_id: str, stage: str, page_size: int, page_token: str
) -> tuple[list[Opportunity], str]:
    table = t.opportunities
    where = visible(caller, table)
    if customer_id:
        where.append(table.c.customer_id == customer_id)
    if stage:
        where.append(table.c.status == stage)
    with ctx.reading() as uow:
        rows, token = uow.opportunities.find(where, page_size, page_token)
    return [o for o, _ in rows], token
