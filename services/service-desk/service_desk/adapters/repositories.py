"""Repositories of the service desk's calendars, SLA policies and cases (contracts: see
`contract_repository`): each aggregate read and written whole as one row, under the row's lock
(`for_update`) and an optimistic version check on write."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from chassis.errors import Conflict
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service_desk.adapters import codec
from service_desk.adapters.tables import (
    calendars,
    case_messages,
    cases,
    sla_escalations,
    sla_policies,
)
from service_desk.domain.calendars import BusinessCalendar
from service_desk.domain.cases import Case, Priority
from service_desk.domain.escalation import EscalationLevel
from service_desk.domain.sla_clocks import ClockKind
from service_desk.domain.sla_policies import SlaPolicy


def aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives timestamps back without their zone; every stored instant is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def aware_or_none(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else aware(value)


@dataclass(frozen=True)
class Stamped:
    """Who changed a calendar or policy last, when, and its version."""

    version: int
    updated_at: dt.datetime
    updated_by: str


@dataclass(frozen=True)
class CaseRecord:
    """A case with what the service keeps beside the domain's case."""

    case: Case
    sla_policy_id: str = ""
    description: str = ""
    customer_group_ids: frozenset[str] = frozenset()
    created_by: str = ""
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class CaseMessage:
    id: str
    case_id: str
    customer_visible: bool
    author_id: str
    body: str
    created_at: dt.datetime
    # "email" for mail in or out, else how it was written ("grpc"); the RFC 5322 Message-ID it
    # came or went with; True for what the customer wrote.
    channel: str = ""
    message_id: str = ""
    from_customer: bool = False


@dataclass(frozen=True)
class CaseFilter:
    status: str = ""
    team_id: str = ""
    assignee_id: str = ""
    customer_id: str = ""


@dataclass(frozen=True)
class Visibility:
    """Which rows a caller may see: all, or those matching any of the listed columns."""

    all: bool = False
    team_ids: frozenset[str] = field(default_factory=frozenset)
    unteamed: bool = False
    user_id: str = ""


def locked(statement: sa.Select[Any], for_update: bool) -> sa.Select[Any]:
    return statement.with_for_update() if for_update else statement


class CalendarRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, calendar: BusinessCalendar, by: str, at: dt.datetime) -> None:
        self.session.execute(
            sa.insert(calendars).values(**self._values(calendar), version=1, updated_at=at, updated_by=by)
        )

    def save(self, calendar: BusinessCalendar, version: int, by: str, at: dt.datetime) -> None:
        done = self.session.execute(
            sa.update(calendars)
            .where(calendars.c.id == calendar.id, calendars.c.version == version)
            .values(**self._values(calendar), version=version + 1, updated_at=at, updated_by=by)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(f"calendar {calendar.id} changed meanwhile")

    @staticmethod
    def _values(calendar: BusinessCalendar) -> dict[str, Any]:
        return {
            "id": calendar.id,
            "name": calendar.name,
            "zone": calendar.zone,
            "windows": codec.windows_json(calendar.windows),
            "holidays": codec.holidays_json(calendar.holidays),
        }

    def get(self, id: str, for_update: bool = False) -> tuple[BusinessCalendar, Stamped] | None:
        row = self.session.execute(
            locked(sa.select(calendars).where(calendars.c.id == id), for_update)
        ).first()
        return None if row is None else self._of(row)

    def page(self, offset: int, size: int) -> list[tuple[BusinessCalendar, Stamped]]:
        query = sa.select(calendars).order_by(calendars.c.name, calendars.c.id).offset(offset).limit(size)
        return [self._of(row) for row in self.session.execute(query)]

    @staticmethod
    def _of(row: Any) -> tuple[BusinessCalendar, Stamped]:
        calendar = BusinessCalendar(
            row.id, row.name, row.zone, codec.windows_of(row.windows), codec.holidays_of(row.holidays)
        )
        return calendar, Stamped(row.version, aware(row.updated_at), row.updated_by)


class PolicyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, policy: SlaPolicy, by: str, at: dt.datetime) -> None:
        self.session.execute(
            sa.insert(sla_policies).values(**self._values(policy), version=1, updated_at=at, updated_by=by)
        )

    def save(self, policy: SlaPolicy, version: int, by: str, at: dt.datetime) -> None:
        done = self.session.execute(
            sa.update(sla_policies)
            .where(sla_policies.c.id == policy.id, sla_policies.c.version == version)
            .values(**self._values(policy), version=version + 1, updated_at=at, updated_by=by)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(f"SLA policy {policy.id} changed meanwhile")

    @staticmethod
    def _values(policy: SlaPolicy) -> dict[str, Any]:
        return {
            "id": policy.id,
            "name": policy.name,
            "position": policy.position,
            "body": codec.policy_body(policy),
        }

    def get(self, id: str, for_update: bool = False) -> tuple[SlaPolicy, Stamped] | None:
        query = locked(sa.select(sla_policies).where(sla_policies.c.id == id), for_update)
        row = self.session.execute(query).first()
        return None if row is None else self._of(row)

    def all(self, offset: int = 0, size: int | None = None) -> list[tuple[SlaPolicy, Stamped]]:
        query = sa.select(sla_policies).order_by(sla_policies.c.position, sla_policies.c.id).offset(offset)
        if size is not None:
            query = query.limit(size)
        return [self._of(row) for row in self.session.execute(query)]

    @staticmethod
    def _of(row: Any) -> tuple[SlaPolicy, Stamped]:
        policy = codec.policy_of(row.id, row.name, row.position, row.body)
        return policy, Stamped(row.version, aware(row.updated_at), row.updated_by)


class CaseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: CaseRecord, next_check_at: dt.datetime | None) -> None:
        self.session.execute(sa.insert(cases).values(**self._values(record), next_check_at=next_check_at))

    def save(self, record: CaseRecord, previous_version: int, next_check_at: dt.datetime | None) -> None:
        done = self.session.execute(
            sa.update(cases)
            .where(cases.c.id == record.case.id, cases.c.version == previous_version)
            .values(**self._values(record), next_check_at=next_check_at)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(f"case {record.case.id} changed meanwhile")

    def set_next_check(self, case_id: str, at: dt.datetime | None) -> None:
        self.session.execute(sa.update(cases).where(cases.c.id == case_id).values(next_check_at=at))

    def recheck_under(self, policy_ids: list[str], now: dt.datetime) -> None:
        """Open cases under changed policies are looked at by the next scheduler pass."""
        if policy_ids:
            self.session.execute(
                sa.update(cases)
                .where(cases.c.sla_policy_id.in_(policy_ids), cases.c.status != "closed")
                .values(next_check_at=now)
            )

    @staticmethod
    def _values(record: CaseRecord) -> dict[str, Any]:
        c = record.case
        return {
            "id": c.id,
            "title": c.title,
            "description": record.description,
            "customer_id": c.customer_id,
            "contact_id": c.contact_id,
            "contract_id": c.contract_id,
            "product_id": c.product_id,
            "serial_number": c.serial_number,
            "priority": c.priority.value,
            "case_type": c.case_type,
            "channel": c.channel,
            "team_id": c.team_id,
            "assignee_id": c.assignee_id,
            "status": c.status.value,
            "history": codec.history_json(c.history),
            "first_response_at": c.first_response_at,
            "flagged_for_lead": c.flagged_for_lead,
            "follow_up_of": c.follow_up_of,
            "sla_policy_id": record.sla_policy_id,
            "customer_group_ids": codec.dumps(sorted(record.customer_group_ids)),
            "created_by": record.created_by,
            "created_at": c.created_at,
            "updated_at": record.updated_at or c.created_at,
            "version": c.version,
            "requester_email": c.requester_email,
            "requester_name": c.requester_name,
            "satisfaction_score": c.satisfaction_score,
        }

    def get(self, id: str, for_update: bool = False) -> CaseRecord | None:
        row = self.session.execute(locked(sa.select(cases).where(cases.c.id == id), for_update)).first()
        return None if row is None else self._of(row)

    def page(self, where: CaseFilter, visible: Visibility, offset: int, size: int) -> list[CaseRecord]:
        query = sa.select(cases)
        for column, value in (
            (cases.c.status, where.status),
            (cases.c.team_id, where.team_id),
            (cases.c.assignee_id, where.assignee_id),
            (cases.c.customer_id, where.customer_id),
        ):
            if value:
                query = query.where(column == value)
        if not visible.all:
            allowed: list[sa.ColumnElement[bool]] = [
                cases.c.assignee_id == visible.user_id,
                cases.c.created_by == visible.user_id,
            ]
            if visible.team_ids:
                allowed.append(cases.c.team_id.in_(sorted(visible.team_ids)))
            if visible.unteamed:
                allowed.append(cases.c.team_id == "")
            query = query.where(sa.or_(*allowed))
        query = query.order_by(cases.c.created_at.desc(), cases.c.id.desc()).offset(offset).limit(size)
        return [self._of(row) for row in self.session.execute(query)]

    def due_for_check(self, now: dt.datetime, limit: int) -> list[str]:
        query = (
            sa.select(cases.c.id)
            .where(cases.c.next_check_at.is_not(None), cases.c.next_check_at <= now)
            .order_by(cases.c.next_check_at)
            .limit(limit)
        )
        return [str(id) for id in self.session.execute(query).scalars()]

    @staticmethod
    def _of(row: Any) -> CaseRecord:
        case = Case(
            id=row.id,
            title=row.title,
            customer_id=row.customer_id,
            created_at=aware(row.created_at),
            history=codec.history_of(row.history),
            priority=Priority(row.priority),
            contact_id=row.contact_id,
            contract_id=row.contract_id,
            product_id=row.product_id,
            serial_number=row.serial_number,
            case_type=row.case_type,
            channel=row.channel,
            team_id=row.team_id,
            assignee_id=row.assignee_id,
            first_response_at=aware_or_none(row.first_response_at),
            flagged_for_lead=row.flagged_for_lead,
            follow_up_of=row.follow_up_of,
            version=row.version,
            requester_email=row.requester_email,
            requester_name=row.requester_name,
            satisfaction_score=row.satisfaction_score,
        )
        return CaseRecord(
            case,
            row.sla_policy_id,
            row.description,
            frozenset(json.loads(row.customer_group_ids)),
            row.created_by,
            aware(row.updated_at),
        )

    # -- messages and fired escalations ------------------------------------------------------

    def add_message(self, message: CaseMessage) -> None:
        self.session.execute(
            sa.insert(case_messages).values(
                id=message.id,
                case_id=message.case_id,
                customer_visible=message.customer_visible,
                author_id=message.author_id,
                body=message.body,
                created_at=message.created_at,
                channel=message.channel,
                message_id=message.message_id,
                from_customer=message.from_customer,
            )
        )

    def messages(self, case_id: str) -> list[CaseMessage]:
        query = (
            sa.select(case_messages)
            .where(case_messages.c.case_id == case_id)
            .order_by(case_messages.c.created_at, case_messages.c.id)
        )
        return [
            CaseMessage(
                r.id,
                r.case_id,
                r.customer_visible,
                r.author_id,
                r.body,
                aware(r.created_at),
                r.channel,
                r.message_id,
                r.from_customer,
            )
            for r in self.session.execute(query)
        ]

    def fired(self, case_id: str) -> dict[ClockKind, frozenset[EscalationLevel]]:
        query = sa.select(sla_escalations.c.clock, sla_escalations.c.level).where(
            sla_escalations.c.case_id == case_id
        )
        found: dict[ClockKind, set[EscalationLevel]] = {kind: set() for kind in ClockKind}
        for clock, level in self.session.execute(query):
            found[ClockKind(clock)].add(EscalationLevel(level))
        return {kind: frozenset(levels) for kind, levels in found.items()}

    def claim_escalation(
        self,
        case_id: str,
        clock: ClockKind,
        level: EscalationLevel,
        reached_at: dt.datetime,
        now: dt.datetime,
    ) -> bool:
        """Records a fired level unless it is there already (a racing scheduler got it first);
        True when this transaction claimed it."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(sla_escalations)
            .values(
                case_id=case_id, clock=clock.value, level=level.value, reached_at=reached_at, fired_at=now
            )
            .on_conflict_do_nothing(index_elements=["case_id", "clock", "level"])
            .returning(sla_escalations.c.case_id)
        )
        return self.session.execute(statement).first() is not None
