"""Authentication use cases: the password and refresh-token grants, revocation, and turning
a bearer token into the caller that services see. One transaction per use case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from chassis.db import Database
from chassis.errors import Unauthenticated
from chassis.identity import Caller
from sqlalchemy.orm import Session

from gateway.adapters.refresh_tokens import RefreshTokenRepository
from gateway.adapters.repositories import TeamRepository, UserRecord, UserRepository
from gateway.auth.active_users import ActiveUsers
from gateway.auth.jwt_tokens import AccessTokenCodec, TokenRejectedError
from gateway.auth.passwords import PasswordHashing
from gateway.domain.hierarchy import visible_team_ids

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str
    token_type: str = field(default="Bearer")


class InvalidGrant(Unauthenticated):
    """Wrong username or password, or a refresh token that is unknown, spent, expired or revoked."""


@dataclass
class TokenService:
    database: Database
    codec: AccessTokenCodec
    hashing: PasswordHashing
    refresh_ttl: timedelta
    active_users: ActiveUsers
    clock: Clock = utc_now

    def password_grant(self, username: str, password: str) -> TokenPair:
        """Logs a user in. Unknown users cost the same hashing time as wrong passwords. The
        hash is checked outside the write transaction, so slow hashing holds no lock."""
        now = self.clock()
        with self.database.read() as session:
            found = UserRepository(session).get_by_email(username.strip())
        stored = found.password_hash if found is not None and found.active else None
        result = self.hashing.verify(stored, password)
        if found is None or not result.ok:
            raise InvalidGrant("invalid username or password")
        with self.database.transaction() as session:
            users = UserRepository(session)
            user = users.get(found.id)
            if user is None or not user.active:
                raise InvalidGrant("invalid username or password")
            if result.new_hash is not None and user.password_hash == found.password_hash:
                users.set_password_hash(user.id, result.new_hash, now)
            refresh = RefreshTokenRepository(session).issue(
                user_id=user.id, family_id=None, now=now, ttl=self.refresh_ttl
            )
            return self._pair(session, user, refresh, now)

    def refresh_grant(self, refresh_token: str) -> TokenPair:
        """Rotates a refresh token. A spent token presented again revokes its whole family;
        that revocation is committed even though the request fails."""
        now = self.clock()
        with self.database.transaction() as session:
            tokens = RefreshTokenRepository(session)
            record = tokens.find(refresh_token)
            if record is None or record.revoked_at is not None:
                raise InvalidGrant("the refresh token is not valid")
            user = UserRepository(session).get(record.user_id)
            if tokens.spend(record.id, now) and record.expires_at > now and user is not None and user.active:
                refresh = tokens.issue(
                    user_id=user.id, family_id=record.family_id, now=now, ttl=self.refresh_ttl
                )
                return self._pair(session, user, refresh, now)
            tokens.revoke_family(record.family_id, now)
        raise InvalidGrant("the refresh token is not valid")

    def revoke(self, refresh_token: str) -> None:
        """RFC 7009: revoking an unknown token is not an error; a known one ends its family."""
        now = self.clock()
        with self.database.transaction() as session:
            tokens = RefreshTokenRepository(session)
            record = tokens.find(refresh_token)
            if record is not None:
                tokens.revoke_family(record.family_id, now)

    def authenticate(self, bearer_token: str) -> Caller:
        """The caller of a request; the user must still be active (deactivation takes effect
        within ACTIVE_USER_CACHE_SECONDS, at once in the worker that deactivated, not when the
        access token expires). Roles and teams come from the signed token."""
        try:
            claims = self.codec.verify(bearer_token)
        except TokenRejectedError as error:
            raise Unauthenticated(f"the access token is not valid ({error})") from None
        if not self.active_users.is_active(claims.subject):
            raise Unauthenticated("the user of this token is not active")
        return Caller(user_id=claims.subject, roles=claims.roles, team_ids=claims.team_ids)

    def _pair(self, session: Session, user: UserRecord, refresh: str, now: datetime) -> TokenPair:
        team_ids = visible_team_ids(user.id, user.team_ids, TeamRepository(session).nodes())
        access, claims = self.codec.issue(
            user_id=user.id, roles=list(user.roles), team_ids=sorted(team_ids), now=now
        )
        expires_in = int((claims.expires_at - claims.issued_at).total_seconds())
        return TokenPair(access_token=access, expires_in=expires_in, refresh_token=refresh)
