"""What the activities service keeps about others' records: users and teams (the chassis
identity read model, chassis.directory, kept by its consumer handlers), each user's time zone
(set through this service, in `user_settings`), names of leads, customers and contacts (from
contacts events), customers' geocoded locations and teams' check-in policies (set here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chassis.directory import Directory as IdentityDirectory
from chassis.directory import DirectoryUser, user_of_row
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from activities.adapters import tables as t
from activities.adapters.activities import aware
from activities.domain.checkin import CheckinMode, CheckinPolicy, GeoPoint

User = DirectoryUser
"""A user as the identity events last described them (name, e-mail, language, active)."""


@dataclass(frozen=True)
class CustomerLocation:
    customer_id: str
    point: GeoPoint
    address: str
    updated_at: dt.datetime


class Directory:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.identity = IdentityDirectory(session, t.directory_tables)

    # -- users (the chassis directory) and their zones -----------------------------------------

    def user(self, user_id: str) -> User | None:
        return self.identity.user(user_id)

    def users(self, user_ids: list[str]) -> dict[str, User]:
        if not user_ids:
            return {}
        rows = self.session.execute(select(t.users).where(t.users.c.id.in_(user_ids)))
        return {u.id: u for u in (user_of_row(r) for r in rows)}

    def upsert_user(self, user: User) -> bool:
        """Stores the user unless a newer version is stored already; True when written (the
        identity handlers write through chassis.directory; tests seed users here)."""
        return self.identity.upsert_user(user)

    def time_zone(self, user_id: str) -> str:
        """The zone the user set through this service; "" when none."""
        row = self.session.execute(
            select(t.user_settings.c.time_zone).where(t.user_settings.c.user_id == user_id)
        ).first()
        return "" if row is None else str(row.time_zone)

    def set_time_zone(self, user_id: str, zone: str) -> None:
        """Also for users the identity events have not described yet."""
        s = t.user_settings
        exists = self.session.execute(select(s.c.user_id).where(s.c.user_id == user_id)).first()
        if exists is None:
            self.session.execute(insert(s).values(user_id=user_id, time_zone=zone))
        else:
            self.session.execute(update(s).where(s.c.user_id == user_id).values(time_zone=zone))

    # -- parties (names of linked records) -----------------------------------------------------

    def party_name(self, kind: str, ref_id: str) -> str | None:
        row = self.session.execute(
            select(t.parties.c.name).where(t.parties.c.kind == kind, t.parties.c.ref_id == ref_id)
        ).first()
        return None if row is None else str(row.name)

    def party_email(self, kind: str, ref_id: str) -> str:
        row = self.session.execute(
            select(t.parties.c.email).where(t.parties.c.kind == kind, t.parties.c.ref_id == ref_id)
        ).first()
        return "" if row is None else str(row.email)

    def upsert_party(self, kind: str, ref_id: str, name: str, email: str, version: int) -> bool:
        """False when the event is stale (an older version than stored)."""
        row = self.session.execute(
            select(t.parties.c.version).where(t.parties.c.kind == kind, t.parties.c.ref_id == ref_id)
        ).first()
        if row is None:
            self.session.execute(
                insert(t.parties).values(kind=kind, ref_id=ref_id, name=name, email=email, version=version)
            )
            return True
        if version and version <= row.version:
            return False
        self.session.execute(
            update(t.parties)
            .where(t.parties.c.kind == kind, t.parties.c.ref_id == ref_id)
            .values(name=name, email=email, version=version)
        )
        return True

    # -- customer locations and team policies --------------------------------------------------

    def location(self, customer_id: str) -> CustomerLocation | None:
        row = self.session.execute(
            select(t.customer_locations).where(t.customer_locations.c.customer_id == customer_id)
        ).first()
        if row is None:
            return None
        return CustomerLocation(
            row.customer_id, GeoPoint(row.latitude, row.longitude), row.address, aware(row.updated_at)
        )

    def set_location(self, location: CustomerLocation, actor: str) -> None:
        c = t.customer_locations.c
        values = {
            "latitude": location.point.latitude,
            "longitude": location.point.longitude,
            "address": location.address,
            "updated_at": location.updated_at,
            "updated_by": actor,
        }
        if self.location(location.customer_id) is None:
            self.session.execute(
                insert(t.customer_locations).values(customer_id=location.customer_id, **values)
            )
        else:
            self.session.execute(
                update(t.customer_locations).where(c.customer_id == location.customer_id).values(**values)
            )

    def policy(self, team_id: str, default: CheckinPolicy) -> CheckinPolicy:
        row = self.session.execute(
            select(t.team_policies).where(t.team_policies.c.team_id == team_id)
        ).first()
        return default if row is None else CheckinPolicy(CheckinMode(row.mode), row.radius_m)

    def set_policy(self, team_id: str, policy: CheckinPolicy) -> None:
        values = {"mode": policy.mode.value, "radius_m": policy.radius_m}
        exists = self.session.execute(
            select(t.team_policies.c.team_id).where(t.team_policies.c.team_id == team_id)
        ).first()
        if exists is None:
            self.session.execute(insert(t.team_policies).values(team_id=team_id, **values))
        else:
            self.session.execute(
                update(t.team_policies).where(t.team_policies.c.team_id == team_id).values(**values)
            )
