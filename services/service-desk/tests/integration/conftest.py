"""Fixtures: the service desk over each test database, with or without a real nats-server
(callers and request builders are in service_desk.testing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chassis.testing import NatsServer
from service_desk.testing import ServiceDeskUnderTest, start_service_desk, stop_service_desk


@pytest.fixture
def desk(database_url: str, tmp_path: Path) -> Iterator[ServiceDeskUnderTest]:
    """The service without NATS (events stay in the outbox)."""
    running = start_service_desk(database_url, None, tmp_path)
    try:
        yield running
    finally:
        stop_service_desk(running)


@pytest.fixture
def desk_with_events(
    database_url: str, nats_server: NatsServer, tmp_path: Path
) -> Iterator[ServiceDeskUnderTest]:
    running = start_service_desk(database_url, nats_server.url, tmp_path)
    try:
        yield running
    finally:
        stop_service_desk(running)
