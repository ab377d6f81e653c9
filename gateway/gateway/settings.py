"""The gateway's settings, read from environment variables here and nowhere else.

Defaults serve a laptop run: SQLite under VAR_DIR, contacts on 127.0.0.1:50061, HTTP on 8080.
Production sets JWT_SECRET (at least 32 characters), DATABASE_URL and REDIS_URL from Secrets.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from chassis.settings import ServiceSettings
from pydantic import Field, field_validator

MIN_SECRET_LENGTH = 32


class GatewaySettings(ServiceSettings):
    """Variable names are the field names in upper case (JWT_SECRET, CONTACTS_TARGET, ...)."""

    service_name: str = "gateway"
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    gunicorn_workers: int = 2
    # Run migrations in gunicorn's master before it forks the workers.
    migrate_on_start: bool = True

    # HS256 signing key; empty = a random key kept in VAR_DIR/gateway-jwt-secret (laptop runs).
    jwt_secret: str = ""
    jwt_issuer: str = "crm-gateway"
    jwt_audience: str = "crm-api"
    access_token_ttl_seconds: int = Field(default=15 * 60, gt=0)
    refresh_token_ttl_seconds: int = Field(default=14 * 24 * 3600, gt=0)
    # How long a worker trusts that a token's user is still active before reading the database
    # again; a deactivation is seen at once by the worker that made it, by others within this.
    active_user_cache_seconds: float = Field(default=2.0, ge=0)

    # Argon2id parameters (OWASP minimum m=19 MiB, t=2, p=1; argon2-cffi's defaults are stronger).
    argon2_time_cost: int = Field(default=3, ge=2)
    argon2_memory_kib: int = Field(default=65536, ge=19 * 1024)
    argon2_parallelism: int = Field(default=4, ge=1)

    # Login attempts per fixed window, per (username, IP) and per IP.
    login_rate_per_user_ip: int = 5
    login_rate_per_ip: int = 20
    login_rate_window_seconds: int = 60
    # Public web-form submissions per IP per window.
    public_form_rate_per_ip: int = 10
    # Shared counter store for the gunicorn workers; empty = the gateway database.
    redis_url: str = ""
    # Set by gunicorn.conf.py when several workers share /metrics.
    prometheus_multiproc_dir: str = ""
    # Proxies in front that set X-Forwarded-For (0 = trust the socket address only).
    trusted_proxy_count: int = 0

    contacts_target: str = "127.0.0.1:50061"
    pricing_target: str = "127.0.0.1:50062"
    approvals_target: str = "127.0.0.1:50063"
    activities_target: str = "127.0.0.1:50065"
    sales_docs_target: str = "127.0.0.1:50064"
    service_desk_target: str = "127.0.0.1:50066"
    # Deadline of every gRPC call made for a request, in seconds.
    grpc_timeout_seconds: float = 5.0
    # Long-running calls (CSV import streams).
    grpc_import_timeout_seconds: float = 300.0
    # CSV uploads: the contacts service receives at most 4 MiB per message.
    import_max_bytes: int = 4 * 1024 * 1024 - 64 * 1024

    # The first admin, created at start when no user has this e-mail.
    admin_email: str = ""
    admin_password: str = ""

    # Public lead intake: form key -> description; only listed keys are accepted.
    lead_form_keys: dict[str, str] = Field(default_factory=lambda: {"website": "Company website"})
    # Idempotency keys are kept this long; an unfinished one is taken over after the lock time.
    idempotency_ttl_seconds: int = 24 * 3600
    idempotency_lock_seconds: int = 60

    @field_validator("jwt_secret")
    @classmethod
    def _secret_long_enough(cls, value: str) -> str:
        if value and len(value) < MIN_SECRET_LENGTH:
            raise ValueError(f"JWT_SECRET must have at least {MIN_SECRET_LENGTH} characters")
        return value

    def signing_secret(self) -> str:
        """JWT_SECRET, or a random secret shared by all workers through a file under VAR_DIR."""
        if self.jwt_secret:
            return self.jwt_secret
        path = self.var_dir / "gateway-jwt-secret"
        return _read_or_create_secret(path)


def _read_or_create_secret(path: Path) -> str:
    """Creates the file atomically (write a temporary file, then link it into place), so a
    worker never reads a half-written secret and all workers agree on one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()
