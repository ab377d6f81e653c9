"""Field check-in and check-out of visits, customer locations and team check-in policies.

Customer coordinates: crm.contacts.v1 addresses carry no coordinates, so this service keeps
one geocoded location per customer (SetCustomerLocation, by the owner, a manager or an
admin); a visit is checked against the location of the customer it is linked to.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chassis.errors import FailedPrecondition, InvalidArgument
from chassis.identity import Caller

from activities.adapters.activities import StoredActivity
from activities.adapters.directory import CustomerLocation
from activities.application.context import ActivitiesContext, require_see
from activities.application.scheduling import view_of
from activities.domain import events as ev
from activities.domain.checkin import (
    CheckinMode,
    CheckinPolicy,
    DeviceFix,
    GeoPoint,
    assess,
    geo_point,
    map_link,
    visit_duration,
)
from activities.domain.model import ActivityType, LinkKind


def _fix_json(fix: DeviceFix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "latitude": fix.point.latitude,
        "longitude": fix.point.longitude,
        "accuracy_m": fix.accuracy_m,
        "device_time": fix.device_time.isoformat() if fix.device_time else None,
        "mock_location": fix.mock_location,
    }


def _customer_id(stored: StoredActivity) -> str:
    return next((x.ref_id for x in stored.activity.links if x.kind is LinkKind.CUSTOMER), "")


def _require_checker(caller: Caller, stored: StoredActivity) -> None:
    """The owner or an internal attendee checks in (who stands at the door)."""
    require_see(caller, stored)
    if caller.user_id not in stored.activity.internal_user_ids and not caller.sees_all:
        raise FailedPrecondition("only the visit's owner or an attendee checks in")


def check_in(
    ctx: ActivitiesContext, caller: Caller, activity_id: str, fix: DeviceFix, photo_ref: str
) -> StoredActivity:
    now = ctx.clock()
    with ctx.transaction() as uow:
        stored = uow.activities.get(activity_id, for_update=True)
        _require_checker(caller, stored)
        activity = stored.activity
        if activity.type is not ActivityType.VISIT:
            raise FailedPrecondition("only visits are checked in")
        activity.require_open()
        if stored.checkin is not None:
            raise FailedPrecondition("the visit is checked in already")
        customer_id = _customer_id(stored)
        location = uow.directory.location(customer_id) if customer_id else None
        policy = uow.directory.policy(activity.team_id, ctx.policy.checkin)
        result = assess(fix, location.point if location else None, policy, now)
        record = {
            "fix": _fix_json(fix),
            "server_time": now.isoformat(),
            "distance_m": result.distance_m,
            "verdict": result.verdict.value,
            "flags": [f.value for f in result.flags],
            "photo_ref": photo_ref.strip()[:500],
            "map_url": map_link(fix.point),
            "by": caller.user_id,
        }
        updated = activity.touched(caller.user_id, now)
        uow.activities.save(updated, uow.owner_zone(activity))
        uow.activities.set_checkin(activity_id, record, None)
        out = StoredActivity(updated, record, None)
        uow.emit(ev.CheckinRecorded(view_of(uow, out), customer_id))
    return out


def check_out(
    ctx: ActivitiesContext, caller: Caller, activity_id: str, fix: DeviceFix | None
) -> StoredActivity:
    """Records the server time and the visit's duration since the check-in."""
    now = ctx.clock()
    with ctx.transaction() as uow:
        stored = uow.activities.get(activity_id, for_update=True)
        _require_checker(caller, stored)
        if stored.checkin is None:
            raise FailedPrecondition("the visit is not checked in")
        if stored.checkout is not None:
            raise FailedPrecondition("the visit is checked out already")
        checked_in = dt.datetime.fromisoformat(stored.checkin["server_time"])
        record = {
            "fix": _fix_json(fix),
            "server_time": now.isoformat(),
            "duration_seconds": int(visit_duration(checked_in, now).total_seconds()),
        }
        updated = stored.activity.touched(caller.user_id, now)
        uow.activities.save(updated, uow.owner_zone(updated))
        uow.activities.set_checkin(activity_id, stored.checkin, record)
        out = StoredActivity(updated, stored.checkin, record)
        uow.emit(ev.ActivityUpdated(view_of(uow, out)))
    return out


def set_customer_location(
    ctx: ActivitiesContext, caller: Caller, customer_id: str, latitude: float, longitude: float, address: str
) -> CustomerLocation:
    if not customer_id.strip():
        raise InvalidArgument("location.customer_id", "is required")
    caller.require_role("sales_manager", "sales_rep", "admin")
    point = geo_point(latitude, longitude, "location.")
    location = CustomerLocation(customer_id.strip(), point, address.strip()[:500], ctx.clock())
    with ctx.transaction() as uow:
        uow.directory.set_location(location, caller.user_id)
    return location


def get_customer_location(
    ctx: ActivitiesContext, caller: Caller, customer_id: str
) -> CustomerLocation | None:
    with ctx.reading() as uow:
        return uow.directory.location(customer_id.strip())


def set_team_policy(
    ctx: ActivitiesContext, caller: Caller, team_id: str, mode: str, radius_m: int
) -> CheckinPolicy:
    """Managers of the team and admins set how strictly its visits are checked."""
    if not team_id.strip():
        raise InvalidArgument("policy.team_id", "is required")
    if not caller.sees_all and not (caller.is_manager and team_id in caller.team_ids):
        from chassis.errors import PermissionDenied

        raise PermissionDenied("only the team's managers and admins set its check-in policy")
    try:
        kind = CheckinMode(mode)
    except ValueError:
        raise InvalidArgument("policy.mode", "must be off, soft or hard") from None
    radius = radius_m or ctx.policy.checkin.radius_m
    if not 10 <= radius <= 100_000:
        raise InvalidArgument("policy.radius_m", "must be 10 to 100000 metres")
    policy = CheckinPolicy(kind, radius)
    with ctx.transaction() as uow:
        uow.directory.set_policy(team_id.strip(), policy)
    return policy


def team_policy(ctx: ActivitiesContext, team_id: str) -> CheckinPolicy:
    with ctx.reading() as uow:
        return uow.directory.policy(team_id, ctx.policy.checkin)


__all__ = ["GeoPoint", "check_in", "check_out", "set_customer_location", "set_team_policy"]
