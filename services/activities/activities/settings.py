"""The activities service's settings, read from environment variables here and nowhere else.

Defaults serve a laptop run: SQLite under VAR_DIR, gRPC on 127.0.0.1:50065, ops HTTP on 9465,
mail to the local sink of `make run` (SMTP_* and MAIL_* from chassis.mail.MailSettings).
"""

from __future__ import annotations

from typing import Literal

from chassis.mail import MailSettings
from chassis.settings import ServiceSettings
from pydantic import Field


class ActivitiesSettings(ServiceSettings, MailSettings):
    """Variable names are the field names in upper case (DEFAULT_TIME_ZONE, REMINDER_POLL_SECONDS, ...)."""

    service_name: str = "activities"
    grpc_port: int = 50065
    http_port: int = 9465

    # The zone of users who have not set theirs (tasks' "today", calendar pages, mail times).
    default_time_zone: str = "Asia/Bangkok"
    # Check-in of teams without a policy of their own: off | soft | hard, and the radius.
    checkin_default_mode: Literal["off", "soft", "hard"] = "soft"
    checkin_default_radius_m: int = Field(default=200, ge=10, le=100_000)
    # How often the scheduler looks for due reminders (they go out within a minute).
    reminder_poll_seconds: float = Field(default=10.0, gt=0)
    reminder_batch_size: int = Field(default=100, ge=1)
    # Reminders are planned this many days ahead; recurring series are topped up every
    # REMINDER_TOP_UP_SECONDS.
    reminder_horizon_days: int = Field(default=35, ge=1, le=366)
    reminder_top_up_seconds: float = Field(default=3600.0, gt=0)
    # Run the reminder scheduler and mail dispatcher in this process.
    scheduler_enabled: bool = True
    # iCalendar feeds cover this many days back and ahead.
    feed_days_back: int = Field(default=30, ge=0)
    feed_days_ahead: int = Field(default=180, ge=1)
    # Date-based customer mail: planned this many hours ahead every DATE_MAIL_PLAN_SECONDS;
    # a send more than DATE_MAIL_GRACE_HOURS late (after an outage) is skipped.
    date_mail_horizon_hours: int = Field(default=48, ge=1, le=24 * 31)
    date_mail_grace_hours: int = Field(default=12, ge=0, le=24 * 7)
    date_mail_plan_seconds: float = Field(default=60.0, gt=0)
    # The gateway's public address, for feed URLs and links in reminder mail.
    public_base_url: str = "http://127.0.0.1:8080"
