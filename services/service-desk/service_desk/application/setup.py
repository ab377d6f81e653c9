"""Calendars and SLA policies (admins write, everyone signed in reads). Each is checked whole
before it is stored, so nothing half-valid is ever written and no clock meets a bad ruler."""

from __future__ import annotations

from dataclasses import replace

from chassis.errors import Conflict, InvalidArgument, NotFound
from chassis.identity import Caller

from service_desk.adapters.repositories import Stamped
from service_desk.application.context import ServiceDeskContext, UnitOfWork
from service_desk.domain.calendars import BusinessCalendar, Holiday, WorkingWindow, business_calendar
from service_desk.domain.sla_policies import SlaPolicy, checked_policy

MAX_PAGE = 200


def page_of(page_size: int, page_token: str) -> tuple[int, int]:
    """(offset, size) from a request's page fields; tokens are opaque offsets."""
    if page_size < 0:
        raise InvalidArgument("page_size", "must not be negative")
    try:
        offset = int(page_token or "0")
    except ValueError:
        raise InvalidArgument("page_token", "is not a token this service gave") from None
    if offset < 0:
        raise InvalidArgument("page_token", "is not a token this service gave")
    return offset, min(page_size or 50, MAX_PAGE)


def next_token(offset: int, size: int, found: int) -> str:
    return str(offset + size) if found == size else ""


def create_calendar(
    ctx: ServiceDeskContext,
    caller: Caller,
    name: str,
    zone: str,
    windows: tuple[WorkingWindow, ...],
    holidays: tuple[Holiday, ...],
) -> tuple[BusinessCalendar, Stamped]:
    caller.require_role("admin")
    calendar = business_calendar(ctx.ids("cal"), name, zone, windows, holidays)
    now = ctx.clock()
    with ctx.transaction() as uow:
        uow.calendars.add(calendar, caller.user_id, now)
    return calendar, Stamped(1, now, caller.user_id)


def update_calendar(
    ctx: ServiceDeskContext,
    caller: Caller,
    id: str,
    name: str,
    zone: str,
    windows: tuple[WorkingWindow, ...],
    holidays: tuple[Holiday, ...],
    expected_version: int,
) -> tuple[BusinessCalendar, Stamped]:
    caller.require_role("admin")
    if not id.strip():
        raise InvalidArgument("calendar.id", "is required")
    calendar = business_calendar(id, name, zone, windows, holidays)
    now = ctx.clock()
    with ctx.transaction() as uow:
        stored = uow.calendars.get(id, for_update=True)
        if stored is None:
            raise NotFound("calendar", id)
        version = _expect(stored[1], expected_version, f"calendar {id}")
        uow.calendars.save(calendar, version, caller.user_id, now)
        uow.cases.recheck_under([p.id for p, _ in uow.policies.all() if p.calendar_id == id], now)
    return calendar, Stamped(version + 1, now, caller.user_id)


def get_calendar(ctx: ServiceDeskContext, caller: Caller, id: str) -> tuple[BusinessCalendar, Stamped]:
    with ctx.reading() as uow:
        found = uow.calendars.get(id)
    if found is None:
        raise NotFound("calendar", id)
    return found


def list_calendars(
    ctx: ServiceDeskContext, caller: Caller, page_size: int, page_token: str
) -> tuple[list[tuple[BusinessCalendar, Stamped]], str]:
    offset, size = page_of(page_size, page_token)
    with ctx.reading() as uow:
        found = uow.calendars.page(offset, size)
    return found, next_token(offset, size, len(found))


def _expect(stamp: Stamped, expected: int, what: str) -> int:
    if expected and expected != stamp.version:
        raise Conflict(f"{what} is at version {stamp.version}, not {expected}")
    return stamp.version


def _check_calendar_named(uow: UnitOfWork, policy: SlaPolicy) -> None:
    if policy.calendar_id and uow.calendars.get(policy.calendar_id) is None:
        raise InvalidArgument("calendar_id", f"no calendar {policy.calendar_id!r}")


def create_policy(ctx: ServiceDeskContext, caller: Caller, policy: SlaPolicy) -> tuple[SlaPolicy, Stamped]:
    caller.require_role("admin")
    created = checked_policy(replace(policy, id=ctx.ids("sla")))
    now = ctx.clock()
    with ctx.transaction() as uow:
        _check_calendar_named(uow, created)
        uow.policies.add(created, caller.user_id, now)
    return created, Stamped(1, now, caller.user_id)


def update_policy(
    ctx: ServiceDeskContext, caller: Caller, policy: SlaPolicy, expected_version: int
) -> tuple[SlaPolicy, Stamped]:
    caller.require_role("admin")
    if not policy.id:
        raise InvalidArgument("policy.id", "is required")
    checked_policy(policy)
    now = ctx.clock()
    with ctx.transaction() as uow:
        stored = uow.policies.get(policy.id, for_update=True)
        if stored is None:
            raise NotFound("SLA policy", policy.id)
        version = _expect(stored[1], expected_version, f"SLA policy {policy.id}")
        _check_calendar_named(uow, policy)
        uow.policies.save(policy, version, caller.user_id, now)
        uow.cases.recheck_under([policy.id], now)
    return policy, Stamped(version + 1, now, caller.user_id)


def list_policies(
    ctx: ServiceDeskContext, caller: Caller, page_size: int, page_token: str
) -> tuple[list[tuple[SlaPolicy, Stamped]], str]:
    offset, size = page_of(page_size, page_token)
    with ctx.reading() as uow:
        found = uow.policies.all(offset, size)
    return found, next_token(offset, size, len(found))
