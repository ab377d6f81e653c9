"""Links to calendars outside the CRM: Google Calendar's public "add event" template URL and
the webcal subscription URL of a feed.

Google's template takes `dates=START/END`: UTC date-times (`20260407T020000Z`) for timed
events; for all-day events bare dates with an exclusive end (`20260407/20260408`).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from activities.domain.timing import AllDay, Due, Timed, Timing

GOOGLE_TEMPLATE = "https://calendar.google.com/calendar/render"


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def google_dates(timing: Timing) -> str:
    if isinstance(timing, Timed):
        return f"{_stamp(timing.start)}/{_stamp(timing.end)}"
    if isinstance(timing, AllDay):
        return f"{timing.start:%Y%m%d}/{timing.end:%Y%m%d}"
    assert isinstance(timing, Due)
    return f"{timing.date:%Y%m%d}/{timing.date + dt.timedelta(days=1):%Y%m%d}"


def google_calendar_link(
    subject: str, timing: Timing, description: str = "", location: str = "", rrule: str = ""
) -> str:
    """ "Add to Google Calendar" for one activity (public fields only)."""
    params = {"action": "TEMPLATE", "text": subject, "dates": google_dates(timing)}
    if description:
        params["details"] = description
    if location:
        params["location"] = location
    if isinstance(timing, Timed):
        params["ctz"] = timing.zone
    if rrule:
        params["recur"] = f"RRULE:{rrule}"
    return f"{GOOGLE_TEMPLATE}?{urlencode(params)}"


def webcal_link(feed_url: str) -> str:
    """The subscription form of an https feed URL (calendar apps subscribe to webcal://)."""
    for scheme in ("https://", "http://"):
        if feed_url.startswith(scheme):
            return "webcal://" + feed_url[len(scheme) :]
    return feed_url


def google_subscribe_link(feed_url: str) -> str:
    """ "Subscribe in Google Calendar": Google's add-by-URL page with the webcal URL."""
    return f"https://calendar.google.com/calendar/render?{urlencode({'cid': webcal_link(feed_url)})}"
