"""Activity use cases: create, read, list, change (one occurrence, this and following, or
all), complete (with its follow-up) and cancel. One transaction each, with the outbox event
and the re-planned reminders in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from chassis.errors import Conflict, InvalidArgument, PermissionDenied
from chassis.identity import Caller

from activities.adapters.activities import StoredActivity
from activities.application.context import ActivitiesContext, UnitOfWork, can_see, require_edit, require_see
from activities.application.scheduling import check_clashes, clashes_for, plan_reminders, view_of
from activities.domain import events as ev
from activities.domain.conflicts import Clash
from activities.domain.forms import TIME_FIELDS, ActivityForm, form_of, merged_form, new_activity
from activities.domain.model import Activity, AttendeeKind, Link, LinkKind, follow_up_activity
from activities.domain.recurrence import OccurrenceChange
from activities.domain.timing import Timed

SNAPSHOT_KINDS = {LinkKind.LEAD, LinkKind.CUSTOMER, LinkKind.CONTACT}


@dataclass(frozen=True)
class Saved:
    activity: StoredActivity
    clashes: list[Clash]
    split: StoredActivity | None = None


def _owner_and_team(caller: Caller, form: ActivityForm) -> tuple[str, str]:
    owner = form.owner_id.strip() or caller.user_id
    team = form.team_id.strip() or (sorted(caller.team_ids)[0] if caller.team_ids else "")
    if owner != caller.user_id and not caller.can_access(owner, team):
        raise PermissionDenied(f"{caller.user_id} may not plan activities for {owner}")
    return owner, team


def _snapshots(uow: UnitOfWork, activity: Activity) -> Activity:
    """Names of linked records and attendees from what this service knows (events), else as sent."""
    links = tuple(
        Link(x.kind, x.ref_id, uow.directory.party_name(x.kind.value, x.ref_id) or x.name)
        if x.kind in SNAPSHOT_KINDS
        else x
        for x in activity.links
    )
    attendees = []
    for a in activity.attendees:
        if a.kind is AttendeeKind.USER:
            user = uow.directory.user(a.ref_id)
            if user is not None:
                a = replace(a, name=a.name or user.display_name, email=a.email or user.email)
        else:
            a = replace(
                a,
                name=a.name or uow.directory.party_name("contact", a.ref_id) or "",
                email=a.email or uow.directory.party_email("contact", a.ref_id),
            )
        attendees.append(a)
    return replace(activity, links=links, attendees=tuple(attendees))


def create_activity(ctx: ActivitiesContext, caller: Caller, form: ActivityForm, *, override: bool) -> Saved:
    now = ctx.clock()
    owner, team = _owner_and_team(caller, form)
    with ctx.transaction() as uow:
        zone = uow.zone_of_user(owner)
        activity = new_activity(form, ctx.ids("act"), owner, team, zone, caller.user_id, now)
        activity = _snapshots(uow, activity)
        activity, clashes = check_clashes(uow, activity, override, caller.user_id, now)
        uow.activities.add(activity, zone)
        plan_reminders(uow, activity, now, ctx.policy.reminder_horizon)
        stored = StoredActivity(activity, None, None)
        uow.emit(ev.ActivityCreated(view_of(uow, stored)))
    return Saved(stored, clashes)


def find_conflicts(ctx: ActivitiesContext, caller: Caller, form: ActivityForm) -> list[Clash]:
    """The clashes a draft would have; nothing is written."""
    owner, team = _owner_and_team(caller, form)
    with ctx.reading() as uow:
        zone = uow.zone_of_user(owner)
        draft = new_activity(form, "draft", owner, team, zone, caller.user_id, ctx.clock())
        return clashes_for(uow, draft)


def get_activity(ctx: ActivitiesContext, caller: Caller, activity_id: str) -> tuple[StoredActivity, str]:
    """The activity and its owner's zone (for due states)."""
    with ctx.reading() as uow:
        stored = uow.activities.get(activity_id)
        require_see(caller, stored)
        return stored, uow.owner_zone(stored.activity)


