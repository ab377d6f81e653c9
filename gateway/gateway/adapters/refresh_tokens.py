"""Refresh tokens: opaque random strings, stored only as SHA-256 hashes.

Each use spends a token and issues the next one in the same family (rotation). Spending is
one conditional UPDATE, so two requests racing with the same token cannot both win; the
loser is treated as reuse and the whole family is revoked (a stolen token stops working
for the thief and for the victim, who must log in again).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import CursorResult
from sqlalchemy.orm import Session

from gateway.adapters.repositories import aware
from gateway.adapters.tables import refresh_tokens


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class RefreshTokenRecord:
    id: str
    family_id: str
    user_id: str
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


class RefreshTokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def issue(self, *, user_id: str, family_id: str | None, now: datetime, ttl: timedelta) -> str:
        """Stores a new token and returns it in clear (the only time it exists in clear)."""
        token = secrets.token_urlsafe(32)
        self.session.execute(
            refresh_tokens.insert().values(
                id=str(uuid.uuid4()),
                family_id=family_id or str(uuid.uuid4()),
                user_id=user_id,
                token_hash=hash_token(token),
                created_at=now,
                expires_at=now + ttl,
            )
        )
        return token

    def find(self, token: str) -> RefreshTokenRecord | None:
        row = (
            self.session.execute(
                sa.select(refresh_tokens).where(refresh_tokens.c.token_hash == hash_token(token))
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return RefreshTokenRecord(
            id=row["id"],
            family_id=row["family_id"],
            user_id=row["user_id"],
            expires_at=aware(row["expires_at"]),
            used_at=row["used_at"],
            revoked_at=row["revoked_at"],
        )

    def spend(self, token_id: str, now: datetime) -> bool:
        """Marks the token used; False when it was used or revoked already (reuse)."""
        result = self.session.execute(
            refresh_tokens.update()
            .where(
                refresh_tokens.c.id == token_id,
                refresh_tokens.c.used_at.is_(None),
                refresh_tokens.c.revoked_at.is_(None),
            )
            .values(used_at=now)
        )
        return cast(CursorResult[Any], result).rowcount == 1

    def revoke_family(self, family_id: str, now: datetime) -> None:
        self.session.execute(
            refresh_tokens.update()
            .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def revoke_user(self, user_id: str, now: datetime) -> None:
        self.session.execute(
            refresh_tokens.update()
            .where(refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
