"""POST /api/v1/auth/token and /api/v1/auth/revoke. Logins are rate-limited per
(username, IP) and per IP with counters shared by all workers."""

from __future__ import annotations

from chassis.errors import FieldViolation
from flask import Response

from gateway.auth.models import RevokeRequest, TokenRequest, TokenResponse
from gateway.context import client_ip, services
from gateway.problems import validation_problem
from gateway.ratelimit import Limit
from gateway.routing import ApiBlueprint, json_response

api = ApiBlueprint("auth", __name__, tag="auth")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@api.route(
    "POST",
    "/auth/token",
    summary="Issue an access token",
    body=TokenRequest,
    form=True,
    response=TokenResponse,
    public=True,
)
def issue_token(body: TokenRequest) -> Response:
    """Password grant (username = e-mail) or refresh-token grant. Refresh tokens rotate: each
    is good once, and presenting a spent one revokes every token issued from that login."""
    ctx = services()
    settings = ctx.settings
    missing = body.missing_fields()
    if missing:
        raise validation_problem(
            [FieldViolation(name, f"is required for grant_type {body.grant_type}") for name in missing]
        )
    ip = client_ip()
    window = settings.login_rate_window_seconds
    per_ip = Limit("login-ip", settings.login_rate_per_ip, window)
    if body.grant_type == "password":
        username, password = str(body.username), str(body.password)
        per_user = Limit("login-user-ip", settings.login_rate_per_user_ip, window)
        ctx.limiter.hit([(per_user, f"{username.strip().lower()}|{ip}"), (per_ip, ip)])
        pair = ctx.tokens.password_grant(username, password)
    else:
        ctx.limiter.hit([(per_ip, ip)])
        pair = ctx.tokens.refresh_grant(str(body.refresh_token))
    token = TokenResponse(
        access_token=pair.access_token, expires_in=pair.expires_in, refresh_token=pair.refresh_token
    )
    return json_response(token, headers=NO_STORE)


@api.route(
    "POST", "/auth/revoke", summary="Revoke a refresh token", body=RevokeRequest, form=True, public=True
)
def revoke_token(body: RevokeRequest) -> Response:
    """Logs out: the refresh token and every token rotated from the same login stop working.
    Unknown tokens are not an error (RFC 7009)."""
    services().tokens.revoke(body.token)
    return json_response({}, headers=NO_STORE)
