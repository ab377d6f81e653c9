"""Signing and verifying access tokens (PyJWT, HS256).

The algorithm is pinned on decode (a token saying `alg: none` or RS256 is refused), and
`exp`, `iat`, `iss`, `aud` are required and checked; the claim rules beyond the signature
(token type, subject, roles) are the domain's (gateway.domain.tokens).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
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
