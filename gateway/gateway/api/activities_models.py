"""Request bodies and query parameters of /api/v1/activities, /calendar, /notifications and
/calendar-feeds (REST JSON, snake_case). They check shape only (types, lengths, enum names);
time, recurrence, conflict and check-in rules are the activities service's."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ActivityTypeName = Literal["call", "meeting", "visit", "task", "email", "note"]
StatusName = Literal["planned", "done", "cancelled"]
PriorityName = Literal["low", "normal", "high"]
LinkKindName = Literal["lead", "customer", "contact", "opportunity", "quotation", "case"]
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LinkIn(_Body):
    kind: LinkKindName
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(default="", max_length=300)


class AttendeeIn(_Body):
    kind: Literal["user", "contact"]
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(default="", max_length=300)
    email: str = Field(default="", max_length=254)


class ReminderIn(_Body):
    channel: Literal["email", "in_app"]
    minutes_before: int = Field(ge=0, le=40320)


class ActivityFields(_Body):
    subject: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=10000)
    private_notes: str | None = Field(default=None, max_length=10000)
    location: str | None = Field(default=None, max_length=500)
    links: list[LinkIn] | None = Field(default=None, max_length=20)
    attendees: list[AttendeeIn] | None = Field(default=None, max_length=100)
    owner_id: str | None = Field(default=None, max_length=64)
    team_id: str | None = Field(default=None, max_length=64)
    priority: PriorityName | None = None
    start_time: dt.datetime | None = Field(default=None, description="RFC 3339 with offset.")
    end_time: dt.datetime | None = None
    time_zone: str | None = Field(default=None, max_length=64, examples=["Asia/Bangkok"])
    all_day: bool | None = None
    start_date: str | None = Field(default=None, pattern=DATE_PATTERN)
    end_date: str | None = Field(default=None, pattern=DATE_PATTERN, description="Exclusive.")
    due_date: str | None = Field(default=None, pattern=DATE_PATTERN)
    rrule: str | None = Field(default=None, max_length=500, examples=["FREQ=WEEKLY;BYDAY=MO;COUNT=10"])
    reminders: list[ReminderIn] | None = Field(default=None, max_length=5)


class ActivityCreate(ActivityFields):
    type: ActivityTypeName
    subject: str = Field(min_length=1, max_length=300)


class ActivityPatch(ActivityFields):
    scope: Literal["all", "this", "this_and_following"] = "all"
    occurrence_start: dt.datetime | None = Field(
        default=None, description="Original start of the occurrence, for scope this / this_and_following."
    )
    override_conflicts: bool = False
    expected_version: int | None = Field(default=None, ge=1)


class OverrideQuery(_Body):
    override_conflicts: bool = False


class ActivityQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=500)
    page_token: str = ""
    owner_id: str = ""
    status: StatusName | None = None
    type: ActivityTypeName | None = None
    link_kind: LinkKindName | None = None
    link_id: str = ""


class Complete(_Body):
    outcome: str = Field(default="", max_length=10000)
    occurrence_start: dt.datetime | None = None


class Cancel(_Body):
    reason: str = Field(default="", max_length=10000)
    occurrence_start: dt.datetime | None = None


class DeviceFixIn(_Body):
    latitude: float
    longitude: float
    accuracy_m: float = Field(default=0, ge=0)
    device_time: dt.datetime | None = None
    mock_location: bool = False


class CheckInBody(DeviceFixIn):
    photo_ref: str = Field(default="", max_length=500)


class CheckOutBody(_Body):
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float = Field(default=0, ge=0)
    device_time: dt.datetime | None = None
    mock_location: bool = False


class CalendarQuery(_Body):
    view: Literal["day", "week", "month"] = "week"
    date: str = Field(default="", pattern=r"^(\d{4}-\d{2}-\d{2})?$")
    time_zone: str = Field(default="", max_length=64)
    user_id: str = ""
    team_id: str = ""


class NotificationQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=500)
    page_token: str = ""
    unread_only: bool = False


class MarkRead(_Body):
    ids: list[str] = Field(default_factory=list, max_length=500)
    all: bool = False


class LocationIn(_Body):
    latitude: float
    longitude: float
    address: str = Field(default="", max_length=500)


class CheckinPolicyIn(_Body):
    mode: Literal["off", "soft", "hard"]
    radius_m: int = Field(default=200, ge=10, le=100000)


class CalendarSettingsIn(_Body):
    time_zone: str = Field(min_length=1, max_length=64)
    user_id: str = ""


class FeedCreated(BaseModel):
    """The token appears only in this answer; the URLs carry it."""

    id: str
    token: str
    url: str
    webcal_url: str
    google_subscribe_url: str
