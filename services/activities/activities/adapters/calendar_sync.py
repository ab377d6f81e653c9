"""Calendar sync state per user (calendar, sync token, push channel) and the links between
remote events and activities (remote id, last etag, last synced activity version)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from activities.adapters import tables as t
from activities.adapters.activities import aware
from activities.application.calendar_port import PushChannel


@dataclass(frozen=True)
class SyncState:
    user_id: str
    calendar_id: str
    sync_token: str | None
    channel: PushChannel | None


@dataclass(frozen=True)
class SyncLink:
    remote_id: str
    activity_id: str
    etag: str
    synced_version: int


class CalendarSyncStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def state(self, user_id: str) -> SyncState | None:
        row = self.session.execute(
            select(t.calendar_sync_states).where(t.calendar_sync_states.c.user_id == user_id)
        ).first()
        if row is None:
            return None
        channel = None
        if row.channel_id and row.channel_expires_at is not None:
            channel = PushChannel(
                row.channel_id, row.channel_resource_id or "", aware(row.channel_expires_at)
            )
        return SyncState(row.user_id, row.calendar_id, row.sync_token, channel)

    def connect(self, user_id: str, calendar_id: str) -> None:
        self.session.execute(
            delete(t.calendar_sync_states).where(t.calendar_sync_states.c.user_id == user_id)
        )
        self.session.execute(insert(t.calendar_sync_states).values(user_id=user_id, calendar_id=calendar_id))

    def set_token(self, user_id: str, token: str) -> None:
        c = t.calendar_sync_states.c
        self.session.execute(
            update(t.calendar_sync_states).where(c.user_id == user_id).values(sync_token=token)
        )

    def set_channel(self, user_id: str, channel: PushChannel) -> None:
        c = t.calendar_sync_states.c
        self.session.execute(
            update(t.calendar_sync_states)
            .where(c.user_id == user_id)
            .values(
                channel_id=channel.id,
                channel_resource_id=channel.resource_id,
                channel_expires_at=channel.expires_at,
            )
        )

    def links(self, user_id: str) -> list[SyncLink]:
        c = t.calendar_sync_links.c
        rows = self.session.execute(select(t.calendar_sync_links).where(c.user_id == user_id))
        return [SyncLink(r.remote_id, r.activity_id, r.etag, r.synced_version) for r in rows]

    def put_link(self, user_id: str, link: SyncLink) -> None:
        self.drop_link(user_id, link.remote_id)
        c = t.calendar_sync_links.c
        self.session.execute(
            delete(t.calendar_sync_links).where(c.user_id == user_id, c.activity_id == link.activity_id)
        )
        self.session.execute(
            insert(t.calendar_sync_links).values(
                user_id=user_id,
                remote_id=link.remote_id,
                activity_id=link.activity_id,
                etag=link.etag,
                synced_version=link.synced_version,
            )
        )

    def drop_link(self, user_id: str, remote_id: str) -> None:
        c = t.calendar_sync_links.c
        self.session.execute(
            delete(t.calendar_sync_links).where(c.user_id == user_id, c.remote_id == remote_id)
        )


def expires_soon(channel: PushChannel | None, now: dt.datetime, renew_before: dt.timedelta) -> bool:
    return channel is None or channel.expires_at - now <= renew_before
