"""The Bangkok office calendar of the issue, shared by the service-desk unit tests."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from service_desk.domain.calendars import BusinessCalendar, Holiday, WorkingWindow, business_calendar

BANGKOK = ZoneInfo("Asia/Bangkok")


def bkk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock instant in Bangkok."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=BANGKOK)


def office_calendar(*holidays: Holiday) -> BusinessCalendar:
    """Mon–Fri 08:30–12:00 and 13:00–17:30 Asia/Bangkok."""
    windows = [
        w
        for day in range(5)
        for w in (WorkingWindow.of(day, "08:30", "12:00"), WorkingWindow.of(day, "13:00", "17:30"))
    ]
    return business_calendar("office", "Bangkok office", "Asia/Bangkok", windows, holidays)


@pytest.fixture
def office() -> BusinessCalendar:
    """The issue's calendar with its holiday, Monday 2026-04-06 (Chakri Day observed)."""
    return office_calendar(Holiday(dt.date(2026, 4, 6), "วันจักรี (ชดเชย)"))
