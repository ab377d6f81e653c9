"""Recurring activities: an RFC 5545 RRULE over a local start time in an IANA zone, expanded
on read inside a window (never stored occurrence by occurrence), with per-occurrence
exceptions (moved, cancelled, done) and the "this and following" split.

Rules (issue 8): FREQ is DAILY, WEEKLY, MONTHLY or YEARLY; a rule must end (COUNT or UNTIL),
an endless series is refused; at most MAX_COUNT occurrences and UNTIL at most MAX_SPAN after
the start. Expansion runs on local wall-clock time (python-dateutil with a zone-aware start),
so a weekly 09:00 America/New_York meeting stays at 09:00 local across the DST change;
a local time that does not exist (the spring-forward gap) takes the offset before the gap,
as RFC 5545 §3.3.5 says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from chassis.errors import InvalidArgument
from dateutil.rrule import rrule, rrulestr

UTC = dt.UTC
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
ALLOWED_PARTS = frozenset(
    {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST", "BYYEARDAY"}
)
MAX_COUNT = 1000
MAX_SPAN = dt.timedelta(days=5 * 366)
FIELD = "recurrence.rrule"


def _parts(rule: str) -> dict[str, str]:
    text = rule.strip().removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for item in text.split(";"):
        if not item:
            continue
        name, sep, value = item.partition("=")
        if not sep or not value:
            raise InvalidArgument(FIELD, f"{item!r} is not NAME=VALUE")
        name = name.strip().upper()
        if name not in ALLOWED_PARTS:
            raise InvalidArgument(FIELD, f"{name} is not supported")
        if name in parts:
            raise InvalidArgument(FIELD, f"{name} is given twice")
        parts[name] = value.strip().upper()
    return parts


def _until_utc(value: str) -> dt.datetime:
    """UNTIL as a UTC instant: RFC 5545 wants UTC ("...Z") when DTSTART has a zone; a bare
    date means the end of that day in UTC."""
    try:
        if len(value) == 8:
            day = dt.datetime.strptime(value, "%Y%m%d").replace(tzinfo=UTC)
            return day + dt.timedelta(days=1) - dt.timedelta(seconds=1)
        if value.endswith("Z"):
            return dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        pass
    raise InvalidArgument(FIELD, f"UNTIL={value} must be a UTC date-time like 20261231T235959Z")


def normalise_rule(rule: str, local_start: dt.datetime) -> str:
    """The validated rule text (upper case, UNTIL in UTC). Refuses endless rules, too many
    occurrences, sub-daily frequencies and rules that produce no occurrence at all."""
    parts = _parts(rule)
    freq = parts.get("FREQ")
    if freq not in FREQUENCIES:
        raise InvalidArgument(FIELD, f"FREQ must be one of {', '.join(FREQUENCIES)}")
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise InvalidArgument(FIELD, "never ends: give COUNT or UNTIL")
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidArgument(FIELD, "give COUNT or UNTIL, not both")
    if "COUNT" in parts and (not parts["COUNT"].isdigit() or not 1 <= int(parts["COUNT"]) <= MAX_COUNT):
        raise InvalidArgument(FIELD, f"COUNT must be 1 to {MAX_COUNT}")
    if "UNTIL" in parts:
        until = _until_utc(parts["UNTIL"])
        if until - local_start.astimezone(UTC) > MAX_SPAN:
            raise InvalidArgument(FIELD, "UNTIL is more than five years after the start")
        parts["UNTIL"] = until.strftime("%Y%m%dT%H%M%SZ")
    text = ";".join(f"{k}={v}" for k, v in parts.items())
    try:
        compiled = _compile(text, local_start)
        count = compiled.count() or 0
        first = compiled[0] if count else None
        if count > MAX_COUNT:
            raise InvalidArgument(FIELD, f"gives more than {MAX_COUNT} occurrences")
    except (ValueError, IndexError, TypeError) as error:
        raise InvalidArgument(FIELD, f"is not a valid RRULE: {error}") from None
    if first is None:
        raise InvalidArgument(FIELD, "gives no occurrence at all")
    return text


def _compile(rule: str, local_start: dt.datetime) -> rrule:
    compiled = rrulestr(rule, dtstart=local_start)
    assert isinstance(compiled, rrule)
    return compiled


@dataclass(frozen=True)
class OccurrenceChange:
    """What differs for one occurrence (keyed by its original start): moved, cancelled or done."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None
    status: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class Occurrence:
    """One concrete occurrence: `original_start` identifies it (iCalendar RECURRENCE-ID)."""

    original_start: dt.datetime
    start: dt.datetime
    end: dt.datetime
    status: str = ""
    outcome: str = ""
    moved: bool = False


