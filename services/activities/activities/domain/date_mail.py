"""Date-based customer mail: rules on a date field (a contact's birthday, a customer's
anniversary, a contract's end), and the pure answer to "when is this rule due for this date
in this year, in this zone".

Birthdays and anniversaries are annual: their year is ignored and 29 February falls on
28 February in years without one. A contract end is an absolute date: it happens once, in
its own year. The mail goes out `offset_days` from the date (negative = before) at the rule's
local `send_time` in its zone; the year of a send is the year of the date it is about (a
greeting sent on 27 December for a 3 January birthday belongs to the next year), which with
the rule and the recipient makes the exactly-once key.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from chassis.errors import InvalidArgument, ViolationCollector

from activities.domain.timing import zone_of

MAX_OFFSET_DAYS = 366
TEMPLATES = frozenset({"birthday", "anniversary", "contract_end"})
LANGUAGES = frozenset({"th", "en"})


class DateField(StrEnum):
    BIRTHDAY = "birthday"  # a contact person's, from contacts events
    ANNIVERSARY = "anniversary"  # a customer's, from contacts events
    CONTRACT_END = "contract_end"  # a contract's, from service-desk (see README)

    @property
    def annual(self) -> bool:
        return self is not DateField.CONTRACT_END

    @property
    def marketing(self) -> bool:
        """Marketing mail needs the recipient's recorded consent (Thai PDPA); service mail not."""
        return self is not DateField.CONTRACT_END


class Recurrence(StrEnum):
    YEARLY = "yearly"
    ONCE = "once"  # only the first date on or after the rule's creation


@dataclass(frozen=True)
class DateMailRule:
    id: str
    name: str
    field: DateField
    offset_days: int
    send_time: dt.time
    time_zone: str
    template: str
    language: str
    recurrence: Recurrence
    active: bool
    version: int
    created_at: dt.datetime
    created_by: str

    def key(self, recipient_kind: str, recipient_id: str, subject_id: str, year: int) -> str:
        """The exactly-once key of one send: (rule, recipient, dated record, year); a
        once-rule has one key per recipient and record whatever the year."""
        year_part = 0 if self.recurrence is Recurrence.ONCE else year
        return f"{self.id}:{recipient_kind}:{recipient_id}:{subject_id}:{year_part}"


def date_in_year(date: dt.date, year: int) -> dt.date:
    """The annual date in `year`: 29 February becomes 28 February when `year` has none."""
    if date.month == 2 and date.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return date.replace(year=year)


def due_at(
    date: dt.date, year: int, *, annual: bool, offset_days: int, send_time: dt.time, zone: str
) -> dt.datetime | None:
    """The UTC instant the mail about `date`'s occurrence in `year` is due, or None when an
    absolute date does not occur in `year`. A local send time that a DST change skips is
    moved forward by the gap (zoneinfo's fold=0 reading), one that repeats takes the first."""
    if annual:
        day = date_in_year(date, year)
    elif date.year == year:
        day = date
    else:
        return None
    local = dt.datetime.combine(
        day + dt.timedelta(days=offset_days), send_time, tzinfo=zone_of(zone, "time_zone")
    )
    # Round-trip through UTC normalises a wall time inside a DST gap.
    return local.astimezone(dt.UTC)


def occurrences(
    date: dt.date,
    *,
    annual: bool,
    offset_days: int,
    send_time: dt.time,
    zone: str,
    start: dt.datetime,
    end: dt.datetime,
) -> Iterator[tuple[int, dt.datetime]]:
    """(year, due instant) of every send in [start, end), oldest first."""
    first = start.year - 2 if annual else date.year
    last = end.year + 2 if annual else date.year
    for year in range(first, last + 1):
        at = due_at(date, year, annual=annual, offset_days=offset_days, send_time=send_time, zone=zone)
        if at is not None and start <= at < end:
            yield year, at


@dataclass(frozen=True)
class RuleForm:
    name: str = ""
    field: str = ""
    offset_days: int = 0
    send_time: str = ""
    time_zone: str = ""
    template: str = ""
    language: str = ""
    recurrence: str = ""
    active: bool = True


def parse_rule(
    form: RuleForm, rule_id: str, default_zone: str, actor: str, now: dt.datetime, version: int = 1
) -> DateMailRule:
    """A rule from user input; every bad field is named at once (nothing is stored)."""
    errors = ViolationCollector()
    name = form.name.strip()
    if not name or len(name) > 200:
        errors.add("name", "is required (at most 200 characters)")
    try:
        field = DateField(form.field)
    except ValueError:
        errors.add("field", f"must be one of {', '.join(f.value for f in DateField)}")
        field = DateField.BIRTHDAY
    if not -MAX_OFFSET_DAYS <= form.offset_days <= MAX_OFFSET_DAYS:
        errors.add("offset_days", f"must be between -{MAX_OFFSET_DAYS} and {MAX_OFFSET_DAYS}")
    send_time = dt.time(9, 0)
    if form.send_time:
        try:
            send_time = dt.time.fromisoformat(form.send_time)
        except ValueError:
            errors.add("send_time", "must be HH:MM local time")
        if send_time.tzinfo is not None or send_time.second or send_time.microsecond:
            errors.add("send_time", "must be HH:MM local time")
    zone = form.time_zone.strip() or default_zone
    try:
        zone_of(zone, "time_zone")
    except InvalidArgument:
        errors.add("time_zone", f"{zone!r} is not an IANA time zone")
    template = form.template.strip() or (field.value if form.field in {f.value for f in DateField} else "")
    if template not in TEMPLATES:
        errors.add("template", f"must be one of {', '.join(sorted(TEMPLATES))}")
    language = form.language.strip() or "th"
    if language not in LANGUAGES:
        errors.add("language", "must be th or en")
    try:
        recurrence = Recurrence(form.recurrence or ("yearly" if field.annual else "once"))
    except ValueError:
        errors.add("recurrence", "must be yearly or once")
        recurrence = Recurrence.ONCE
    if recurrence is Recurrence.YEARLY and not field.annual:
        errors.add("recurrence", f"{field.value} is a date that happens once")
    errors.raise_if_any()
    return DateMailRule(
        rule_id,
        name,
        field,
        form.offset_days,
        send_time,
        zone,
        template,
        language,
        recurrence,
        form.active,
        version,
        now,
        actor,
    )