def list_activities(
    ctx: ActivitiesContext,
    caller: Caller,
    *,
    owner_id: str,
    status: str,
    type_: str,
    link: tuple[str, str] | None,
    after: tuple[dt.datetime, str] | None,
    size: int,
) -> list[tuple[StoredActivity, str]]:
    users: Sequence[str] | None = None if caller.sees_all else [caller.user_id]
    teams: Sequence[str] | None = (
        None if caller.sees_all else (sorted(caller.team_ids) if caller.is_manager else [])
    )
    with ctx.reading() as uow:
        found = uow.activities.page(
            visible_users=users,
            visible_teams=teams,
            owner_id=owner_id,
            status=status,
            type_=type_,
            link=link,
            after=after,
            size=size,
        )
        return [(s, uow.owner_zone(s.activity)) for s in found if can_see(caller, s.activity)]


def _locked(uow: UnitOfWork, caller: Caller, activity_id: str, expected_version: int = 0) -> StoredActivity:
    stored = uow.activities.get(activity_id, for_update=True)
    require_see(caller, stored)
    require_edit(caller, stored.activity)
    if expected_version and expected_version != stored.activity.version:
        raise Conflict(f"the activity is at version {stored.activity.version}, not {expected_version}")
    return stored


def update_activity(
    ctx: ActivitiesContext,
    caller: Caller,
    activity_id: str,
    change: ActivityForm,
    paths: Sequence[str],
    *,
    expected_version: int = 0,
    scope: str = "all",
    occurrence_start: dt.datetime | None = None,
    override: bool = False,
) -> Saved:
    now = ctx.clock()
    with ctx.transaction() as uow:
        stored = _locked(uow, caller, activity_id, expected_version)
        current = stored.activity
        current.require_open()
        if scope != "all" and current.series is None:
            raise InvalidArgument("scope", "the activity does not recur")
        if scope != "all" and occurrence_start is None:
            raise InvalidArgument("occurrence_start", "is required for this scope")
        merged = merged_form(form_of(current), change, paths)
        zone = uow.owner_zone(current)
        split: StoredActivity | None = None
        if scope == "this":
            assert current.series is not None
            assert occurrence_start is not None
            updated = _change_one(current, merged, paths, occurrence_start, caller.user_id, now)
        elif scope == "this_and_following":
            assert current.series is not None
            assert occurrence_start is not None
            head, tail = current.series.split_at(occurrence_start)
            updated = current.touched(caller.user_id, now, series=head)
            tail_form = merged
            if "start_time" not in paths:
                shift = occurrence_start - current.series.start
                assert merged.start_time is not None
                assert merged.end_time is not None
                tail_form = replace(
                    merged, start_time=merged.start_time + shift, end_time=merged.end_time + shift
                )
            if "recurrence" not in paths:
                tail_form = replace(tail_form, rrule=tail.rule)
            fresh = new_activity(
                tail_form, ctx.ids("act"), current.owner_id, current.team_id, zone, caller.user_id, now
            )
            fresh = _snapshots(uow, fresh)
            fresh, _ = check_clashes(uow, fresh, override, caller.user_id, now)
            uow.activities.add(fresh, zone)
            plan_reminders(uow, fresh, now, ctx.policy.reminder_horizon)
            split = StoredActivity(fresh, None, None)
        else:
            rebuilt = new_activity(
                merged, current.id, merged.owner_id, merged.team_id, zone, caller.user_id, now
            )
            if merged.owner_id != current.owner_id or merged.team_id != current.team_id:
                caller.require_access(merged.owner_id, merged.team_id, "owner or team")
            keep = (
                current.series.exceptions
                if current.series and not (TIME_FIELDS | {"recurrence"}) & set(paths)
                else {}
            )
            series = replace(rebuilt.series, exceptions=keep) if rebuilt.series is not None else None
            updated = current.touched(
                caller.user_id,
                now,
                **{
                    name: getattr(rebuilt, name)
                    for name in ("subject", "description", "private_notes", "location", "links", "attendees")
                },
                owner_id=rebuilt.owner_id,
                team_id=rebuilt.team_id,
                priority=rebuilt.priority,
                timing=rebuilt.timing,
                reminders=rebuilt.reminders,
                conflict_override=None,
            )
            updated = replace(_snapshots(uow, updated), series=series)
        clashes: list[Clash] = []
        if (TIME_FIELDS | {"recurrence", "attendees", "owner_id"}) & set(paths):
            updated, clashes = check_clashes(uow, updated, override, caller.user_id, now)
        uow.activities.save(updated, uow.zone_of_user(updated.owner_id))
        plan_reminders(uow, updated, now, ctx.policy.reminder_horizon)
        result = StoredActivity(updated, stored.checkin, stored.checkout)
        uow.emit(ev.ActivityUpdated(view_of(uow, result)))
        if split is not None:
            uow.emit(ev.ActivityCreated(view_of(uow, split)))
    return Saved(result, clashes, split)