@dataclass(frozen=True)
class Series:
    """A recurring timed activity: first start and duration, zone, rule and exceptions."""

    start: dt.datetime
    duration: dt.timedelta
    zone: str
    rule: str
    exceptions: Mapping[dt.datetime, OccurrenceChange] = field(default_factory=dict)

    def local_start(self) -> dt.datetime:
        return self.start.astimezone(ZoneInfo(self.zone))

    def original_starts(self) -> Iterator[dt.datetime]:
        """Every occurrence's original start in UTC (the rule always ends, so this does)."""
        for local in _compile(self.rule, self.local_start()):
            yield local.astimezone(UTC)

    def last_end(self) -> dt.datetime:
        """The end of the last occurrence, moved ones included (the series' database range)."""
        latest = self.start + self.duration
        for original in self.original_starts():
            latest = max(latest, original + self.duration)
        for ex in self.exceptions.values():
            if ex.end is not None:
                latest = max(latest, ex.end)
        return latest

    def first_start(self) -> dt.datetime:
        earliest = self.start
        for ex in self.exceptions.values():
            if ex.start is not None:
                earliest = min(earliest, ex.start)
        return earliest

    def occurrences(self, window_start: dt.datetime, window_end: dt.datetime) -> list[Occurrence]:
        """Occurrences overlapping [window_start, window_end), exceptions applied, by start."""
        found: list[Occurrence] = []
        moved_early = any(e.start is not None and e.start < window_end for e in self.exceptions.values())
        for original in self.original_starts():
            if original >= window_end and not moved_early:
                break  # occurrences come in order and none was moved back into the window
            ex = self.exceptions.get(original)
            start = ex.start if ex is not None and ex.start is not None else original
            end = ex.end if ex is not None and ex.end is not None else start + self.duration
            if start < window_end and (end > window_start or (start == end and start >= window_start)):
                found.append(
                    Occurrence(
                        original_start=original,
                        start=start,
                        end=end,
                        status=ex.status if ex else "",
                        outcome=ex.outcome if ex else "",
                        moved=ex is not None and ex.start is not None and ex.start != original,
                    )
                )
        return sorted(found, key=lambda o: (o.start, o.original_start))

    def is_occurrence(self, original_start: dt.datetime) -> bool:
        return any(original == original_start for original in self.original_starts())

    def with_exception(self, original_start: dt.datetime, exception: OccurrenceChange) -> Series:
        """This series with one occurrence changed; an unknown occurrence is InvalidArgument."""
        if not self.is_occurrence(original_start):
            raise InvalidArgument("occurrence_start", "is not an occurrence of this series")
        merged = dict(self.exceptions)
        before = merged.get(original_start)
        if before is not None:
            exception = OccurrenceChange(
                start=exception.start or before.start,
                end=exception.end or before.end,
                status=exception.status or before.status,
                outcome=exception.outcome or before.outcome,
            )
        merged[original_start] = exception
        return replace(self, exceptions=merged)

    def split_at(self, original_start: dt.datetime) -> tuple[Series, Series]:
        """ "This and following": the series up to (not including) `original_start`, and a new
        series from it with the rest of the occurrences (COUNT reduced by those before)."""
        originals = list(self.original_starts())
        if original_start not in originals:
            raise InvalidArgument("occurrence_start", "is not an occurrence of this series")
        index = originals.index(original_start)
        if index == 0:
            raise InvalidArgument("occurrence_start", "is the first occurrence: change the whole series")
        parts = _parts(self.rule)
        head_parts = {k: v for k, v in parts.items() if k not in ("COUNT", "UNTIL")}
        head_until = (originals[index - 1]).strftime("%Y%m%dT%H%M%SZ")
        head_rule = ";".join([*(f"{k}={v}" for k, v in head_parts.items()), f"UNTIL={head_until}"])
        tail_parts = dict(parts)
        if "COUNT" in parts:
            tail_parts["COUNT"] = str(int(parts["COUNT"]) - index)
        tail_rule = ";".join(f"{k}={v}" for k, v in tail_parts.items())
        head = replace(
            self, rule=head_rule, exceptions={k: v for k, v in self.exceptions.items() if k < original_start}
        )
        tail = replace(
            self,
            start=original_start,
            rule=tail_rule,
            exceptions={k: v for k, v in self.exceptions.items() if k >= original_start},
        )
        return head, tail


def series(start: dt.datetime, end: dt.datetime, zone: str, rule: str) -> Series:
    """A validated series whose first occurrence is [start, end) in `zone`."""
    tz = ZoneInfo(zone)
    text = normalise_rule(rule, start.astimezone(tz))
    made = Series(start=start.astimezone(UTC), duration=end - start, zone=zone, rule=text)
    originals = list(made.original_starts())
    if originals[0] != made.start:
        raise InvalidArgument("start_time", "is not an occurrence of the rule (e.g. BYDAY names another day)")
    return made
