"""Schedule conflicts: a timed activity clashes with every busy, planned activity of its
owner or an internal attendee whose occurrence overlaps one of its own occurrences.

Intervals are half-open, [start, end): 10:00-11:00 and 11:00-12:00 do not clash. A clash
does not forbid saving; saving anyway needs an explicit override, which is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chassis.errors import FailedPrecondition

# How far ahead a recurring activity's own occurrences are checked against others.
RECURRING_CHECK_HORIZON = dt.timedelta(days=366)


def overlaps(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime) -> bool:
    """Half-open overlap; a zero-length activity occupies no time and clashes with nothing."""
    if a_start >= a_end or b_start >= b_end:
        return False
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True)
class BusySlot:
    """One occurrence of someone's busy activity."""

    activity_id: str
    subject: str
    user_ids: tuple[str, ...]
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Clash:
    """An existing activity occurrence that overlaps the candidate, and whose time it takes."""

    activity_id: str
    subject: str
    start: dt.datetime
    end: dt.datetime
    user_ids: tuple[str, ...]


def find_clashes(
    candidate_id: str,
    users: Sequence[str],
    spans: Iterable[tuple[dt.datetime, dt.datetime]],
    busy: Iterable[BusySlot],
) -> list[Clash]:
    """Every busy slot of `users` overlapping one of the candidate's `spans` (itself excluded),
    by start time; each existing occurrence reported once."""
    wanted = set(users)
    own = list(spans)
    found: dict[tuple[str, dt.datetime], Clash] = {}
    for slot in busy:
        if slot.activity_id == candidate_id:
            continue
        shared = tuple(sorted(wanted.intersection(slot.user_ids)))
        if not shared:
            continue
        if any(overlaps(start, end, slot.start, slot.end) for start, end in own):
            found.setdefault(
                (slot.activity_id, slot.start),
                Clash(slot.activity_id, slot.subject, slot.start, slot.end, shared),
            )
    return sorted(found.values(), key=lambda c: (c.start, c.activity_id))


class ScheduleConflict(FailedPrecondition):
    """Saving would double-book someone; the clashes travel in the error details so the client
    can show them and offer "save anyway" (the override)."""

    def __init__(self, clashes: Sequence[Clash]) -> None:
        self.clashes = list(clashes)
        names = ", ".join(sorted({u for c in clashes for u in c.user_ids}))
        super().__init__(
            f"overlaps {len(clashes)} busy activit{'y' if len(clashes) == 1 else 'ies'} of {names}; "
            "save with override_conflicts to keep both"
        )
