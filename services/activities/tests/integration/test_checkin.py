"""Field check-in over real gRPC: distance to the customer's location, team modes, refusals
that write nothing, check-out duration, the checkin.recorded event."""

from __future__ import annotations

import datetime as dt

import grpc
from activities.testing import MANAGER, NORTH_REP, REP, ActivitiesUnderTest, rpc_failure, stamp
from crm.activities.v1 import activities_service_pb2 as pb
from crm.activities.v1 import resources_pb2 as res

UTC = dt.UTC


def visit(svc: ActivitiesUnderTest) -> res.Activity:
    start = dt.datetime.now(UTC) + dt.timedelta(hours=1)
    activity = res.Activity(
        type=res.ACTIVITY_TYPE_VISIT,
        subject="Visit Siam Foods",
        start_time=stamp(start),
        end_time=stamp(start + dt.timedelta(hours=1)),
        time_zone="Asia/Bangkok",
        links=[res.Link(kind=res.LINK_KIND_CUSTOMER, id="cus_siam", name="Siam Foods")],
    )
    return svc.call("CreateActivity", pb.CreateActivityRequest(activity=activity)).activity


def fix(lat: float, accuracy: float = 15.0, mock: bool = False) -> res.DeviceFix:
    return res.DeviceFix(
        latitude=lat,
        longitude=100.535,
        accuracy_m=accuracy,
        device_time=stamp(dt.datetime.now(UTC)),
        mock_location=mock,
    )


def locate(svc: ActivitiesUnderTest) -> None:
    svc.call(
        "SetCustomerLocation",
        pb.SetCustomerLocationRequest(
            location=res.CustomerLocation(
                customer_id="cus_siam", latitude=13.746, longitude=100.535, address="Rama I Rd"
            )
        ),
    )


def test_hard_mode_refuses_outside_and_records_a_check_in_within(activities: ActivitiesUnderTest) -> None:
    locate(activities)
    activities.call(
        "SetTeamCheckinPolicy",
        pb.SetTeamCheckinPolicyRequest(
            policy=res.TeamCheckinPolicy(team_id="team-bkk", mode=res.CHECKIN_MODE_HARD)
        ),
        MANAGER,
    )
    made = visit(activities)
    before = activities.count("outbox")
    code, message, _ = rpc_failure(
        lambda: activities.call("CheckIn", pb.CheckInRequest(activity_id=made.id, fix=fix(13.749)))
    )
    assert code is grpc.StatusCode.FAILED_PRECONDITION
    assert "outside_radius" in message
    assert activities.count("outbox") == before
    done = activities.call(
        "CheckIn", pb.CheckInRequest(activity_id=made.id, fix=fix(13.747), photo_ref="s3://p/1.jpg")
    ).activity
    assert done.check_in.verdict == res.CHECKIN_VERDICT_WITHIN
    assert 100 < done.check_in.distance_m < 120
    assert done.check_in.map_url.startswith("https://www.openstreetmap.org/?mlat=13.747000")
    out = activities.call("CheckOut", pb.CheckOutRequest(activity_id=made.id)).activity
    assert out.check_out.duration_seconds >= 0
    assert "crm.activities.checkin.recorded" in activities.outbox_subjects()


def test_soft_mode_saves_and_flags(activities: ActivitiesUnderTest) -> None:
    locate(activities)
    made = visit(activities)
    late = fix(13.76, accuracy=300, mock=True)
    late.device_time.FromDatetime(dt.datetime.now(UTC) - dt.timedelta(minutes=9))
    done = activities.call("CheckIn", pb.CheckInRequest(activity_id=made.id, fix=late)).activity
    assert done.check_in.verdict == res.CHECKIN_VERDICT_UNVERIFIABLE
    assert set(done.check_in.flags) == {"low_accuracy", "mock_location", "clock_skew"}
    code, _, _ = rpc_failure(
        lambda: activities.call("CheckIn", pb.CheckInRequest(activity_id=made.id, fix=fix(13.746)))
    )
    assert code is grpc.StatusCode.FAILED_PRECONDITION  # once only


def test_bad_coordinates_name_the_field(activities: ActivitiesUnderTest) -> None:
    made = visit(activities)
    code, _, fields = rpc_failure(
        lambda: activities.call("CheckIn", pb.CheckInRequest(activity_id=made.id, fix=fix(95)))
    )
    assert code is grpc.StatusCode.INVALID_ARGUMENT
    assert "latitude" in fields
    code, _, fields = rpc_failure(
        lambda: activities.call(
            "SetCustomerLocation",
            pb.SetCustomerLocationRequest(
                location=res.CustomerLocation(customer_id="c", latitude=13, longitude=190)
            ),
        )
    )
    assert "location.longitude" in fields
    code, _, _ = rpc_failure(
        lambda: activities.call("CheckIn", pb.CheckInRequest(activity_id=made.id, fix=fix(13.746)), NORTH_REP)
    )
    assert code is grpc.StatusCode.NOT_FOUND
    assert activities.count("activities", "checkin_json IS NOT NULL") == 0
    _ = REP
