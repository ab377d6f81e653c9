"""Fixtures: the service desk over each test database, with or without a real nats-server,
callers in each role, and the issue's Bangkok office calendar as a request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from chassis.identity import Caller
from chassis.testing import NatsServer
from crm.servicedesk.v1 import resources_pb2 as res
from service_desk.testing import ServiceDeskUnderTest, start_service_desk, stop_service_desk

BANGKOK = ZoneInfo("Asia/Bangkok")
ADMIN = Caller("u-admin", frozenset({"admin"}))
AGENT = Caller("u-agent", frozenset({"service_agent"}), frozenset({"support-north"}))
OTHER_AGENT = Caller("u-agent-south", frozenset({"service_agent"}), frozenset({"support-south"}))
REP = Caller("u-rep", frozenset({"sales_rep"}), frozenset({"sales-north"}))


def bkk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BANGKOK)


def office_calendar() -> res.BusinessCalendar:
    """Mon–Fri 08:30–12:00 and 13:00–17:30 Asia/Bangkok; holiday Mon 2026-04-06."""
    windows = [
        res.WorkingWindow(weekday=day, start=start, end=end)
        for day in range(5)
        for start, end in (("08:30", "12:00"), ("13:00", "17:30"))
    ]
    return res.BusinessCalendar(
        name="Bangkok office",
        zone="Asia/Bangkok",
        windows=windows,
        holidays=[res.Holiday(date="2026-04-06", name="วันจักรี (ชดเชย)")],
    )


def policy(name: str, response: int, resolution: int, calendar_id: str = "") -> res.SlaPolicy:
    return res.SlaPolicy(
        name=name,
        position=10,
        targets=[
            res.SlaTarget(
                priority=res.PRIORITY_NORMAL, first_response_minutes=response, resolution_minutes=resolution
            )
        ],
        calendar_id=calendar_id,
    )


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
