"""The maintenance-contract repository: a contract is one row (covered items and notice days as
JSON, money as decimal text), read under its row lock and written with a version check."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from chassis.errors import Conflict
from sqlalchemy.orm import Session

from service_desk.adapters import codec
from service_desk.adapters.repositories import Visibility, aware, aware_or_none, locked
from service_desk.adapters.tables import contracts
from service_desk.domain.contracts import BillingPeriod, MaintenanceContract, PreventiveVisits


@dataclass(frozen=True)
class ContractRecord:
    contract: MaintenanceContract
    owner_id: str
    team_id: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None = None
    cancel_reason: str = ""


class ContractRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: ContractRecord) -> None:
        self.session.execute(sa.insert(contracts).values(**self._values(record)))

    def save(self, record: ContractRecord, previous_version: int) -> None:
        done = self.session.execute(
            sa.update(contracts)
            .where(contracts.c.id == record.contract.id, contracts.c.version == previous_version)
            .values(**self._values(record))
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(f"contract {record.contract.id} changed meanwhile")

    @staticmethod
    def _values(record: ContractRecord) -> dict[str, Any]:
        c = record.contract
        visits = c.preventive_visits
        return {
            "id": c.id,
            "customer_id": c.customer_id,
            "start_date": c.start_date,
            "end_date": c.end_date,
            "billing_period": c.billing_period.value,
            "fee": str(c.fee),
            "currency": c.currency,
            "covered_items": codec.items_json(c.covered_items),
            "auto_renew": c.auto_renew,
            "renewal_notice_days": codec.dumps(list(c.renewal_notice_days)),
            "invoice_lead_days": c.invoice_lead_days,
            "sla_policy_id": c.sla_policy_id,
            "visits_every_months": visits.every_months if visits else None,
            "visits_count": visits.count if visits else None,
            "approved_on": c.approved_on,
            "cancelled_on": c.cancelled_on,
            "cancel_reason": record.cancel_reason,
            "renewed_by": c.renewed_by,
            "submitted_at": record.submitted_at,
            "owner_id": record.owner_id,
            "team_id": record.team_id,
            "created_at": record.created_at,
            "version": c.version,
        }

    def get(self, id: str, for_update: bool = False) -> ContractRecord | None:
        row = self.session.execute(
            locked(sa.select(contracts).where(contracts.c.id == id), for_update)
        ).first()
        return None if row is None else self._of(row)

    def page(self, customer_id: str, visible: Visibility, offset: int, size: int) -> list[ContractRecord]:
        query = sa.select(contracts)
        if customer_id:
            query = query.where(contracts.c.customer_id == customer_id)
        if not visible.all:
            allowed: list[sa.ColumnElement[bool]] = [contracts.c.owner_id == visible.user_id]
            if visible.team_ids:
                allowed.append(contracts.c.team_id.in_(sorted(visible.team_ids)))
            query = query.where(sa.or_(*allowed))
        query = (
            query.order_by(contracts.c.created_at.desc(), contracts.c.id.desc()).offset(offset).limit(size)
        )
        return [self._of(row) for row in self.session.execute(query)]

    @staticmethod
    def _of(row: Any) -> ContractRecord:
        visits = (
            PreventiveVisits(row.visits_every_months, row.visits_count)
            if row.visits_every_months is not None
            else None
        )
        contract = MaintenanceContract(
            id=row.id,
            customer_id=row.customer_id,
            start_date=row.start_date,
            end_date=row.end_date,
            billing_period=BillingPeriod(row.billing_period),
            fee=Decimal(row.fee),
            covered_items=codec.items_of(row.covered_items),
            auto_renew=row.auto_renew,
            renewal_notice_days=tuple(int(d) for d in json.loads(row.renewal_notice_days)),
            invoice_lead_days=row.invoice_lead_days,
            sla_policy_id=row.sla_policy_id,
            preventive_visits=visits,
            approved_on=row.approved_on,
            cancelled_on=row.cancelled_on,
            renewed_by=row.renewed_by,
            currency=row.currency,
            version=row.version,
        )
        return ContractRecord(
            contract,
            row.owner_id,
            row.team_id,
            aware(row.created_at),
            aware_or_none(row.submitted_at),
            row.cancel_reason,
        )
