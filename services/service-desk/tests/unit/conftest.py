"""The Bangkok office calendar of the issue as a fixture for the service-desk unit tests."""

import datetime as dt

import pytest
from service_desk.domain.calendars import BusinessCalendar, Holiday
from service_desk.testing import office_business_calendar


@pytest.fixture
def office() -> BusinessCalendar:
    """The issue's calendar with its holiday, Monday 2026-04-06 (Chakri Day observed)."""
    return office_business_calendar(Holiday(dt.date(2026, 4, 6), "วันจักรี (ชดเชย)"))
