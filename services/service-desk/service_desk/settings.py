"""The service desk's settings, read from environment variables here and nowhere else.

Defaults serve a laptop run: SQLite under VAR_DIR, gRPC on 127.0.0.1:50066, ops HTTP on 9466.
"""

from __future__ import annotations

from chassis.mail import MailSettings
from chassis.settings import ServiceSettings
from pydantic import Field


class ServiceDeskSettings(ServiceSettings, MailSettings):
    """Variable names are the field names in upper case (GRPC_PORT, SLA_CHECK_SECONDS, ...)."""

    service_name: str = "service-desk"
    grpc_port: int = 50066
    http_port: int = 9466
    # How often the SLA scheduler looks for cases whose warning or breach is due.
    sla_check_seconds: float = Field(default=30.0, gt=0)
    # Cases looked at per scheduler pass (the rest wait for the next pass).
    sla_check_batch_size: int = Field(default=200, gt=0)
    # How often resolved cases nobody answered are looked at, and after how many business days
    # (on the case's calendar) they close themselves.
    auto_close_check_seconds: float = Field(default=300.0, gt=0)
    auto_close_business_days: int = Field(default=4, ge=1)
    # How often the renewal pass looks for renewal notices and billing requests due, and how
    # many contracts it looks at per pass (each contract once a day).
    renewal_check_seconds: float = Field(default=3600.0, gt=0)
    renewal_check_batch_size: int = Field(default=200, gt=0)
    # The zone whose date is "today" for contract status and proration.
    company_time_zone: str = "Asia/Bangkok"
    # Mail (customer replies, satisfaction links, renewal notices, escalation notices) goes
    # through the chassis mail outbox; false keeps it queued but never sent (tests of other parts).
    mail_enabled: bool = True
    # The support mailbox customers write to and that replies come from (Reply-To).
    support_address: str = "support@siamsupply.example"
    # Where links in mail point (the gateway's public address).
    public_base_url: str = "http://127.0.0.1:8080"
    # The inbound SMTP listener (e-mail intake); port 0 keeps it off. Larger mail gets 552.
    inbound_smtp_host: str = "127.0.0.1"
    inbound_smtp_port: int = Field(default=0, ge=0, le=65535)
    inbound_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
