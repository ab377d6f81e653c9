"""Check-in rules: distance, modes, flags and refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from activities.domain.checkin import (
    CheckinMode,
    CheckinPolicy,
    DeviceFix,
    Flag,
    GeoPoint,
    Verdict,
    assess,
    device_fix,
    geo_point,
    haversine_m,
    map_link,
    visit_duration,
)
from chassis.errors import FailedPrecondition, InvalidArgument

NOW = dt.datetime(2026, 4, 7, 3, 0, tzinfo=dt.UTC)
# Siam Paragon's entrance; 0.001 degree of latitude is about 111 m.
SHOP = GeoPoint(13.746, 100.535)


def test_haversine_matches_known_distances() -> None:
    assert haversine_m(SHOP, GeoPoint(13.747, 100.535)) == pytest.approx(111.2, abs=0.5)
    # Bangkok to Chiang Mai, about 583 km great-circle.
    assert haversine_m(GeoPoint(13.7563, 100.5018), GeoPoint(18.7883, 98.9853)) == pytest.approx(
        583_000, rel=0.01
    )


def fix(lat: float = 13.747, accuracy: float = 20, offset_min: int = 0, mock: bool = False) -> DeviceFix:
    return device_fix(lat, 100.535, accuracy, NOW + dt.timedelta(minutes=offset_min), mock)


def test_within_and_outside_the_default_radius() -> None:
    soft = CheckinPolicy()
    assert assess(fix(13.747), SHOP, soft, NOW).verdict is Verdict.WITHIN
    outside = assess(fix(13.749), SHOP, soft, NOW)
    assert outside.verdict is Verdict.OUTSIDE
    assert Flag.OUTSIDE_RADIUS in outside.flags
    assert outside.distance_m == pytest.approx(333.6, abs=1)


def test_flags_for_accuracy_mock_location_and_clock() -> None:
    result = assess(fix(accuracy=250, offset_min=6, mock=True), SHOP, CheckinPolicy(), NOW)
    assert result.verdict is Verdict.UNVERIFIABLE
    assert set(result.flags) == {Flag.LOW_ACCURACY, Flag.MOCK_LOCATION, Flag.CLOCK_SKEW}
    assert Flag.CLOCK_SKEW not in assess(fix(offset_min=5), SHOP, CheckinPolicy(), NOW).flags


def test_hard_mode_refuses_outside_but_not_a_customer_without_location() -> None:
    hard = CheckinPolicy(CheckinMode.HARD, 200)
    with pytest.raises(FailedPrecondition):
        assess(fix(13.749), SHOP, hard, NOW)
    with pytest.raises(FailedPrecondition):
        assess(fix(mock=True), SHOP, hard, NOW)
    unknown = assess(fix(), None, hard, NOW)
    assert unknown.verdict is Verdict.UNVERIFIABLE
    assert Flag.NO_CUSTOMER_LOCATION in unknown.flags


def test_off_mode_gives_no_verdict_and_no_flags() -> None:
    result = assess(fix(13.8, mock=True), SHOP, CheckinPolicy(CheckinMode.OFF), NOW)
    assert result.verdict is Verdict.UNVERIFIABLE
    assert result.flags == ()


@pytest.mark.parametrize(
    ("lat", "lon", "field"), [(91, 100, "latitude"), (13, -181, "longitude"), (float("nan"), 0, "latitude")]
)
def test_coordinates_out_of_range_name_the_field(lat: float, lon: float, field: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        geo_point(lat, lon)
    assert error.value.violations[0].field == field


def test_check_out_duration_and_map_link() -> None:
    assert visit_duration(NOW, NOW + dt.timedelta(minutes=47)) == dt.timedelta(minutes=47)
    assert (
        map_link(SHOP)
        == "https://www.openstreetmap.org/?mlat=13.746000&mlon=100.535000#map=18/13.746000/100.535000"
    )
