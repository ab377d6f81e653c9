"""The maintenance-contract repository: a contract is one row (covered items and notice days as
JSON, money as decimal text), read under its row lock and written with a version check; its
billing requests and renewal notices are rows of their own, each claimed once by a conditional
insert (the renewal pass)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from chassis.errors import Conflict
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service_desk.adapters import codec
from service_desk.adapters.repositories import Visibility, aware, aware_or_none, locked
from service_desk.adapters.tables import contract_billings, contract_notices, contracts
from service_desk.domain.contract_billing import BillingDraft, DraftKind, RenewalNotice
from service_desk.domain.contracts import BillingPeriod, MaintenanceContract, PreventiveVisits


@dataclass(frozen=True)
class RequestedBilling:
    """A billing request made for one period (see BillingDraft), and when."""

    draft: BillingDraft
    requested_at: dt.datetime


@dataclass(frozen=True)
class ContractRecord:
    contract: MaintenanceContract
    owner_id: str
    team_id: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None = None
    cancel_reason: str = ""
    # The approval: the revision (contract version) submitted, the request and its reason.
    submitted_revision: int | None = None
    approval_request_id: str = ""
    decision_reason: str = ""
    # Read only (written by the renewal pass's claims): the periods billed, notices sent.
    billings: tuple[RequestedBilling, ...] = ()
    notices_sent: tuple[int, ...] = ()


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
            "term_billed_upfront": c.term_billed_upfront,
            "submitted_at": record.submitted_at,
            "submitted_revision": record.submitted_revision,
            "approval_request_id": record.approval_request_id,
            "decision_reason": record.decision_reason,
            "owner_id": record.owner_id,
            "team_id": record.team_id,
            "created_at": record.created_at,
            "version": c.version,
        }

    def get(self, id: str, for_update: bool = False) -> ContractRecord | None:
        row = self.session.execute(
            locked(sa.select(contracts).where(contracts.c.id == id), for_update)
        ).first()
        return None if row is None else self._with_parts([self._of(row)])[0]

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
        return self._with_parts([self._of(row) for row in self.session.execute(query)])

    def _with_parts(self, records: list[ContractRecord]) -> list[ContractRecord]:
        """The records with their billing requests and sent notices (two queries per page)."""
        ids = [r.contract.id for r in records]
        if not ids:
            return records
        billed: dict[str, list[RequestedBilling]] = {}
        query = (
            sa.select(contract_billings)
            .where(contract_billings.c.contract_id.in_(ids))
            .order_by(contract_billings.c.period_start)
        )
        for row in self.session.execute(query):
            draft = BillingDraft(
                row.contract_id,
                DraftKind(row.kind),
                row.period_start,
                row.period_end,
                row.period_start,
                Decimal(row.amount),
            )
            billed.setdefault(row.contract_id, []).append(RequestedBilling(draft, aware(row.requested_at)))
        sent: dict[str, list[int]] = {}
        notices = sa.select(contract_notices).where(contract_notices.c.contract_id.in_(ids))
        for row in self.session.execute(notices.order_by(contract_notices.c.days_before.desc())):
            sent.setdefault(row.contract_id, []).append(int(row.days_before))
        return [
            replace(
                r,
                billings=tuple(billed.get(r.contract.id, ())),
                notices_sent=tuple(sent.get(r.contract.id, ())),
            )
            for r in records
        ]

    def renewal_candidates(self, today: dt.date, size: int) -> list[str]:
        """Approved, uncancelled, unrenewed contracts the renewal pass has not looked at today
        and whose expiry it has not announced, those looked at longest ago first (a batch per
        pass)."""
        query = (
            sa.select(contracts.c.id)
            .where(
                contracts.c.approved_on.is_not(None),
                contracts.c.renewed_by == "",
                contracts.c.expiry_announced_at.is_(None),
                sa.or_(contracts.c.cancelled_on.is_(None), contracts.c.cancelled_on > today),
                sa.or_(contracts.c.renewal_checked_on.is_(None), contracts.c.renewal_checked_on < today),
            )
            .order_by(
                contracts.c.renewal_checked_on.is_not(None), contracts.c.renewal_checked_on, contracts.c.id
            )
            .limit(size)
        )
        return [row.id for row in self.session.execute(query)]

    def mark_renewal_checked(self, id: str, today: dt.date | None) -> None:
        """Sets the renewal pass's last look (None: look again at the next pass)."""
        self.session.execute(
            sa.update(contracts).where(contracts.c.id == id).values(renewal_checked_on=today)
        )

    def claim_expiry(self, id: str, now: dt.datetime) -> bool:
        """Marks the contract's expiry announced unless it was; True when this transaction did
        (a conditional update: a second scheduler or a restart finds it set)."""
        done = self.session.execute(
            sa.update(contracts)
            .where(contracts.c.id == id, contracts.c.expiry_announced_at.is_(None))
            .values(expiry_announced_at=now)
        )
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]

    def _claim(self, table: sa.Table, values: dict[str, Any], keys: list[str]) -> bool:
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(table)
            .values(**values)
            .on_conflict_do_nothing(index_elements=keys)
            .returning(table.c[keys[0]])
        )
        return self.session.execute(statement).first() is not None

    def claim_billing(self, draft: BillingDraft, currency: str, now: dt.datetime) -> bool:
        """Records the billing request of `draft` unless it is there already (another pass or
        replica made it); True when this transaction claimed it."""
        values = {
            "key": draft.key,
            "contract_id": draft.contract_id,
            "kind": draft.kind.value,
            "period_start": draft.period_start,
            "period_end": draft.period_end,
            "amount": str(draft.amount),
            "currency": currency,
            "requested_at": now,
        }
        return self._claim(contract_billings, values, ["key"])

    def claim_notice(self, notice: RenewalNotice, now: dt.datetime) -> bool:
        """Records a renewal notice unless it was sent; True when this transaction claimed it."""
        values = {
            "contract_id": notice.contract_id,
            "days_before": notice.days_before,
            "due_on": notice.due_on,
            "sent_at": now,
        }
        return self._claim(contract_notices, values, ["contract_id", "days_before"])

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
            term_billed_upfront=row.term_billed_upfront,
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
            row.submitted_revision,
            row.approval_request_id,
            row.decision_reason,
        )
