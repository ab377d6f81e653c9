"""Test support for the service desk (its integration tests, later the end-to-end tests): the
service started as in production (chassis runtime: gRPC on a free port, the outbox relay when
NATS is given, the SLA scheduler) over a real database; a clock the test sets; a client that
calls as a given user; a second scheduler over the same database to race the first; callers
in each role and the issue's Bangkok office calendar as a request."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import grpc
import sqlalchemy as sa
from chassis.events import EVENTS_STREAM
from chassis.identity import Caller
from chassis.mail.testing import SmtpSink
from chassis.runtime import ServiceRuntime
from chassis.testing import wait_for_port
from chassis.testkit import consumer_caught_up, service_test_settings
from chassis.testkit import eventually as eventually
from chassis.testkit import read_stream as read_stream
from chassis.testkit import rpc_failure as rpc_failure
from crm.approvals.v1 import events_pb2 as approvals
from crm.common.v1 import money_pb2
from crm.servicedesk.v1 import resources_pb2 as res
from crm.servicedesk.v1 import servicedesk_service_pb2 as pb
from crm.servicedesk.v1 import servicedesk_service_pb2_grpc as pb_grpc
from google.protobuf.timestamp_pb2 import Timestamp

from service_desk.application.contract_approvals import apply_decision
from service_desk.bootstrap import ServiceDesk, build_service_desk, migrate_database, runtime_of
from service_desk.domain.calendars import BusinessCalendar, Holiday, WorkingWindow, business_calendar
from service_desk.domain.contracts import BillingPeriod, CoveredItem, MaintenanceContract, PreventiveVisits
from service_desk.events import DURABLE
from service_desk.settings import ServiceDeskSettings


@dataclass
class SetClock:
    """A clock that stands where the test puts it (SLA instants without waiting)."""

    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, instant: dt.datetime) -> None:
        self.now = instant.astimezone(dt.UTC)


@dataclass
class ServiceDeskUnderTest:
    service: ServiceDesk
    runtime: ServiceRuntime
    channel: grpc.Channel
    stub: pb_grpc.ServiceDeskServiceStub
    clock: SetClock
    settings: ServiceDeskSettings
    stopped: bool = False

    def call(self, method: str, request: Any, caller: Caller) -> Any:
        """One RPC as `caller` (identity in metadata, as the gateway sends it)."""
        return getattr(self.stub, method)(request, metadata=caller.to_metadata(), timeout=10)

    def count(self, table: str, where: str = "") -> int:
        query = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
        with self.service.database.read() as session:
            return int(session.execute(sa.text(query)).scalar_one())

    def outbox_subjects(self) -> list[str]:
        with self.service.database.read() as session:
            return [r.subject for r in session.execute(sa.text("SELECT subject FROM outbox ORDER BY seq"))]

    def second_scheduler(self) -> ServiceDesk:
        """Another service over the same database and clock (a second replica's scheduler)."""
        return build_service_desk(self.settings, clock=self.clock)


def start_service_desk(
    database_url: str, nats_url: str | None, var_dir: Path, **overrides: Any
) -> ServiceDeskUnderTest:
    # mail stays queued unless a test sends it to its own SmtpSink (mail_enabled, smtp_port)
    defaults: dict[str, Any] = {
        "sla_check_seconds": 3600,
        "mail_enabled": False,
    }
    values = service_test_settings(database_url, nats_url, var_dir, **(defaults | overrides))
    settings = ServiceDeskSettings(**values)
    migrate_database(settings)
    clock = SetClock()
    service = build_service_desk(settings, clock=clock)
    runtime = runtime_of(service)
    runtime.start()
    if settings.inbound_smtp_port:
        wait_for_port("127.0.0.1", settings.inbound_smtp_port)
    channel = grpc.insecure_channel(f"127.0.0.1:{runtime.grpc_port}")
    return ServiceDeskUnderTest(
        service, runtime, channel, pb_grpc.ServiceDeskServiceStub(channel), clock, settings
    )


def stop_service_desk(running: ServiceDeskUnderTest) -> None:
    if running.stopped:
        return
    running.stopped = True
    running.channel.close()
    running.runtime.stop()


@contextmanager
def running_service_desk(
    database_url: str, nats_url: str | None, var_dir: Path, **overrides: Any
) -> Iterator[ServiceDeskUnderTest]:
    """start_service_desk for the length of a `with` block (a fixture's body), stopped after it."""
    running = start_service_desk(database_url, nats_url, var_dir, **overrides)
    try:
        yield running
    finally:
        stop_service_desk(running)


@contextmanager
def smtp_sink() -> Iterator[SmtpSink]:
    """A real SMTP server on a free port for the length of a `with` block."""
    with SmtpSink() as sink:
        yield sink


def mail_to(sink: SmtpSink) -> dict[str, Any]:
    """The settings that send the service's mail to the test's own SMTP server."""
    return {"mail_enabled": True, "smtp_host": sink.host, "smtp_port": sink.port}


def events_consumed(nats_url: str) -> None:
    """Waits until the service-desk consumer has taken every event in the stream."""
    eventually(lambda: consumer_caught_up(nats_url, EVENTS_STREAM, DURABLE), what="the service-desk consumer")


# -- callers and builders -------------------------------------------------------------------

BANGKOK = ZoneInfo("Asia/Bangkok")
ADMIN = Caller("u-admin", frozenset({"admin"}))
AGENT = Caller("u-agent", frozenset({"service_agent"}), frozenset({"support-north"}))
OTHER_AGENT = Caller("u-agent-south", frozenset({"service_agent"}), frozenset({"support-south"}))
REP = Caller("u-rep", frozenset({"sales_rep"}), frozenset({"sales-north"}))


def bkk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BANGKOK)