def _change_one(
    current: Activity,
    merged: ActivityForm,
    paths: Sequence[str],
    original: dt.datetime,
    actor: str,
    now: dt.datetime,
) -> Activity:
    """One occurrence moved (only its times may change on its own)."""
    assert current.series is not None
    other = [p for p in paths if p not in ("start_time", "end_time")]
    if other:
        raise InvalidArgument(
            "update_mask", f"one occurrence can only be moved; {', '.join(other)} need scope all"
        )
    assert merged.start_time is not None
    assert merged.end_time is not None
    moved = Timed(merged.start_time, merged.end_time, current.series.zone)
    from activities.domain.timing import timed

    moved = timed(moved.start, moved.end, moved.zone)
    series = current.series.with_exception(original, OccurrenceChange(start=moved.start, end=moved.end))
    return current.touched(actor, now, series=series)


def complete_activity(
    ctx: ActivitiesContext, caller: Caller, activity_id: str, outcome: str, occurrence: dt.datetime | None
) -> tuple[StoredActivity, StoredActivity | None]:
    """Done with outcome notes; the type's follow-up is created in the same transaction, so
    exactly one exists (the state machine refuses a second completion)."""
    now = ctx.clock()
    with ctx.transaction() as uow:
        stored = _locked(uow, caller, activity_id)
        current = stored.activity
        current.require_open()
        zone = uow.owner_zone(current)
        occurrence_id = ""
        if occurrence is not None and current.series is not None:
            change = OccurrenceChange(status="done", outcome=outcome.strip())
            updated = current.touched(
                caller.user_id, now, series=current.series.with_exception(occurrence, change)
            )
            occurrence_id = f"{current.id}@{occurrence.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
        else:
            updated = current.complete(caller.user_id, now, outcome)
        uow.activities.save(updated, zone)
        plan_reminders(uow, updated, now, ctx.policy.reminder_horizon)
        follow = None
        nxt = follow_up_activity(updated, ctx.policy.types[current.type], ctx.ids("act"), now, zone)
        if nxt is not None and not occurrence_id:
            uow.activities.add(nxt, zone)
            plan_reminders(uow, nxt, now, ctx.policy.reminder_horizon)
            follow = StoredActivity(nxt, None, None)
        result = StoredActivity(updated, stored.checkin, stored.checkout)
        uow.emit(
            ev.ActivityCompleted(view_of(uow, result), follow.activity.id if follow else "", occurrence_id)
        )
        if follow is not None:
            uow.emit(ev.ActivityCreated(view_of(uow, follow)))
    return result, follow


def cancel_activity(
    ctx: ActivitiesContext, caller: Caller, activity_id: str, reason: str, occurrence: dt.datetime | None
) -> StoredActivity:
    now = ctx.clock()
    with ctx.transaction() as uow:
        stored = _locked(uow, caller, activity_id)
        current = stored.activity
        current.require_open()
        occurrence_id = ""
        if occurrence is not None and current.series is not None:
            change = OccurrenceChange(status="cancelled", outcome=reason.strip())
            updated = current.touched(
                caller.user_id, now, series=current.series.with_exception(occurrence, change)
            )
            occurrence_id = f"{current.id}@{occurrence.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
        else:
            updated = current.cancel(caller.user_id, now, reason)
        uow.activities.save(updated, uow.owner_zone(current))
        plan_reminders(uow, updated, now, ctx.policy.reminder_horizon)
        result = StoredActivity(updated, stored.checkin, stored.checkout)
        uow.emit(ev.ActivityCancelled(view_of(uow, result), occurrence_id))
    return result
