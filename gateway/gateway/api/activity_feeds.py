"""/api/v1/calendar-feeds (a user's secret iCalendar feed: create, list, revoke, and the feed
itself, served without a bearer token because the token in the URL is the credential),
/api/v1/notifications (in-app reminders, read/unread), customers' geocoded locations, teams'
check-in policies and users' calendar zones."""

from __future__ import annotations

from urllib.parse import urlencode

import grpc
from crm.activities.v1 import activities_service_pb2 as pb
from crm.activities.v1 import resources_pb2 as res
from flask import Response, request

from gateway.api.activities import _enum, activities
from gateway.api.activities_models import (
    CalendarSettingsIn,
    CheckinPolicyIn,
    FeedCreated,
    LocationIn,
    MarkRead,
    NotificationQuery,
)
from gateway.routing import ApiBlueprint, json_response, no_content
from gateway.translate import to_json

api = ApiBlueprint("activity_feeds", __name__, tag="activities")


def _feed_urls(token: str) -> tuple[str, str, str]:
    url = f"{request.host_url.rstrip('/')}/api/v1/calendar-feeds/{token}.ics"
    webcal = "webcal://" + url.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/render?" + urlencode({"cid": webcal})
    return url, webcal, google


@api.route(
    "POST", "/calendar-feeds", summary="Create a secret calendar feed URL", response=FeedCreated, status=201
)
def create_feed() -> Response:
    """The URL (and its webcal:// form for "subscribe") is shown once; revoke it to stop it."""
    reply = activities().CreateCalendarFeed(pb.CreateCalendarFeedRequest())
    url, webcal, google = _feed_urls(reply.token)
    created = FeedCreated(
        id=reply.feed.id, token=reply.token, url=url, webcal_url=webcal, google_subscribe_url=google
    )
    return json_response(created, 201, headers={"Cache-Control": "no-store"})


@api.route(
    "GET", "/calendar-feeds", summary="The caller's calendar feeds", response=pb.ListCalendarFeedsResponse
)
def list_feeds() -> Response:
    return json_response(activities().ListCalendarFeeds(pb.ListCalendarFeedsRequest()))


@api.route("DELETE", "/calendar-feeds/<feed_id>", summary="Revoke a calendar feed", response=res.CalendarFeed)
def revoke_feed(feed_id: str) -> Response:
    return json_response(activities().RevokeCalendarFeed(pb.RevokeCalendarFeedRequest(id=feed_id)).feed)


@api.route(
    "GET",
    "/calendar-feeds/<token>.ics",
    summary="An iCalendar feed (no bearer token: the URL's token is the credential)",
    public=True,
    response_media="text/calendar",
)
def feed(token: str) -> Response:
    """Activities the feed's user owns or attends, 30 days back and 180 ahead. An unknown or
    revoked token is a plain 404 (the URL is not echoed back)."""
    try:
        reply = activities().GetCalendarFeed(pb.GetCalendarFeedRequest(token=token))
    except grpc.RpcError as error:
        if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.UNAUTHENTICATED):
            return Response("not found\n", 404, content_type="text/plain")
        raise
    return Response(
        reply.ics,
        content_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300", "Referrer-Policy": "no-referrer"},
    )


@api.route(
    "GET",
    "/notifications",
    summary="The caller's in-app notifications, newest first",
    query=NotificationQuery,
    response=pb.ListNotificationsResponse,
)
def list_notifications(query: NotificationQuery) -> Response:
    return json_response(
        activities().ListNotifications(
            pb.ListNotificationsRequest(
                page_size=query.page_size, page_token=query.page_token, unread_only=query.unread_only
            )
        )
    )


@api.route(
    "POST",
    "/notifications/read",
    summary="Mark notifications read",
    body=MarkRead,
    response=pb.MarkNotificationsReadResponse,
)
def mark_read(body: MarkRead) -> Response:
    return json_response(
        activities().MarkNotificationsRead(pb.MarkNotificationsReadRequest(ids=body.ids, all=body.all))
    )


@api.route(
    "PUT",
    "/customer-locations/<customer_id>",
    summary="Set a customer's geocoded location (for visit check-in)",
    body=LocationIn,
    response=res.CustomerLocation,
    body_field="location",
)
def set_location(customer_id: str, body: LocationIn) -> Response:
    location = res.CustomerLocation(
        customer_id=customer_id, latitude=body.latitude, longitude=body.longitude, address=body.address
    )
    reply = activities().SetCustomerLocation(pb.SetCustomerLocationRequest(location=location))
    return json_response(reply.location)


@api.route(
    "GET",
    "/customer-locations/<customer_id>",
    summary="A customer's geocoded location",
    response=res.CustomerLocation,
)
def get_location(customer_id: str) -> Response:
    reply = activities().GetCustomerLocation(pb.GetCustomerLocationRequest(customer_id=customer_id))
    return json_response(reply.location)


@api.route(
    "PUT",
    "/checkin-policies/<team_id>",
    summary="Set a team's check-in mode and radius",
    body=CheckinPolicyIn,
    response=res.TeamCheckinPolicy,
    body_field="policy",
)
def set_policy(team_id: str, body: CheckinPolicyIn) -> Response:
    policy = res.TeamCheckinPolicy(
        team_id=team_id,
        mode=_enum(res.CheckinMode, body.mode),  # type: ignore[arg-type]
        radius_m=body.radius_m,
    )
    reply = activities().SetTeamCheckinPolicy(pb.SetTeamCheckinPolicyRequest(policy=policy))
    return json_response(reply.policy)


@api.route(
    "PUT",
    "/calendar-settings",
    summary="Set the caller's (or, for admins, a user's) calendar time zone",
    body=CalendarSettingsIn,
    response=pb.SetUserTimeZoneResponse,
)
def set_zone(body: CalendarSettingsIn) -> Response:
    reply = activities().SetUserTimeZone(
        pb.SetUserTimeZoneRequest(user_id=body.user_id, time_zone=body.time_zone)
    )
    return json_response(to_json(reply))


__all__ = ["api", "no_content"]
