"""Fixtures: the service desk over each test database, with or without a real nats-server,
and a real SMTP server for its mail (callers and request builders are in service_desk.testing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chassis.mail.testing import SmtpSink
from chassis.testing import NatsServer
from service_desk.testing import ServiceDeskUnderTest, running_service_desk, smtp_sink


@pytest.fixture
def desk(database_url: str, tmp_path: Path) -> Iterator[ServiceDeskUnderTest]:
    """The service without NATS (events stay in the outbox)."""
    with running_service_desk(database_url, None, tmp_path) as running:
        yield running


@pytest.fixture
def desk_with_events(
    database_url: str, nats_server: NatsServer, tmp_path: Path
) -> Iterator[ServiceDeskUnderTest]:
    with running_service_desk(database_url, nats_server.url, tmp_path) as running:
        yield running


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    """A real SMTP server the service's mail goes to (start it with **mail_to(sink))."""
    with smtp_sink() as server:
        yield server
