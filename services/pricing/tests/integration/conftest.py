"""Fixtures: the pricing service over each test database, with or without a real NATS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chassis.testing import NatsServer
from pricing.testing import PricingUnderTest, start_pricing, stop_pricing


@pytest.fixture
def pricing(database_url: str, tmp_path: Path) -> Iterator[PricingUnderTest]:
    """The service without NATS: events stay in the outbox, where tests can see them."""
    running = start_pricing(database_url, None, tmp_path)
    try:
        yield running
    finally:
        stop_pricing(running)


@pytest.fixture
def pricing_with_events(
    database_url: str, nats_server: NatsServer, tmp_path: Path
) -> Iterator[PricingUnderTest]:
    """The service with its outbox relay and its consumer on a real nats-server."""
    running = start_pricing(database_url, nats_server.url, tmp_path)
    try:
        yield running
    finally:
        stop_pricing(running)
