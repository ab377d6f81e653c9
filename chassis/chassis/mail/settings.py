"""SMTP and mail-outbox settings, mixed into a service's settings:

    class ApprovalsSettings(ServiceSettings, MailSettings): ...

Variable names are the field names in upper case (SMTP_HOST, MAIL_FROM, ...). Defaults serve
a laptop run against the local mail sink of `make run`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class MailSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=1025, ge=1, le=65535)
    # none: plain SMTP (a local sink); starttls: upgrade on port 587; tls: implicit TLS (465).
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    mail_from: str = "CRM <no-reply@crm.local>"
    # Attempts for a temporary failure (connection refused, 4xx) before the mail is failed.
    mail_max_attempts: int = Field(default=10, ge=1)
    # First retry delay; doubles per attempt (with jitter) up to mail_max_backoff_seconds.
    mail_backoff_seconds: float = Field(default=5.0, gt=0)
    mail_max_backoff_seconds: float = Field(default=900.0, gt=0)
    # How often the dispatcher looks for due mail when no commit woke it.
    mail_poll_seconds: float = Field(default=2.0, gt=0)
    mail_batch_size: int = Field(default=20, ge=1)
    # A claimed row not marked within this time is retried (its sender died mid-send).
    mail_claim_seconds: float = Field(default=300.0, gt=0)
