"""Service-desk contracts on a real nats-server: an activated contract plans its preventive
visits once (a repeat under another event id and a redelivery after the durable consumer is lost
change nothing) and records its end for date mail; a cancellation cancels the planned visits
from the day it takes effect."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from activities.events import DURABLE
from activities.testing import (
    REP,
    ActivitiesUnderTest,
    eventually,
    publish,
    settings_for,
    start_activities,
    stop_activities,
)
from chassis.events import EVENTS_STREAM
from chassis.testing import NatsServer
from chassis.testkit import consumer_caught_up, delete_consumer
from crm.activities.v1 import activities_service_pb2 as pb
from crm.activities.v1 import resources_pb2 as res
from crm.servicedesk.v1 import events_pb2 as sd
from crm.servicedesk.v1 import resources_pb2 as sdres

ACTIVATED = "crm.servicedesk.contract.activated"
CANCELLED = "crm.servicedesk.contract.cancelled"


@pytest.fixture
def with_events(database_url: str, nats_server: NatsServer, tmp_path: Path) -> Iterator[ActivitiesUnderTest]:
    running = start_activities(settings_for(database_url, nats_server.url, tmp_path))
    try:
        yield running
    finally:
        stop_activities(running)


def contract_event(version: int, cancelled_on: str = "") -> bytes:
    return sd.ContractEvent(
        contract_id="ma_7",
        version=version,
        contract=sdres.MaintenanceContract(
            id="ma_7",
            customer_id="cus_bangna",
            start_date="2026-01-01",
            end_date="2026-12-31",
            owner_id=REP.user_id,
            team_id="team-bkk",
            visit_dates=["2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01"],
            cancelled_on=cancelled_on,
            version=version,
        ),
        reason="customer left" if cancelled_on else "",
    ).SerializeToString()


def visits(running: ActivitiesUnderTest) -> list[res.Activity]:
    request = pb.ListActivitiesRequest(
        type=res.ACTIVITY_TYPE_VISIT, link_kind=res.LINK_KIND_CUSTOMER, link_id="cus_bangna", page_size=50
    )
    return list(running.call("ListActivities", request, REP).activities)


def caught_up(nats: NatsServer) -> None:
    eventually(lambda: consumer_caught_up(nats.url, EVENTS_STREAM, DURABLE), what="the activities consumer")


def test_an_activated_contract_plans_its_visits_once(
    database_url: str, nats_server: NatsServer, tmp_path: Path
) -> None:
    running = start_activities(settings_for(database_url, nats_server.url, tmp_path))
    try:
        publish(nats_server.url, ACTIVATED, contract_event(4), str(uuid.uuid4()))
        publish(nats_server.url, ACTIVATED, contract_event(4), str(uuid.uuid4()))  # again, another id
        caught_up(nats_server)
        planned = visits(running)
        assert sorted(a.start_date for a in planned) == [
            "2026-01-01",
            "2026-04-01",
            "2026-07-01",
            "2026-10-01",
        ]
        assert {(a.owner_id, a.all_day, a.status) for a in planned} == {
            (REP.user_id, True, res.ACTIVITY_STATUS_PLANNED)
        }
        assert running.count("mail_dates", "subject_id = 'ma_7'") == 1
    finally:
        stop_activities(running)

    delete_consumer(nats_server.url, EVENTS_STREAM, DURABLE)
    again = start_activities(settings_for(database_url, nats_server.url, tmp_path))
    try:
        caught_up(nats_server)
        assert len(visits(again)) == 4
        assert again.count("contract_visits") == 4
        assert again.outbox_subjects().count("crm.activities.activity.created") == 4
    finally:
        stop_activities(again)


def test_a_cancelled_contract_cancels_the_visits_from_its_effective_day(
    with_events: ActivitiesUnderTest, nats_server: NatsServer
) -> None:
    publish(nats_server.url, ACTIVATED, contract_event(4), str(uuid.uuid4()))
    publish(nats_server.url, CANCELLED, contract_event(5, cancelled_on="2026-07-01"), str(uuid.uuid4()))
    caught_up(nats_server)
    states = {a.start_date: a.status for a in visits(with_events)}
    assert states == {
        "2026-01-01": res.ACTIVITY_STATUS_PLANNED,
        "2026-04-01": res.ACTIVITY_STATUS_PLANNED,
        "2026-07-01": res.ACTIVITY_STATUS_CANCELLED,
        "2026-10-01": res.ACTIVITY_STATUS_CANCELLED,
    }
    assert with_events.count("mail_dates", "subject_id = 'ma_7'") == 0
