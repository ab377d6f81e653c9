"""SLA clocks computed from a case's status history, in business time.

A clock is never stored ticking: it is recomputed from creation on every read, so a change of
priority or policy (a new target, another calendar) simply gives another answer. The clock runs
while the case is in a status that neither pauses nor fulfils it; a pause therefore subtracts
only the business time it covered. The first-response clock stops for good at the first agent
reply or the first fulfilling status; the resolution clock stops on resolve and runs again when
the case is reopened, so a breach, once reached, stays (elapsed time only grows).

Rule at the edge: a running clock breaches at its due instant; a clock fulfilled exactly at the
due instant has met its target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from service_desk.domain.calendars import BusinessCalendar, add_business_seconds, business_seconds_between
from service_desk.domain.cases import Case, CaseStatus, StatusChange
from service_desk.domain.sla_policies import DEFAULT_WARNING_SHARE, SlaPolicy


class ClockKind(StrEnum):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    FULFILLED = "fulfilled"


@dataclass(frozen=True)
class SlaClock:
    """One clock read at `now`. `warning_at` / `due_at` are the instants the clock reaches the
    warning share / the target: past when reached, projected while running, None when stopped
    short of them (a paused clock has no due time until it resumes)."""

    kind: ClockKind
    target_minutes: int
    elapsed_seconds: int
    state: ClockState
    warned: bool
    breached: bool
    warning_at: dt.datetime | None
    due_at: dt.datetime | None
    fulfilled_at: dt.datetime | None

    @property
    def elapsed_minutes(self) -> int:
        return self.elapsed_seconds // 60

    @property
    def remaining_minutes(self) -> int:
        """Business minutes left before the target (0 once reached); a started minute is left."""
        return max(0, -((self.elapsed_seconds - self.target_minutes * 60) // 60))

    @property
    def met(self) -> bool | None:
        """True when fulfilled within the target, False once breached, None while undecided."""
        if self.breached:
            return False
        return True if self.state == ClockState.FULFILLED else None


@dataclass(frozen=True)
class CaseClocks:
    first_response: SlaClock
    resolution: SlaClock


def running_spans(
    history: Iterable[StatusChange],
    now: dt.datetime,
    pause_statuses: frozenset[CaseStatus],
    fulfil_statuses: frozenset[CaseStatus],
    *,
    resumes: bool,
    fulfilled_by: dt.datetime | None = None,
) -> tuple[list[tuple[dt.datetime, dt.datetime]], ClockState, dt.datetime | None]:
    """The spans the clock ran, its state at `now` and when it was fulfilled. `fulfilled_by` is
    an outside event that stops the clock for good (the first agent reply); `resumes` lets a
    fulfilling status be left again (a reopened case)."""
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    run_start: dt.datetime | None = None
    fulfilled: dt.datetime | None = None
    final = False
    stop = fulfilled_by if fulfilled_by is not None and fulfilled_by <= now else None
    for change in history:
        if change.at > now or (stop is not None and change.at >= stop):
            break
        status = change.to_status
        if status in fulfil_statuses:
            if run_start is not None:
                spans.append((run_start, change.at))
                run_start = None
            fulfilled = fulfilled or change.at
            if not resumes:
                final = True
                break
        elif status in pause_statuses:
            if run_start is not None:
                spans.append((run_start, change.at))
                run_start = None
        else:
            fulfilled = None
            if run_start is None:
                run_start = change.at
    if stop is not None and not final:
        if run_start is not None:
            spans.append((run_start, stop))
            run_start = None
        fulfilled = stop
    if fulfilled is not None and run_start is None:
        return spans, ClockState.FULFILLED, fulfilled
    if run_start is not None:
        spans.append((run_start, now))
        return spans, ClockState.RUNNING, None
    return spans, ClockState.PAUSED, None


def _threshold_instant(
    calendar: BusinessCalendar,
    spans: list[tuple[dt.datetime, dt.datetime]],
    lengths: list[int],
    threshold: int,
    running: bool,
) -> tuple[dt.datetime | None, bool]:
    """When the clock reaches `threshold` seconds, and whether it had by the end of the spans:
    crossed inside a span, or reached and still running."""
    before = 0
    for index, ((start, _end), length) in enumerate(zip(spans, lengths, strict=True)):
        last_open = running and index == len(spans) - 1
        if before + length > threshold or (last_open and before + length >= threshold):
            return add_business_seconds(calendar, start, max(threshold - before, 0)), True
        if last_open:
            return add_business_seconds(calendar, start, threshold - before), False
        before += length
    return None, False


def compute_clock(
    kind: ClockKind,
    history: Iterable[StatusChange],
    target_minutes: int,
    calendar: BusinessCalendar,
    now: dt.datetime,
    *,
    pause_statuses: frozenset[CaseStatus],
    fulfil_statuses: frozenset[CaseStatus],
    resumes: bool,
    fulfilled_by: dt.datetime | None = None,
    warning_share: Decimal = DEFAULT_WARNING_SHARE,
) -> SlaClock:
    """One clock from the history (first entry: the creation) against a target in business minutes."""
    spans, state, fulfilled_at = running_spans(
        history, now, pause_statuses, fulfil_statuses, resumes=resumes, fulfilled_by=fulfilled_by
    )
    lengths = [business_seconds_between(calendar, start, end) for start, end in spans]
    target = target_minutes * 60
    warning = int((Decimal(target) * warning_share).to_integral_value(rounding=ROUND_HALF_UP))
    running = state == ClockState.RUNNING
    due_at, breached = _threshold_instant(calendar, spans, lengths, target, running)
    warning_at, warned = _threshold_instant(calendar, spans, lengths, warning, running)
    return SlaClock(
        kind, target_minutes, sum(lengths), state, warned, breached, warning_at, due_at, fulfilled_at
    )


def case_clocks(case: Case, policy: SlaPolicy, calendar: BusinessCalendar, now: dt.datetime) -> CaseClocks:
    """Both clocks of a case under its policy's target for the case's present priority."""
    target = policy.target_for(case.priority)
    history = sorted(case.history, key=lambda change: change.at)
    return CaseClocks(
        first_response=compute_clock(
            ClockKind.FIRST_RESPONSE,
            history,
            target.first_response_minutes,
            calendar,
            now,
            pause_statuses=policy.pause_statuses - policy.response_statuses,
            fulfil_statuses=policy.response_statuses,
            resumes=False,
            fulfilled_by=case.first_response_at,
            warning_share=policy.warning_share,
        ),
        resolution=compute_clock(
            ClockKind.RESOLUTION,
            history,
            target.resolution_minutes,
            calendar,
            now,
            pause_statuses=policy.pause_statuses,
            fulfil_statuses=policy.resolution_statuses,
            resumes=True,
            warning_share=policy.warning_share,
        ),
    )
