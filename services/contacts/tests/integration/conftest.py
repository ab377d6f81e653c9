"""Fixtures: the contacts service over each test database, with or without a real NATS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chassis.testing import NatsServer
from contacts.testing import ContactsUnderTest, start_contacts, stop_contacts


@pytest.fixture
def contacts(database_url: str, tmp_path: Path) -> Iterator[ContactsUnderTest]:
    """The service without NATS: events stay in the outbox, where tests can see them."""
    running = start_contacts(database_url, None, tmp_path)
    try:
        yield running
    finally:
        stop_contacts(running)


@pytest.fixture
def contacts_with_events(
    database_url: str, nats_server: NatsServer, tmp_path: Path
) -> Iterator[ContactsUnderTest]:
    """The service with its outbox relay and its consumer on a real nats-server."""
    running = start_contacts(database_url, nats_server.url, tmp_path)
    try:
        yield running
    finally:
        stop_contacts(running)
