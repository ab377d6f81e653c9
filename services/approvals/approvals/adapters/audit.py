"""The audit trail of requests (who, what, when, from where) and the action links of mail."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from approvals.adapters.tables import action_links, history
from approvals.domain.links import ActionLink
from approvals.domain.model import Decision


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Origin:
    """Where a command came from: web (gateway), email_link, grpc, event or system."""

    channel: str = "grpc"
    client_ip: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    id: str
    request_id: str
    action: str
    actor_id: str
    on_behalf_of: str
    step_index: int
    reason: str
    channel: str
    client_ip: str
    user_agent: str
    details: str
    occurred_at: dt.datetime


class AuditTrail:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        request_id: str,
        action: str,
        actor_id: str,
        origin: Origin,
        now: dt.datetime,
        *,
        on_behalf_of: str = "",
        step_index: int = -1,
        reason: str = "",
        details: str = "",
    ) -> None:
        seq = self.session.execute(
            select(func.coalesce(func.max(history.c.seq), 0)).where(history.c.request_id == request_id)
        ).scalar_one()
        self.session.execute(
            insert(history).values(
                id=f"his_{uuid.uuid4().hex}",
                request_id=request_id,
                seq=int(seq) + 1,
                action=action,
                actor_id=actor_id,
                on_behalf_of=on_behalf_of,
                step_index=step_index,
                reason=reason,
                channel=origin.channel,
                client_ip=origin.client_ip[:64],
                user_agent=origin.user_agent[:255],
                details=details,
                occurred_at=now,
            )
        )

    def of(self, request_id: str) -> list[HistoryEntry]:
        rows = self.session.execute(
            select(history).where(history.c.request_id == request_id).order_by(history.c.seq)
        )
        return [
            HistoryEntry(
                id=r.id,
                request_id=r.request_id,
                action=r.action,
                actor_id=r.actor_id,
                on_behalf_of=r.on_behalf_of,
                step_index=r.step_index,
                reason=r.reason,
                channel=r.channel,
                client_ip=r.client_ip,
                user_agent=r.user_agent,
                details=r.details,
                occurred_at=_aware(r.occurred_at),
            )
            for r in rows
        ]


class ActionLinks:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, link: ActionLink, now: dt.datetime) -> None:
        self.session.execute(
            insert(action_links).values(
                token_hash=link.token_hash,
                request_id=link.request_id,
                step_index=link.step_index,
                actor_id=link.actor_id,
                action=link.action.value,
                expires_at=link.expires_at,
                created_at=now,
            )
        )

    def get(self, token_hash: str, *, lock: bool = False) -> ActionLink | None:
        query = select(action_links).where(action_links.c.token_hash == token_hash)
        if lock:
            query = query.with_for_update()
        row = self.session.execute(query).first()
        if row is None:
            return None
        return ActionLink(
            token_hash=row.token_hash,
            request_id=row.request_id,
            step_index=row.step_index,
            actor_id=row.actor_id,
            action=Decision(row.action),
            expires_at=_aware(row.expires_at),
            used_at=None if row.used_at is None else _aware(row.used_at),
        )

    def use(self, token_hash: str, now: dt.datetime) -> bool:
        """Marks the link used; False when another use got there first (single use)."""
        result = self.session.execute(
            update(action_links)
            .where(action_links.c.token_hash == token_hash, action_links.c.used_at.is_(None))
            .values(used_at=now)
        )
        return getattr(result, "rowcount", 0) == 1
