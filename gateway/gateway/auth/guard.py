"""The bearer-token guard on /api/v1: every route needs `Authorization: Bearer <jwt>` except
the public ones (token endpoints, web-form intake, the OpenAPI document). The caller is put
where the gRPC client finds it (chassis.identity.set_caller) for the rest of the request."""

from __future__ import annotations

from chassis.errors import Unauthenticated
from chassis.identity import reset_caller, set_caller
from flask import Flask, g, request

from gateway.context import services
from gateway.problems import ProblemError
from gateway.routing import public_endpoints

API_PREFIX = "/api/v1/"
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="crm"'}


def install_guard(app: Flask) -> None:
    public = public_endpoints() | {"openapi.spec"}

    @app.before_request
    def authenticate() -> None:
        g.caller = None
        if not request.path.startswith(API_PREFIX) or request.endpoint in public:
            return
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ProblemError(
                401, "send Authorization: Bearer <access token>", slug="unauthenticated", headers=CHALLENGE
            )
        try:
            caller = services().tokens.authenticate(token.strip())
        except Unauthenticated as error:
            raise ProblemError(
                401,
                error.message,
                slug="unauthenticated",
                headers={"WWW-Authenticate": 'Bearer realm="crm", error="invalid_token"'},
            ) from None
        g.caller = caller
        g.caller_token = set_caller(caller)

    @app.teardown_request
    def forget_caller(_error: BaseException | None) -> None:
        token = g.pop("caller_token", None)
        if token is not None:
            reset_caller(token)
