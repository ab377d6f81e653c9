"""The activity repository: activities with their links and attendees, read back as domain
values, and the range queries that calendars and conflict checks start from."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from chassis.errors import NotFound
from sqlalchemy import Select, and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from activities.adapters import tables as t
from activities.domain.calendar import occupied_range
from activities.domain.model import (
    Activity,
    ActivityType,
    Attendee,
    AttendeeKind,
    ConflictOverride,
    Link,
    LinkKind,
    Priority,
    Status,
)
from activities.domain.recurrence import OccurrenceChange, Series
from activities.domain.reminders import Channel, ReminderRule
from activities.domain.timing import AllDay, Due, Timed, Timing

UTC = dt.UTC
# Tasks are stored with their due day in the owner's zone at write time; queries widen the
# window by this much so a later zone change cannot hide one.
TASK_SLACK = dt.timedelta(days=1)


def aware(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they are UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _exceptions_json(series: Series | None) -> str:
    if series is None:
        return "{}"
    return json.dumps(
        {
            _stamp(original): {
                "start": _stamp(ex.start) if ex.start else None,
                "end": _stamp(ex.end) if ex.end else None,
                "status": ex.status,
                "outcome": ex.outcome,
            }
            for original, ex in sorted(series.exceptions.items())
        }
    )


def _exceptions(text: str) -> dict[dt.datetime, OccurrenceChange]:
    raw: dict[str, dict[str, Any]] = json.loads(text or "{}")
    return {
        dt.datetime.fromisoformat(original): OccurrenceChange(
            start=dt.datetime.fromisoformat(ex["start"]) if ex.get("start") else None,
            end=dt.datetime.fromisoformat(ex["end"]) if ex.get("end") else None,
            status=ex.get("status", ""),
            outcome=ex.get("outcome", ""),
        )
        for original, ex in raw.items()
    }


def _timing_columns(timing: Timing) -> dict[str, Any]:
    if isinstance(timing, Timed):
        return {"timing": "timed", "start_at": timing.start, "end_at": timing.end, "time_zone": timing.zone}
    if isinstance(timing, AllDay):
        return {
            "timing": "all_day",
            "start_date": timing.start,
            "end_date": timing.end,
            "time_zone": timing.zone,
        }
    return {"timing": "due", "due_date": timing.date, "time_zone": ""}


def _timing(row: Any) -> Timing:
    if row.timing == "timed":
        return Timed(aware(row.start_at), aware(row.end_at), row.time_zone)
    if row.timing == "all_day":
        return AllDay(row.start_date, row.end_date, row.time_zone)
    return Due(row.due_date)


def _override(text: str | None) -> ConflictOverride | None:
    if not text:
        return None
    raw = json.loads(text)
    return ConflictOverride(raw["by"], dt.datetime.fromisoformat(raw["at"]), tuple(raw["activity_ids"]))


@dataclass(frozen=True)
class StoredActivity:
    """An activity and what only the store keeps: check-in and check-out records (JSON)."""

    activity: Activity
    checkin: dict[str, Any] | None
    checkout: dict[str, Any] | None


class ActivityRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _values(self, a: Activity, owner_zone: str) -> dict[str, Any]:
        start, end = occupied_range(a, owner_zone)
        values: dict[str, Any] = {
            "id": a.id,
            "type": a.type.value,
            "subject": a.subject,
            "description": a.description,
            "private_notes": a.private_notes,
            "location": a.location,
            "owner_id": a.owner_id,
            "team_id": a.team_id,
            "priority": a.priority.value,
            "status": a.status.value,
            "outcome": a.outcome,
            "start_at": None,
            "end_at": None,
            "start_date": None,
            "end_date": None,
            "due_date": None,
            **_timing_columns(a.timing),
            "rrule": a.series.rule if a.series else "",
            "exceptions_json": _exceptions_json(a.series),
            "reminders_json": json.dumps([[r.channel.value, r.minutes_before] for r in a.reminders]),
            "busy": a.busy,
            "override_json": None
            if a.conflict_override is None
            else json.dumps(
                {
                    "by": a.conflict_override.by,
                    "at": _stamp(a.conflict_override.at),
                    "activity_ids": list(a.conflict_override.activity_ids),
                }
            ),
            "follow_up_of": a.follow_up_of or None,
            "range_start": start,
            "range_end": end,
            "version": a.version,
            "created_at": a.created_at,
            "created_by": a.created_by,
            "updated_at": a.updated_at,
            "updated_by": a.updated_by,
        }
        return values

    def add(self, a: Activity, owner_zone: str) -> None:
        self.session.execute(insert(t.activities).values(self._values(a, owner_zone)))
        self._write_parts(a)

    def save(self, a: Activity, owner_zone: str) -> None:
        """Writes a changed activity (its version already raised by the domain)."""
        values = self._values(a, owner_zone)
        values.pop("id")
        self.session.execute(update(t.activities).where(t.activities.c.id == a.id).values(values))
        self.session.execute(delete(t.activity_links).where(t.activity_links.c.activity_id == a.id))
        self.session.execute(delete(t.activity_attendees).where(t.activity_attendees.c.activity_id == a.id))
        self._write_parts(a)

    def _write_parts(self, a: Activity) -> None:
        if a.links:
            self.session.execute(
                insert(t.activity_links),
                [
                    {
                        "activity_id": a.id,
                        "position": i,
                        "kind": x.kind.value,
                        "ref_id": x.ref_id,
                        "name": x.name,
                    }
                    for i, x in enumerate(a.links)
                ],
            )
        if a.attendees:
            self.session.execute(
                insert(t.activity_attendees),
                [
                    {
                        "activity_id": a.id,
                        "position": i,
                        "kind": x.kind.value,
                        "ref_id": x.ref_id,
                        "name": x.name,
                        "email": x.email,
                    }
                    for i, x in enumerate(a.attendees)
                ],
            )

    def set_checkin(
        self, activity_id: str, checkin: dict[str, Any] | None, checkout: dict[str, Any] | None
    ) -> None:
        self.session.execute(
            update(t.activities)
            .where(t.activities.c.id == activity_id)
            .values(
                checkin_json=json.dumps(checkin) if checkin else None,
                checkout_json=json.dumps(checkout) if checkout else None,
            )
        )

    def get(self, activity_id: str, *, for_update: bool = False) -> StoredActivity:
        query = select(t.activities).where(t.activities.c.id == activity_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).first()
        if row is None:
            raise NotFound("activity", activity_id)
        return self._load([row])[0]

    def find_follow_up(self, activity_id: str) -> StoredActivity | None:
        row = self.session.execute(
            select(t.activities).where(t.activities.c.follow_up_of == activity_id)
        ).first()
        return None if row is None else self._load([row])[0]

    def _load(self, rows: Sequence[Any]) -> list[StoredActivity]:
        ids = [row.id for row in rows]
        links: dict[str, list[Link]] = {i: [] for i in ids}
        attendees: dict[str, list[Attendee]] = {i: [] for i in ids}
        if ids:
            for r in self.session.execute(
                select(t.activity_links)
                .where(t.activity_links.c.activity_id.in_(ids))
                .order_by(t.activity_links.c.activity_id, t.activity_links.c.position)
            ):
                links[r.activity_id].append(Link(LinkKind(r.kind), r.ref_id, r.name))
            for r in self.session.execute(
                select(t.activity_attendees)
                .where(t.activity_attendees.c.activity_id.in_(ids))
                .order_by(t.activity_attendees.c.activity_id, t.activity_attendees.c.position)
            ):
                attendees[r.activity_id].append(Attendee(AttendeeKind(r.kind), r.ref_id, r.name, r.email))
        return [self._activity(row, links[row.id], attendees[row.id]) for row in rows]

    def _activity(self, row: Any, links: list[Link], attendees: list[Attendee]) -> StoredActivity:
        timing = _timing(row)
        series = None
        if row.rrule and isinstance(timing, Timed):
            series = Series(
                timing.start, timing.duration, timing.zone, row.rrule, _exceptions(row.exceptions_json)
            )
        activity = Activity(
            id=row.id,
            type=ActivityType(row.type),
            subject=row.subject,
            owner_id=row.owner_id,
            team_id=row.team_id,
            timing=timing,
            description=row.description,
            private_notes=row.private_notes,
            location=row.location,
            links=tuple(links),
            attendees=tuple(attendees),
            priority=Priority(row.priority),
            status=Status(row.status),
            outcome=row.outcome,
            series=series,
            reminders=tuple(ReminderRule(Channel(c), int(m)) for c, m in json.loads(row.reminders_json)),
            busy=row.busy,
            conflict_override=_override(row.override_json),
            follow_up_of=row.follow_up_of or "",
            version=row.version,
            created_at=aware(row.created_at),
            created_by=row.created_by,
            updated_at=aware(row.updated_at),
            updated_by=row.updated_by,
        )
        checkin = json.loads(row.checkin_json) if row.checkin_json else None
        checkout = json.loads(row.checkout_json) if row.checkout_json else None
        return StoredActivity(activity, checkin, checkout)

    def in_range(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        user_ids: Iterable[str] | None = None,
        team_ids: Iterable[str] | None = None,
        limit: int = 5000,
    ) -> list[StoredActivity]:
        """Activities whose range meets [start, end) (widened for tasks), owned by or
        attended by `user_ids`, or of `team_ids`; no filter = all."""
        a = t.activities
        query: Select[Any] = select(a).where(
            a.c.range_start < end + TASK_SLACK, a.c.range_end >= start - TASK_SLACK
        )
        who = []
        if user_ids is not None:
            users = list(user_ids)
            attending = select(t.activity_attendees.c.activity_id).where(
                t.activity_attendees.c.kind == AttendeeKind.USER.value,
                t.activity_attendees.c.ref_id.in_(users),
            )
            who += [a.c.owner_id.in_(users), a.c.id.in_(attending)]
        if team_ids is not None:
            who.append(a.c.team_id.in_(list(team_ids)))
        if who:
            query = query.where(or_(*who))
        rows = self.session.execute(query.order_by(a.c.range_start, a.c.id).limit(limit)).all()
        return self._load(rows)

    def page(
        self,
        *,
        visible_users: Sequence[str] | None,
        visible_teams: Sequence[str] | None,
        owner_id: str = "",
        status: str = "",
        type_: str = "",
        link: tuple[str, str] | None = None,
        after: tuple[dt.datetime, str] | None = None,
        size: int = 50,
    ) -> list[StoredActivity]:
        """A page of activities, newest first, that the caller may see (None = no limit)."""
        a = t.activities
        query: Select[Any] = select(a)
        who = []
        if visible_users is not None:
            attending = select(t.activity_attendees.c.activity_id).where(
                t.activity_attendees.c.kind == AttendeeKind.USER.value,
                t.activity_attendees.c.ref_id.in_(list(visible_users)),
            )
            who += [a.c.owner_id.in_(list(visible_users)), a.c.id.in_(attending)]
        if visible_teams:
            who.append(a.c.team_id.in_(list(visible_teams)))
        if visible_users is not None or visible_teams is not None:
            query = query.where(or_(*who)) if who else query.where(a.c.id == "")
        if owner_id:
            query = query.where(a.c.owner_id == owner_id)
        if status:
            query = query.where(a.c.status == status)
        if type_:
            query = query.where(a.c.type == type_)
        if link is not None:
            linked = select(t.activity_links.c.activity_id).where(
                t.activity_links.c.kind == link[0], t.activity_links.c.ref_id == link[1]
            )
            query = query.where(a.c.id.in_(linked))
        if after is not None:
            query = query.where(
                or_(a.c.created_at < after[0], and_(a.c.created_at == after[0], a.c.id < after[1]))
            )
        rows = self.session.execute(query.order_by(a.c.created_at.desc(), a.c.id.desc()).limit(size)).all()
        return self._load(rows)

    def rename_links(self, kind: LinkKind, ref_id: str, name: str) -> list[str]:
        """Updates the name snapshot of every link to a record; the activities touched."""
        ids = [
            r.activity_id
            for r in self.session.execute(
                select(t.activity_links.c.activity_id).where(
                    t.activity_links.c.kind == kind.value,
                    t.activity_links.c.ref_id == ref_id,
                    t.activity_links.c.name != name,
                )
            )
        ]
        if ids:
            self.session.execute(
                update(t.activity_links)
                .where(t.activity_links.c.kind == kind.value, t.activity_links.c.ref_id == ref_id)
                .values(name=name)
            )
        return ids

    def relink(self, kind: LinkKind, old_id: str, new_id: str, name: str) -> None:
        """A merged customer: its activities now point at the survivor."""
        self.session.execute(
            update(t.activity_links)
            .where(t.activity_links.c.kind == kind.value, t.activity_links.c.ref_id == old_id)
            .values(ref_id=new_id, name=name)
        )
