"""Fixtures: the activities service over each test database, with or without a real NATS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from activities.testing import ActivitiesUnderTest, settings_for, start_activities, stop_activities


@pytest.fixture
def activities(database_url: str, tmp_path: Path) -> Iterator[ActivitiesUnderTest]:
    """The service without NATS or scheduler: events stay in the outbox, where tests see them."""
    running = start_activities(settings_for(database_url, None, tmp_path))
    try:
        yield running
    finally:
        stop_activities(running)