def office_calendar() -> res.BusinessCalendar:
    """Mon–Fri 08:30–12:00 and 13:00–17:30 Asia/Bangkok; holiday Mon 2026-04-06."""
    windows = [
        res.WorkingWindow(weekday=day, start=start, end=end)
        for day in range(5)
        for start, end in (("08:30", "12:00"), ("13:00", "17:30"))
    ]
    return res.BusinessCalendar(
        name="Bangkok office",
        zone="Asia/Bangkok",
        windows=windows,
        holidays=[res.Holiday(date="2026-04-06", name="วันจักรี (ชดเชย)")],
    )


def policy(name: str, response: int, resolution: int, calendar_id: str = "") -> res.SlaPolicy:
    return res.SlaPolicy(
        name=name,
        position=10,
        targets=[
            res.SlaTarget(
                priority=res.PRIORITY_NORMAL, first_response_minutes=response, resolution_minutes=resolution
            )
        ],
        calendar_id=calendar_id,
    )


def office_business_calendar(*holidays: Holiday) -> BusinessCalendar:
    """The same office hours as a domain calendar (unit tests): Mon–Fri 08:30–12:00, 13:00–17:30."""
    windows = [
        w
        for day in range(5)
        for w in (WorkingWindow.of(day, "08:30", "12:00"), WorkingWindow.of(day, "13:00", "17:30"))
    ]
    return business_calendar("office", "Bangkok office", "Asia/Bangkok", windows, holidays)


def bangkok_instant(stamp: Timestamp) -> dt.datetime:
    """A proto instant (due, warning, status time) read in Bangkok, to compare with bkk(...)."""
    return stamp.ToDatetime(tzinfo=dt.UTC).astimezone(BANGKOK)


def office_policy(desk: ServiceDeskUnderTest, response: int = 120, resolution: int = 2400) -> str:
    """The office calendar and an SLA policy "office" on it (normal priority), created by an
    admin; the policy's id."""
    created = desk.call("CreateCalendar", pb.CreateCalendarRequest(calendar=office_calendar()), ADMIN)
    request = pb.CreateSlaPolicyRequest(policy=policy("office", response, resolution, created.calendar.id))
    return str(desk.call("CreateSlaPolicy", request, ADMIN).policy.id)


def change_status(
    desk: ServiceDeskUnderTest, case_id: str, status: res.CaseStatus.ValueType, at: dt.datetime
) -> res.Case:
    """The agent moves the case to `status` at `at` (the clock is set there first)."""
    desk.clock.set(at)
    request = pb.ChangeCaseStatusRequest(case_id=case_id, status=status)
    changed: res.Case = desk.call("ChangeCaseStatus", request, AGENT).case
    return changed


Result = TypeVar("Result")


