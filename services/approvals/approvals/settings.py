"""The approvals service's settings, read from environment variables here and nowhere else.

Defaults serve a laptop run: SQLite under VAR_DIR, gRPC on 127.0.0.1:50063, ops HTTP on 9463,
mail to the local sink of `make run` (SMTP 127.0.0.1:1025), links to the gateway on :8080.
"""

from __future__ import annotations

from chassis.mail import MailSettings
from chassis.settings import ServiceSettings
from pydantic import Field


class ApprovalsSettings(ServiceSettings, MailSettings):
    """Variable names are the field names in upper case (GRPC_PORT, SMTP_HOST, PUBLIC_BASE_URL, ...)."""

    service_name: str = "approvals"
    grpc_port: int = 50063
    http_port: int = 9463
    # Where approve/reject links and request links in mail point (the gateway's public URL).
    public_base_url: str = "http://127.0.0.1:8080"
    # How long a link in an approval mail works.
    action_link_ttl_seconds: int = Field(default=7 * 24 * 3600, gt=0)
    # How often overdue steps are looked for (escalation) and the pending gauge refreshed.
    escalation_check_seconds: float = Field(default=60.0, gt=0)
    # Send mail (off only for tools that must not).
    mail_enabled: bool = True
