"""Google Calendar template links: UTC stamps, exclusive all-day ends."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

from activities.domain.links import google_calendar_link, google_subscribe_link, webcal_link
from activities.domain.timing import AllDay, Timed


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def test_timed_activity_link_uses_utc_dates() -> None:
    start = dt.datetime(2026, 4, 7, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    timing = Timed(
        start.astimezone(dt.UTC), (start + dt.timedelta(hours=1)).astimezone(dt.UTC), "Asia/Bangkok"
    )
    q = query(google_calendar_link("เยี่ยมลูกค้า", timing, "Bring samples", "Siam Paragon"))
    assert q["dates"] == ["20260407T020000Z/20260407T030000Z"]
    assert q["text"] == ["เยี่ยมลูกค้า"]
    assert q["location"] == ["Siam Paragon"]
    assert q["action"] == ["TEMPLATE"]


def test_all_day_link_has_an_exclusive_end_date() -> None:
    q = query(
        google_calendar_link("Trade fair", AllDay(dt.date(2026, 4, 13), dt.date(2026, 4, 16), "Asia/Bangkok"))
    )
    assert q["dates"] == ["20260413/20260416"]


def test_webcal_and_subscribe_links() -> None:
    feed = "https://crm.example.co.th/api/v1/calendar-feeds/abc.ics"
    assert webcal_link(feed) == "webcal://crm.example.co.th/api/v1/calendar-feeds/abc.ics"
    assert query(google_subscribe_link(feed))["cid"] == [
        "webcal://crm.example.co.th/api/v1/calendar-feeds/abc.ics"
    ]
