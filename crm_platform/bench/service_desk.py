"""Section "servicedesk": what the service desk's work costs (issue 9 sets no targets; these are
figures for capacity planning).

- SLA clocks: `case_clocks` (both clocks of a case recomputed from its status history, as every
  read and every scheduler look does) for a case with 12 status changes over three weeks on the
  Bangkok office calendar (lunch breaks, weekends, holidays); p50/p99 per read, in process.
- E-mail intake: `ingest_email` in process on a SQLite file (parse, thread lookup, case or
  message written with its events and the acknowledgement mail queued): new cases, then one
  threaded reply each; mails per second.
- Escalation pass: open cases whose SLA warning is due, worked by `check_escalations` passes (row
  lock, clocks, claim, event, next check) until none is left; cases per second, in process on
  SQLite.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from service_desk.application.cases import NewCase, create_case
from service_desk.application.email_intake import ingest_email
from service_desk.application.escalations import check_escalations
from service_desk.application.setup import create_calendar, create_policy
from service_desk.bootstrap import ServiceDesk, build_service_desk, migrate_database
from service_desk.domain.calendars import Holiday
from service_desk.domain.cases import CaseStatus, Priority, changed_status, open_case
from service_desk.domain.sla_clocks import case_clocks
from service_desk.domain.sla_policies import SlaPolicy, SlaTarget
from service_desk.settings import ServiceDeskSettings
from service_desk.testing import ADMIN, AGENT, SetClock, office_business_calendar

from crm_platform.bench.report import Figure, percentile

SECTION = "desk"
BANGKOK = ZoneInfo("Asia/Bangkok")


@dataclass(frozen=True)
class DeskBenchSettings:
    clock_reads: int = 5_000
    mails: int = 300
    escalation_cases: int = 1_000


QUICK = DeskBenchSettings(clock_reads=500, mails=30, escalation_cases=100)


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 4, day, hour, minute, tzinfo=BANGKOK)


def _clock_reads(settings: DeskBenchSettings) -> list[float]:
    holidays = [Holiday(dt.date(2026, 4, d), "Songkran") for d in (6, 13, 14, 15)]
    calendar = office_business_calendar(*holidays)
    policy = SlaPolicy("p", "Standard", 10, (SlaTarget(Priority.NORMAL, 240, 4_800),))
    case = open_case("c1", "Server room too warm", "cus-1", _at(1, 9))
    statuses = [CaseStatus.IN_PROGRESS, CaseStatus.WAITING_FOR_CUSTOMER] * 5 + [CaseStatus.RESOLVED]
    for n, status in enumerate(statuses):
        case = changed_status(case, status, _at(2 + n, 10 + n % 6, 15))
    case = changed_status(case, CaseStatus.IN_PROGRESS, _at(20, 11))  # reopened: 12 changes
    now = _at(21, 16, 45)
    samples = []
    for _ in range(settings.clock_reads):
        started = time.perf_counter()
        case_clocks(case, policy, calendar, now)
        samples.append((time.perf_counter() - started) * 1_000_000)
    return samples


def _mail(n: int, subject: str, in_reply_to: str = "") -> bytes:
    headers = [
        f"From: Khun Somchai {n} <somchai{n}@customer.example>",
        "To: support@siamsupply.example",
        f"Subject: {subject}",
        f"Message-ID: <bench-{n}-{len(in_reply_to)}@customer.example>",
        "Date: Mon, 06 Apr 2026 09:00:00 +0700",
        "Content-Type: text/plain; charset=utf-8",
    ]
    if in_reply_to:
        headers += [f"In-Reply-To: <{in_reply_to}>", f"References: <{in_reply_to}>"]
    body = "เครื่องพิมพ์ไม่ทำงาน กรุณาส่งช่างมาตรวจสอบ\n\nOn Mon, 6 Apr 2026 Support wrote:\n> old text\n"
    return ("\r\n".join(headers) + "\r\n\r\n" + body).encode()


def _service(folder: Path, clock: SetClock) -> ServiceDesk:
    settings = ServiceDeskSettings(
        database_url=f"sqlite:///{folder / 'desk.db'}",
        events_enabled=False,
        mail_enabled=False,
        var_dir=folder,
    )
    migrate_database(settings)
    return build_service_desk(settings, clock=clock)


def _timed(work: Callable[[], int]) -> tuple[int, float]:
    started = time.perf_counter()
    done = work()
    return done, time.perf_counter() - started


def _intake(settings: DeskBenchSettings) -> tuple[float, float]:
    clock = SetClock(_at(6, 9))
    with tempfile.TemporaryDirectory(prefix="bench-desk-") as folder:
        desk = _service(Path(folder), clock)
        ctx = desk.context

        def new_cases() -> int:
            for n in range(settings.mails):
                ingest_email(ctx, _mail(n, f"[ด่วน] เครื่องพิมพ์เสีย #{n}"))
            return settings.mails

        def replies() -> int:
            for n in range(settings.mails):
                ingest_email(ctx, _mail(n, "Re: เครื่องพิมพ์เสีย", f"bench-{n}-0@customer.example"))
            return settings.mails

        created, created_s = _timed(new_cases)
        threaded, threaded_s = _timed(replies)
        return created / created_s, threaded / threaded_s


def _escalations(settings: DeskBenchSettings) -> float:
    clock = SetClock(_at(6, 9))
    with tempfile.TemporaryDirectory(prefix="bench-desk-") as folder:
        desk = _service(Path(folder), clock)
        ctx = desk.context
        office = office_business_calendar()
        calendar, _ = create_calendar(ctx, ADMIN, office.name, office.zone, office.windows, office.holidays)
        targets = (SlaTarget(Priority.NORMAL, 120, 2_400),)
        create_policy(ctx, ADMIN, SlaPolicy("", "Office", 10, targets, calendar_id=calendar.id))
        for n in range(settings.escalation_cases):
            new = NewCase(title=f"UPS alarm {n}", customer_id="cus-1", team_id="support-north")
            create_case(ctx, AGENT, new)
        clock.set(_at(7, 16))  # every first-response warning and breach is due

        def passes() -> int:
            worked = 0
            while (done := check_escalations(ctx)) > 0:
                worked += done
            return worked

        worked, seconds = _timed(passes)
        return worked / seconds


def run(settings: DeskBenchSettings, emit: Callable[[Figure], None]) -> list[Figure]:
    figures: list[Figure] = []

    def add(figure: Figure) -> None:
        figures.append(figure)
        emit(figure)

    reads = _clock_reads(settings)
    note = "12 status changes over 3 weeks, office calendar with holidays"
    add(Figure(SECTION, "SLA clocks of a case, p50", percentile(reads, 0.5), "µs", note=note))
    add(Figure(SECTION, "SLA clocks of a case, p99", percentile(reads, 0.99), "µs"))
    created, threaded = _intake(settings)
    add(Figure(SECTION, "e-mail intake: new cases", created, "/s", note="SQLite, in process"))
    add(Figure(SECTION, "e-mail intake: threaded replies", threaded, "/s"))
    rate = _escalations(settings)
    add(
        Figure(
            SECTION,
            "escalation pass: warnings and breaches",
            rate,
            "/s",
            note=f"{settings.escalation_cases} due cases, SQLite",
        )
    )
    return figures
