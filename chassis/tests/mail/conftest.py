"""Fixtures: a real SMTP server (aiosmtpd) on a free port, a database with the mail tables,
and a dispatcher whose clock the test moves (retries are scheduled in time)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from chassis.db import Database, new_metadata
from chassis.mail import MailDispatcher, MailSettings, MailTables, add_mail_tables
from chassis.mail.testing import SmtpSink


@dataclass
class Clock:
    """The real time plus what the test has skipped ahead."""

    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@dataclass
class MailWorld:
    database: Database
    tables: MailTables
    sink: SmtpSink
    clock: Clock
    settings: MailSettings

    def dispatcher(self, **overrides: object) -> MailDispatcher:
        settings = self.settings.model_copy(update=overrides) if overrides else self.settings
        return MailDispatcher(self.database, self.tables, settings, service="mail-test", clock=self.clock)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def mail_world(database_url: str, smtp_sink: SmtpSink) -> Iterator[MailWorld]:
    metadata = new_metadata()
    tables = add_mail_tables(metadata)
    database = Database(database_url)
    metadata.create_all(database.engine)
    settings = MailSettings(
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        smtp_timeout_seconds=3,
        mail_from="CRM <no-reply@crm.example.co.th>",
        mail_backoff_seconds=1,
        mail_max_backoff_seconds=30,
        mail_max_attempts=4,
        mail_poll_seconds=60,
    )
    try:
        yield MailWorld(database, tables, smtp_sink, Clock(), settings)
    finally:
        database.dispose()