def race(desk: ServiceDeskUnderTest, run: Callable[[ServiceDesk], Result]) -> list[Result]:
    """`run` on the service and on a second replica's scheduler over the same database, both
    released at the same moment; their results (the service's first). A failure in either raises."""
    other = desk.second_scheduler()
    barrier = threading.Barrier(2)

    def released(service: ServiceDesk) -> Result:
        barrier.wait()
        return run(service)

    try:
        with ThreadPoolExecutor(2) as pool:
            return list(pool.map(released, [desk.service, other]))
    finally:
        other.database.dispose()


# -- maintenance contracts ------------------------------------------------------------------


def thb(amount: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code="THB", amount=amount)


def calendar_year_contract(**changes: object) -> res.MaintenanceContract:
    """Bang Na Logistics' contract for calendar year 2026, billed yearly at 120,000.00 THB,
    team sales-north, without auto-renew; `changes` replace fields."""
    values: dict[str, object] = {
        "customer_id": "cus_bangna",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "billing_period": res.BILLING_PERIOD_YEARLY,
        "fee": thb("120000.00"),
        "auto_renew": False,
        "team_id": "sales-north",
    }
    return res.MaintenanceContract(**(values | changes))  # type: ignore[arg-type]


def submitted_contract(desk: ServiceDeskUnderTest, **changes: object) -> res.MaintenanceContract:
    """calendar_year_contract(**changes) created and submitted for approval by REP."""
    request = pb.CreateContractRequest(contract=calendar_year_contract(**changes))
    created = desk.call("CreateContract", request, REP).contract
    submitted: res.MaintenanceContract = desk.call(
        "SubmitContract", pb.SubmitContractRequest(id=created.id), REP
    ).contract
    return submitted


def get_contract(desk: ServiceDeskUnderTest, contract_id: str) -> res.MaintenanceContract:
    request = pb.GetContractRequest(id=contract_id)
    shown: res.MaintenanceContract = desk.call("GetContract", request, REP).contract
    return shown


def approval_event(
    contract: res.MaintenanceContract,
    decision: str,
    reason: str = "",
    *,
    decided_by: str = "u-manager",
    decided_at: dt.datetime | None = None,
) -> approvals.ApprovalRequestEvent:
    """The approval center's event deciding the contract's submitted revision (without
    `decided_at` it carries no occur_time, and the service takes its own today)."""
    event = approvals.ApprovalRequestEvent(
        request_id=f"apr_{contract.id}",
        subject_type="service_contract",
        subject_id=contract.id,
        revision=contract.version,
        decision=decision,
        reason=reason,
        decided_by=decided_by,
        version=2,
    )
    if decided_at is not None:
        event.occur_time.FromDatetime(decided_at.astimezone(dt.UTC))
    return event


def approve(
    desk: ServiceDeskUnderTest, contract: res.MaintenanceContract, decided_at: dt.datetime | None = None
) -> bool:
    """Applies the approval as the approvals consumer would, without NATS; whether it applied."""
    ctx = desk.service.context
    with ctx.transaction() as uow:
        return apply_decision(ctx, uow, approval_event(contract, "approved", decided_at=decided_at))


def approved_contract(
    desk: ServiceDeskUnderTest, decided_at: dt.datetime | None = None, **changes: object
) -> res.MaintenanceContract:
    """submitted_contract(**changes) on 2026-01-05 09:00 Bangkok, approved at once."""
    desk.clock.set(bkk(2026, 1, 5, 9))
    contract = submitted_contract(desk, **changes)
    if not approve(desk, contract, decided_at):
        raise AssertionError(f"the approval of {contract.id} was not applied")
    return contract


def approved_copier_contract(**changes: object) -> MaintenanceContract:
    """The renewal unit tests' contract as a domain value: ma-42, calendar year 2026 billed
    quarterly at 9,125.00 THB, one copier, notices 45 and 15 days before the end, drafts 20 days
    before a period, four visits, approved 2025-12-20, auto-renewing; `changes` replace fields."""
    contract = MaintenanceContract(
        id="ma-42",
        customer_id="cust-1",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        billing_period=BillingPeriod.QUARTERLY,
        fee=Decimal("9125.00"),
        covered_items=(CoveredItem("copier-x", "SN-001", Decimal("36500.00")),),
        renewal_notice_days=(45, 15),
        invoice_lead_days=20,
        sla_policy_id="sla_gold",
        preventive_visits=PreventiveVisits(every_months=3, count=4),
        approved_on=dt.date(2025, 12, 20),
        version=7,
    )
    return replace(contract, **changes)  # type: ignore[arg-type]
