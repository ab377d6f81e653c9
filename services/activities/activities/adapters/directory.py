"""What the activities service keeps about others' records: users (from identity events,
plus each user's time zone), names of leads, customers and contacts (from contacts events),
customers' geocoded locations and teams' check-in policies (set through this service)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from activities.adapters import tables as t
from activities.adapters.activities import aware
from activities.domain.checkin import CheckinMode, CheckinPolicy, GeoPoint


@dataclass(frozen=True)
class User:
    id: str
    display_name: str = ""
    email: str = ""
    language: str = "th"
    time_zone: str = ""
    active: bool = True
    version: int = 0


@dataclass(frozen=True)
class CustomerLocation:
    customer_id: str
    point: GeoPoint
    address: str
    updated_at: dt.datetime


class Directory:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- users ---------------------------------------------------------------------------------

    def user(self, user_id: str) -> User | None:
        row = self.session.execute(select(t.users).where(t.users.c.id == user_id)).first()
        if row is None:
            return None
        return User(
            row.id, row.display_name, row.email, row.language, row.time_zone or "", row.active, row.version
        )

    def users(self, user_ids: list[str]) -> dict[str, User]:
        if not user_ids:
            return {}
        rows = self.session.execute(select(t.users).where(t.users.c.id.in_(user_ids)))
        return {
            r.id: User(r.id, r.display_name, r.email, r.language, r.time_zone or "", r.active, r.version)
            for r in rows
        }

    def upsert_user(self, user: User) -> bool:
        """Applies an identity event; False when it is older than what is stored (dropped).
        The time zone is this service's own setting and survives identity updates."""
        current = self.user(user.id)
        values: dict[str, Any] = {
            "display_name": user.display_name,
            "email": user.email,
            "language": user.language or "th",
            "active": user.active,
            "version": user.version,
        }
        if current is None:
            self.session.execute(insert(t.users).values(id=user.id, time_zone=None, **values))
            return True
        if user.version and user.version <= current.version:
            return False
        self.session.execute(update(t.users).where(t.users.c.id == user.id).values(**values))
        return True

    def set_time_zone(self, user_id: str, zone: str) -> None:
        if self.user(user_id) is None:
            self.session.execute(
                insert(t.users).values(
                    id=user_id,
                    display_name="",
                    email="",
                    language="th",
                    time_zone=zone,
                    active=True,
                    version=0,
                )
            )
        else:
            self.session.execute(update(t.users).where(t.users.c.id == user_id).values(time_zone=zone))

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
