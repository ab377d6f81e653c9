"""What happened to activities, as plain values; activities.events turns them into the
protobuf messages of crm/activities/v1/events.proto on crm.activities.* subjects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from activities.domain.model import Activity


@dataclass(frozen=True)
class ActivityView:
    """An activity with what its messages also show: check-in/out records and the owner's zone."""

    activity: Activity
    owner_zone: str
    checkin: dict[str, Any] | None = None
    checkout: dict[str, Any] | None = None


@dataclass(frozen=True)
class ActivityCreated:
    view: ActivityView


@dataclass(frozen=True)
class ActivityUpdated:
    view: ActivityView


@dataclass(frozen=True)
class ActivityCompleted:
    view: ActivityView
    follow_up_id: str = ""
    occurrence_id: str = ""


@dataclass(frozen=True)
class ActivityCancelled:
    view: ActivityView
    occurrence_id: str = ""


@dataclass(frozen=True)
class CheckinRecorded:
    view: ActivityView
    customer_id: str = ""


DomainEvent = ActivityCreated | ActivityUpdated | ActivityCompleted | ActivityCancelled | CheckinRecorded
