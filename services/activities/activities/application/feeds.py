"""iCalendar feeds and files: a per-user feed behind a secret, revocable token (256 random
bits, stored only as SHA-256, never logged), covering FEED_DAYS_BACK days back and
FEED_DAYS_AHEAD ahead; and a single activity as an .ics download."""

from __future__ import annotations

import datetime as dt

from chassis.errors import NotFound, PermissionDenied, Unauthenticated
from chassis.identity import Caller

from activities.adapters.ical import calendar_of
from activities.adapters.inbox import Feed
from activities.application.context import ActivitiesContext, require_see
from activities.domain.calendar import feed_token_hash, new_feed_token
from activities.domain.links import webcal_link


def feed_path(token: str) -> str:
    """Where the gateway serves a token's feed (no bearer token needed)."""
    return f"/api/v1/calendar-feeds/{token}.ics"


def create_feed(ctx: ActivitiesContext, caller: Caller) -> tuple[Feed, str]:
    token, digest = new_feed_token()
    with ctx.transaction() as uow:
        feed = uow.feeds.add(ctx.ids("feed"), caller.user_id, digest, ctx.clock())
    return feed, token


def feed_urls(ctx: ActivitiesContext, token: str) -> tuple[str, str]:
    """(https URL, webcal URL) of a token's feed."""
    url = ctx.policy.public_base_url.rstrip("/") + feed_path(token)
    return url, webcal_link(url)


def list_feeds(ctx: ActivitiesContext, caller: Caller) -> list[Feed]:
    with ctx.reading() as uow:
        return uow.feeds.of_user(caller.user_id)


def revoke_feed(ctx: ActivitiesContext, caller: Caller, feed_id: str) -> Feed:
    """From now on the token's URL answers 404."""
    with ctx.transaction() as uow:
        feed = uow.feeds.get(feed_id)
        if feed is None:
            raise NotFound("calendar feed", feed_id)
        if feed.user_id != caller.user_id and not caller.sees_all:
            raise PermissionDenied("only the feed's user or an admin revokes it")
        uow.feeds.revoke(feed_id, ctx.clock())
        revoked = uow.feeds.get(feed_id)
    assert revoked is not None
    return revoked


def render_feed(ctx: ActivitiesContext, token: str) -> bytes:
    """The feed of a live token: activities the user owns or attends in the window."""
    now = ctx.clock()
    if not token or len(token) > 200:
        raise Unauthenticated("unknown calendar feed")
    with ctx.transaction() as uow:
        feed = uow.feeds.by_token_hash(feed_token_hash(token))
        if feed is None or feed.revoked_at is not None:
            # One answer for unknown and revoked tokens: nothing to learn by guessing.
            raise NotFound("calendar feed", "")
        uow.feeds.fetched(feed.id, now)
        start = now - dt.timedelta(days=ctx.policy.feed_days_back)
        end = now + dt.timedelta(days=ctx.policy.feed_days_ahead)
        found = uow.activities.in_range(start, end, user_ids=[feed.user_id])
        user = uow.directory.user(feed.user_id)
    name = f"CRM – {user.display_name}" if user is not None and user.display_name else "CRM activities"
    return calendar_of((s.activity for s in found), name, now)


def export_activity(ctx: ActivitiesContext, caller: Caller, activity_id: str) -> tuple[bytes, str]:
    with ctx.reading() as uow:
        stored = uow.activities.get(activity_id)
        require_see(caller, stored)
    return calendar_of([stored.activity], stored.activity.subject, ctx.clock()), f"{activity_id}.ics"
