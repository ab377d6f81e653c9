"""Which business calendar applies when a case's SLA policy names none: its team's, else the
company's (`company_settings` key "calendar_id"), else 24x7. Stored here; chosen in
application/sla.py."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service_desk.adapters.tables import cases, company_settings, team_calendars

COMPANY_CALENDAR = "calendar_id"


def team_calendar(session: Session, team_id: str) -> str:
    """The team's own calendar id ("" when it has none)."""
    if not team_id:
        return ""
    row = session.execute(
        sa.select(team_calendars.c.calendar_id).where(team_calendars.c.team_id == team_id)
    ).first()
    return "" if row is None else str(row.calendar_id)


def company_calendar(session: Session) -> str:
    """The company's calendar id ("" for 24x7)."""
    row = session.execute(
        sa.select(company_settings.c.value).where(company_settings.c.name == COMPANY_CALENDAR)
    ).first()
    return "" if row is None else str(row.value)


def all_team_calendars(session: Session) -> dict[str, str]:
    rows = session.execute(sa.select(team_calendars).order_by(team_calendars.c.team_id))
    return {r.team_id: r.calendar_id for r in rows}


def set_team_calendar(session: Session, team_id: str, calendar_id: str, by: str, at: dt.datetime) -> None:
    """Gives the team `calendar_id`; "" removes the team's own calendar."""
    session.execute(sa.delete(team_calendars).where(team_calendars.c.team_id == team_id))
    if calendar_id:
        session.execute(
            sa.insert(team_calendars).values(
                team_id=team_id, calendar_id=calendar_id, updated_at=at, updated_by=by
            )
        )


def set_company_calendar(session: Session, calendar_id: str, by: str, at: dt.datetime) -> None:
    session.execute(sa.delete(company_settings).where(company_settings.c.name == COMPANY_CALENDAR))
    session.execute(
        sa.insert(company_settings).values(
            name=COMPANY_CALENDAR, value=calendar_id, updated_at=at, updated_by=by
        )
    )


def recheck_open_cases(session: Session, now: dt.datetime, team_id: str | None = None) -> None:
    """Open cases with a policy (of `team_id` when given) are looked at by the next scheduler
    pass: a changed calendar moves their warning and due instants."""
    where = [cases.c.status != "closed", cases.c.sla_policy_id != ""]
    if team_id is not None:
        where.append(cases.c.team_id == team_id)
    session.execute(sa.update(cases).where(*where).values(next_check_at=now))
