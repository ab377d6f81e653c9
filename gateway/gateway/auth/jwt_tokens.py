"""Signing and verifying access tokens (PyJWT, HS256).

The algorithm is pinned on decode (a token saying `alg: none` or RS256 is refused), and
`exp`, `iat`, `iss`, `aud` are required and checked; the claim rules beyond the signature
(token type, subject, roles) are the domain's (gateway.domain.tokens).

A client sends the same access token on every request until it expires, so each process
remembers the claims of tokens it has verified, keyed by the exact token text (the same bytes
verify the same way), until the token's `exp` (plus leeway) passes; decoding and the HMAC were
~0.3 ms of every request.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import jwt

from gateway.domain.tokens import (
    REQUIRED_CLAIMS,
    AccessClaims,
    InvalidClaimsError,
    claims_from_decoded,
    new_access_claims,
)

ALGORITHM = "HS256"
# Upper bound on remembered tokens per process; the memory is cleared when it is reached.
MAX_VERIFIED = 10_000


class TokenRejectedError(Exception):
    """The bearer token is not a valid access token; the message says why (for logs)."""


@dataclass(frozen=True)
class AccessTokenCodec:
    secret: str
    issuer: str
    audience: str
    ttl: timedelta
    # Clock skew tolerated between gateway replicas.
    leeway_seconds: int = 10
    # token text -> (claims, time.time() after which the token is expired).
    _verified: dict[str, tuple[AccessClaims, float]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def issue(
        self, *, user_id: str, roles: list[str], team_ids: list[str], now: datetime
    ) -> tuple[str, AccessClaims]:
        claims = new_access_claims(
            user_id=user_id, roles=roles, team_ids=team_ids, token_id=str(uuid.uuid4()), now=now, ttl=self.ttl
        )
        token = jwt.encode(
            claims.to_claims(issuer=self.issuer, audience=self.audience), self.secret, algorithm=ALGORITHM
        )
        return token, claims

    def verify(self, token: str) -> AccessClaims:
        """The claims of a valid access token; raises TokenRejectedError otherwise."""
        remembered = self._verified.get(token)
        if remembered is not None:
            if time.time() <= remembered[1]:
                return remembered[0]
            self._verified.pop(token, None)  # expired: the full check below says so
        claims = self._verify(token)
        if len(self._verified) >= MAX_VERIFIED:
            self._verified.clear()
        self._verified[token] = (claims, claims.expires_at.timestamp() + self.leeway_seconds)
        return claims

    def _verify(self, token: str) -> AccessClaims:
        try:
            decoded = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_seconds,
                options={
                    "require": list(REQUIRED_CLAIMS),
                    "verify_signature": True,
                    "verify_exp": True,
                    "verify_iat": True,
                    "verify_aud": True,
                    "verify_iss": True,
                },
            )
        except jwt.PyJWTError as error:
            raise TokenRejectedError(f"{error.__class__.__name__}: {error}") from None
        try:
            return claims_from_decoded(decoded)
        except InvalidClaimsError as error:
            raise TokenRejectedError(str(error)) from None
