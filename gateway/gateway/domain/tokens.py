"""Access-token claims: what a token says about its holder, and the rules a decoded token
must pass beyond its signature (type, subject, roles). Signing and decoding live in
gateway.auth.jwt_tokens; this module decides what goes in and what is accepted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from .roles import USER_ROLES

ACCESS_TYP = "access"
# Claims a decoder must insist on; a token without any of them is refused.
REQUIRED_CLAIMS: tuple[str, ...] = ("sub", "roles", "team_ids", "iss", "aud", "exp", "iat", "jti", "typ")


class InvalidClaimsError(ValueError):
    """The token is well-signed but does not say what an access token must say."""


@dataclass(frozen=True)
class AccessClaims:
    """The holder of an access token: user id, roles and the teams whose records they see."""

    subject: str
    roles: frozenset[str]
    team_ids: frozenset[str]
    token_id: str
    issued_at: datetime
    expires_at: datetime

    def to_claims(self, *, issuer: str, audience: str) -> dict[str, object]:
        return {
            "sub": self.subject,
            "roles": sorted(self.roles),
            "team_ids": sorted(self.team_ids),
            "iss": issuer,
            "aud": audience,
            "iat": int(self.issued_at.timestamp()),
            "exp": int(self.expires_at.timestamp()),
            "jti": self.token_id,
            "typ": ACCESS_TYP,
        }


def new_access_claims(
    *,
    user_id: str,
    roles: Iterable[str],
    team_ids: Iterable[str],
    token_id: str,
    now: datetime,
    ttl: timedelta,
) -> AccessClaims:
    """Claims for a token issued now; the lifetime is short because roles can change."""
    if not user_id:
        raise InvalidClaimsError("a token needs a subject")
    if ttl <= timedelta(0):
        raise InvalidClaimsError("a token must expire after it is issued")
    return AccessClaims(user_id, frozenset(roles), frozenset(team_ids), token_id, now, now + ttl)


def claims_from_decoded(decoded: Mapping[str, object]) -> AccessClaims:
    """Checks a signature-verified payload and returns its claims; refuses refresh or other
    token types, missing subjects and roles nobody can hold."""
    missing = [name for name in REQUIRED_CLAIMS if name not in decoded]
    if missing:
        raise InvalidClaimsError(f"missing claims: {', '.join(missing)}")
    if decoded["typ"] != ACCESS_TYP:
        raise InvalidClaimsError("not an access token")
    subject = decoded["sub"]
    if not isinstance(subject, str) or not subject:
        raise InvalidClaimsError("the subject must be a non-empty string")
    roles = _string_list(decoded["roles"], "roles")
    unknown = [role for role in roles if role not in USER_ROLES]
    if unknown:
        raise InvalidClaimsError(f"unknown roles: {', '.join(unknown)}")
    team_ids = _string_list(decoded["team_ids"], "team_ids")
    issued = _timestamp(decoded["iat"], "iat")
    expires = _timestamp(decoded["exp"], "exp")
    return AccessClaims(subject, frozenset(roles), frozenset(team_ids), str(decoded["jti"]), issued, expires)


def _string_list(value: object, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidClaimsError(f"{name} must be a list of strings")
    return [str(item) for item in value]


def _timestamp(value: object, name: str) -> datetime:
    from datetime import UTC

    if not isinstance(value, int | float) or isinstance(value, bool):
        raise InvalidClaimsError(f"{name} must be a number")
    return datetime.fromtimestamp(value, tz=UTC)
