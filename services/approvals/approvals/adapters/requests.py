"""Approval requests in the database: read whole (under a row lock when writing), saved whole
with an optimistic version check, and indexed by who may decide them now (approver_queue)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chassis.errors import Conflict
from sqlalchemy import Row, and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from approvals.adapters import codec
from approvals.adapters.tables import approver_queue, requests
from approvals.domain.model import ApprovalRequest, RequestStatus, RequestType

t = requests


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back; every stored time is UTC."""
    return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)


def _request_of(row: Row[tuple[object, ...]]) -> ApprovalRequest:
    m = row._mapping
    return ApprovalRequest(
        id=m["id"],
        request_type=RequestType(m["request_type"]),
        subject_type=m["subject_type"],
        subject_id=m["subject_id"],
        revision=m["revision"],
        round=m["round"],
        requester_id=m["requester_id"],
        team_id=m["team_id"],
        snapshot=codec.snapshot_of(m["snapshot"]),
        status=RequestStatus(m["status"]),
        policy_id=m["policy_id"],
        policy_name=m["policy_name"],
        steps=codec.steps_of(m["steps"]),
        decided_by=m["decided_by"],
        reason=m["reason"],
        created_at=_aware(m["created_at"]),
        decided_at=_aware(m["decided_at"]),
        version=m["version"],
    )


def _values(r: ApprovalRequest) -> dict[str, object]:
    current = r.current
    return {
        "status": r.status.value,
        "policy_id": r.policy_id,
        "policy_name": r.policy_name,
        "steps": codec.steps_json(r.steps),
        "decided_by": r.decided_by,
        "reason": r.reason,
        "due_at": current.due_at if current is not None and r.status is RequestStatus.PENDING else None,
        "decided_at": r.decided_at,
        "version": r.version,
    }


@dataclass(frozen=True)
class PendingFilter:
    request_type: RequestType | None = None
    query: str = ""


class RequestRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, request_id: str, *, lock: bool = False) -> ApprovalRequest | None:
        query = select(t).where(t.c.id == request_id)
        if lock:
            query = query.with_for_update()
        row = self.session.execute(query).first()
        return None if row is None else _request_of(row)

    def by_subject(self, subject_type: str, subject_id: str, revision: int) -> ApprovalRequest | None:
        row = self.session.execute(
            select(t).where(
                t.c.subject_type == subject_type, t.c.subject_id == subject_id, t.c.revision == revision
            )
        ).first()
        return None if row is None else _request_of(row)

    def of_subject(self, subject_type: str, subject_id: str) -> list[ApprovalRequest]:
        rows = self.session.execute(
            select(t)
            .where(t.c.subject_type == subject_type, t.c.subject_id == subject_id)
            .order_by(t.c.round)
        )
        return [_request_of(row) for row in rows]

    def add(self, r: ApprovalRequest) -> None:
        self.session.execute(
            insert(t).values(
                id=r.id,
                request_type=r.request_type.value,
                subject_type=r.subject_type,
                subject_id=r.subject_id,
                revision=r.revision,
                round=r.round,
                requester_id=r.requester_id,
                team_id=r.team_id,
                title=r.snapshot.title[:255],
                customer_name=r.snapshot.customer_name[:255],
                snapshot=codec.snapshot_json(r.snapshot),
                created_at=r.created_at,
                **_values(r),
            )
        )
        self._index(r)

    def save(self, r: ApprovalRequest, read_version: int) -> None:
        """Writes the changed request; Conflict when someone changed it since it was read."""
        result = self.session.execute(
            update(t).where(t.c.id == r.id, t.c.version == read_version).values(**_values(r))
        )
        if getattr(result, "rowcount", 0) != 1:
            raise Conflict(f"request {r.id} was changed meanwhile; read it again")
        self._index(r)

    def _index(self, r: ApprovalRequest) -> None:
        self.session.execute(delete(approver_queue).where(approver_queue.c.request_id == r.id))
        waiting = r.waiting_for()
        if waiting:
            self.session.execute(
                insert(approver_queue),
                [
                    {
                        "user_id": u,
                        "request_id": r.id,
                        "request_type": r.request_type.value,
                        "created_at": r.created_at,
                    }
                    for u in waiting
                ],
            )

    def pending_for(
        self, user_id: str, where: PendingFilter, offset: int, limit: int
    ) -> tuple[list[ApprovalRequest], int]:
        """Requests whose pending step `user_id` may decide, oldest first, and their count."""
        q = approver_queue
        conditions = [q.c.user_id == user_id]
        if where.request_type is not None:
            conditions.append(q.c.request_type == where.request_type.value)
        if where.query.strip():
            like = f"%{where.query.strip().lower()}%"
            conditions.append(or_(func.lower(t.c.title).like(like), func.lower(t.c.customer_name).like(like)))
        joined = q.join(t, t.c.id == q.c.request_id)
        total = self.session.execute(
            select(func.count()).select_from(joined).where(and_(*conditions))
        ).scalar_one()
        rows = self.session.execute(
            select(t)
            .select_from(joined)
            .where(and_(*conditions))
            .order_by(q.c.created_at, q.c.request_id)
            .offset(offset)
            .limit(limit)
        )
        return [_request_of(row) for row in rows], int(total)

    def overdue_ids(self, now: dt.datetime, limit: int = 100) -> list[str]:
        rows = self.session.execute(
            select(t.c.id)
            .where(t.c.status == RequestStatus.PENDING.value, t.c.due_at.is_not(None), t.c.due_at <= now)
            .order_by(t.c.due_at)
            .limit(limit)
        )
        return [row.id for row in rows]

    def pending_counts(self) -> dict[str, int]:
        rows = self.session.execute(
            select(t.c.request_type, func.count())
            .where(t.c.status == RequestStatus.PENDING.value)
            .group_by(t.c.request_type)
        )
        return {row[0]: int(row[1]) for row in rows}
