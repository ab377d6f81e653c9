"""Field check-in and check-out of visits.

The server keeps its own time beside the device's, the great-circle (haversine) distance to
the customer's geocoded location, and a verdict: within, outside or unverifiable. Per team,
the mode is off (no verdict), soft (save and flag) or hard (refuse a check-in outside the
radius, default 200 m). Also flagged: accuracy worse than the radius, a mock location, and a
device clock more than five minutes off the server's.

Hard mode refuses only what is known to be wrong (outside the radius, a mock location, an
accuracy too poor to tell); a customer without a geocoded location cannot be checked and is
saved as unverifiable, so a missing geocode never blocks a rep at the door.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum

from chassis.errors import FailedPrecondition, InvalidArgument, ViolationCollector

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
DEFAULT_RADIUS_M = 200
CLOCK_TOLERANCE = dt.timedelta(minutes=5)


class CheckinMode(StrEnum):
    OFF = "off"
    SOFT = "soft"
    HARD = "hard"


class Verdict(StrEnum):
    WITHIN = "within"
    OUTSIDE = "outside"
    UNVERIFIABLE = "unverifiable"


class Flag(StrEnum):
    LOW_ACCURACY = "low_accuracy"
    MOCK_LOCATION = "mock_location"
    CLOCK_SKEW = "clock_skew"
    OUTSIDE_RADIUS = "outside_radius"
    NO_CUSTOMER_LOCATION = "no_customer_location"


@dataclass(frozen=True)
class GeoPoint:
    latitude: float
    longitude: float


def geo_point(latitude: float, longitude: float, prefix: str = "") -> GeoPoint:
    """A validated point; out-of-range or non-finite coordinates name the field."""
    errors = ViolationCollector()
    if not (math.isfinite(latitude) and -90.0 <= latitude <= 90.0):
        errors.add(f"{prefix}latitude", "must be between -90 and 90")
    if not (math.isfinite(longitude) and -180.0 <= longitude <= 180.0):
        errors.add(f"{prefix}longitude", "must be between -180 and 180")
    errors.raise_if_any()
    return GeoPoint(latitude, longitude)


def haversine_m(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance in metres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class CheckinPolicy:
    mode: CheckinMode = CheckinMode.SOFT
    radius_m: int = DEFAULT_RADIUS_M


@dataclass(frozen=True)
class DeviceFix:
    """What the phone reported."""

    point: GeoPoint
    accuracy_m: float
    device_time: dt.datetime | None
    mock_location: bool = False


def device_fix(
    latitude: float, longitude: float, accuracy_m: float, device_time: dt.datetime | None, mock: bool
) -> DeviceFix:
    point = geo_point(latitude, longitude)
    if not (math.isfinite(accuracy_m) and accuracy_m >= 0):
        raise InvalidArgument("accuracy_m", "must be zero or more metres")
    if device_time is not None and device_time.tzinfo is None:
        raise InvalidArgument("device_time", "needs a UTC offset")
    return DeviceFix(point, accuracy_m, device_time, mock)


@dataclass(frozen=True)
class CheckinAssessment:
    verdict: Verdict
    distance_m: float | None
    flags: tuple[Flag, ...]


def assess(
    fix: DeviceFix, target: GeoPoint | None, policy: CheckinPolicy, server_time: dt.datetime
) -> CheckinAssessment:
    """The verdict and flags of a check-in; in hard mode, a refusal (FailedPrecondition)."""
    flags: list[Flag] = []
    distance = haversine_m(fix.point, target) if target is not None else None
    if fix.device_time is not None and abs(fix.device_time - server_time) > CLOCK_TOLERANCE:
        flags.append(Flag.CLOCK_SKEW)
    if fix.mock_location:
        flags.append(Flag.MOCK_LOCATION)
    if fix.accuracy_m > policy.radius_m:
        flags.append(Flag.LOW_ACCURACY)
    if target is None:
        flags.append(Flag.NO_CUSTOMER_LOCATION)
    if policy.mode is CheckinMode.OFF:
        return CheckinAssessment(Verdict.UNVERIFIABLE, distance, ())
    if distance is None or fix.mock_location or fix.accuracy_m > policy.radius_m:
        verdict = Verdict.UNVERIFIABLE
    elif distance <= policy.radius_m:
        verdict = Verdict.WITHIN
    else:
        verdict = Verdict.OUTSIDE
        flags.append(Flag.OUTSIDE_RADIUS)
    if policy.mode is CheckinMode.HARD and target is not None and verdict is not Verdict.WITHIN:
        reasons = ", ".join(f.value for f in flags)
        raise FailedPrecondition(f"check-in refused: not verified within {policy.radius_m} m ({reasons})")
    return CheckinAssessment(verdict, distance, tuple(flags))


def visit_duration(checked_in_at: dt.datetime, checked_out_at: dt.datetime) -> dt.timedelta:
    """Server times only (a device clock may be wrong)."""
    if checked_out_at < checked_in_at:
        raise InvalidArgument("check_out", "is before the check-in")
    return checked_out_at - checked_in_at


def map_link(point: GeoPoint) -> str:
    """OpenStreetMap at the check-in point."""
    lat, lon = f"{point.latitude:.6f}", f"{point.longitude:.6f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
