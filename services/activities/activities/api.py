"""The gRPC servicer of crm.activities.v1.ActivitiesService: each method parses the request,
calls one use case with the caller (bound by the chassis interceptor) and translates the
result. Domain errors become gRPC statuses in the chassis interceptor."""

# The method names are the RPC names of the contract (CreateActivity, ...), not Python style.
# ruff: noqa: N802

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable

import grpc
from chassis.errors import InvalidArgument, NotFound
from chassis.identity import Caller, current_caller
from crm.activities.v1 import activities_service_pb2 as pb
from crm.activities.v1 import activities_service_pb2_grpc as pb_grpc
from crm.activities.v1 import resources_pb2 as res

from activities import translation as tr
from activities.api_date_mail import DateMailRpcs
from activities.application import activities, calendar, checkin, feeds, reminders
from activities.application.context import ActivitiesContext
from activities.domain.checkin import DeviceFix, device_fix
from activities.domain.conflicts import ScheduleConflict
from activities.domain.events import ActivityView
from activities.domain.timing import CalendarView

SERVICE_NAME: str = pb.DESCRIPTOR.services_by_name["ActivitiesService"].full_name
SCOPES = {0: "all", 1: "all", 2: "this", 3: "this_and_following"}


def page_size(value: int) -> int:
    if value < 0:
        raise InvalidArgument("page_size", "must not be negative")
    return min(value or 50, 500)


def encode_token(at: dt.datetime, key: str) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{key}".encode()).decode()


def decode_token(token: str) -> tuple[dt.datetime, str] | None:
    if not token:
        return None
    try:
        at, key = base64.urlsafe_b64decode(token.encode()).decode().split("|", 1)
        return dt.datetime.fromisoformat(at), key
    except ValueError:
        raise InvalidArgument("page_token", "is not a token this service issued") from None


class ConflictDetails:
    """Puts the clashes of a refused save into the error details (FAILED_PRECONDITION)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, ScheduleConflict):
            exc.details = [pb.FindConflictsResponse(conflicts=[tr.conflict_message(c) for c in exc.clashes])]  # type: ignore[attr-defined]


def _fix(request_fix: res.DeviceFix, present: bool, field: str = "fix") -> DeviceFix | None:
    if not present:
        return None
    return device_fix(
        request_fix.latitude,
        request_fix.longitude,
        request_fix.accuracy_m,
        tr.from_ts(request_fix, "device_time"),
        request_fix.mock_location,
    )


class ActivitiesServicer(DateMailRpcs, pb_grpc.ActivitiesServiceServicer):
    def __init__(self, ctx: ActivitiesContext) -> None:
        self.ctx = ctx

    def _message(self, caller: Caller, stored: object, zone: str) -> res.Activity:
        from activities.adapters.activities import StoredActivity

        assert isinstance(stored, StoredActivity)
        a = stored.activity
        view = ActivityView(a, zone, stored.checkin, stored.checkout)
        return tr.public_message(view, self.ctx.clock(), caller.can_access(a.owner_id, a.team_id))

    def _own(self, caller: Caller, stored: object) -> res.Activity:
        return self._message(caller, stored, self._zone(stored))

    def _zone(self, stored: object) -> str:
        with self.ctx.reading() as uow:
            return uow.owner_zone(stored.activity)  # type: ignore[attr-defined]

    def CreateActivity(
        self, request: pb.CreateActivityRequest, context: grpc.ServicerContext
    ) -> pb.CreateActivityResponse:
        caller = current_caller()
        with ConflictDetails():
            saved = activities.create_activity(
                self.ctx, caller, tr.activity_form(request.activity), override=request.override_conflicts
            )
        return pb.CreateActivityResponse(
            activity=self._own(caller, saved.activity),
            conflicts=[tr.conflict_message(c) for c in saved.clashes],
        )

    def GetActivity(
        self, request: pb.GetActivityRequest, context: grpc.ServicerContext
    ) -> pb.GetActivityResponse:
        caller = current_caller()
        stored, zone = activities.get_activity(self.ctx, caller, request.id)
        return pb.GetActivityResponse(activity=self._message(caller, stored, zone))

    def ListActivities(
        self, request: pb.ListActivitiesRequest, context: grpc.ServicerContext
    ) -> pb.ListActivitiesResponse:
        caller = current_caller()
        size = page_size(request.page_size)
        link_kind = tr.enum_text(res.LinkKind, request.link_kind, "LINK_KIND_")
        if bool(link_kind) != bool(request.link_id.strip()):
            raise InvalidArgument("link_id", "give link_kind and link_id together")
        found = activities.list_activities(
            self.ctx,
            caller,
            owner_id=request.owner_id.strip(),
            status=tr.enum_text(res.ActivityStatus, request.status, "ACTIVITY_STATUS_"),
            type_=tr.enum_text(res.ActivityType, request.type, "ACTIVITY_TYPE_"),
            link=(link_kind, request.link_id.strip()) if link_kind else None,
            after=decode_token(request.page_token),
            size=size,
        )
        last = found[-1][0].activity if len(found) == size else None
        return pb.ListActivitiesResponse(
            activities=[self._message(caller, s, zone) for s, zone in found],
            next_page_token=encode_token(last.created_at, last.id) if last else "",
        )

    def UpdateActivity(
        self, request: pb.UpdateActivityRequest, context: grpc.ServicerContext
    ) -> pb.UpdateActivityResponse:
        caller = current_caller()
        with ConflictDetails():
            saved = activities.update_activity(
                self.ctx,
                caller,
                request.activity.id,
                tr.activity_form(request.activity),
                list(request.update_mask.paths),
                expected_version=request.expected_version,
                scope=SCOPES.get(request.scope, "all"),
                occurrence_start=tr.from_ts(request, "occurrence_start"),
                override=request.override_conflicts,
            )
        return pb.UpdateActivityResponse(
            activity=self._own(caller, saved.activity),
            split_activity=self._own(caller, saved.split) if saved.split else None,
            conflicts=[tr.conflict_message(c) for c in saved.clashes],
        )

    def CompleteActivity(
        self, request: pb.CompleteActivityRequest, context: grpc.ServicerContext
    ) -> pb.CompleteActivityResponse:
        caller = current_caller()
        done, follow = activities.complete_activity(
            self.ctx, caller, request.id, request.outcome, tr.from_ts(request, "occurrence_start")
        )
        return pb.CompleteActivityResponse(
            activity=self._own(caller, done), follow_up=self._own(caller, follow) if follow else None
        )

    def CancelActivity(
        self, request: pb.CancelActivityRequest, context: grpc.ServicerContext
    ) -> pb.CancelActivityResponse:
        caller = current_caller()
        cancelled = activities.cancel_activity(
            self.ctx, caller, request.id, request.reason, tr.from_ts(request, "occurrence_start")
        )
        return pb.CancelActivityResponse(activity=self._own(caller, cancelled))

    def FindConflicts(
        self, request: pb.FindConflictsRequest, context: grpc.ServicerContext
    ) -> pb.FindConflictsResponse:
        clashes = activities.find_conflicts(self.ctx, current_caller(), tr.activity_form(request.activity))
        return pb.FindConflictsResponse(conflicts=[tr.conflict_message(c) for c in clashes])

    def GetCalendar(
        self, request: pb.GetCalendarRequest, context: grpc.ServicerContext
    ) -> pb.GetCalendarResponse:
        caller = current_caller()
        view = calendar.parse_view(tr.enum_text(pb.CalendarView, request.view, "CALENDAR_VIEW_"))
        page = calendar.get_calendar(
            self.ctx,
            caller,
            view=CalendarView(view),
            date=request.date,
            time_zone=request.time_zone,
            user_id=request.user_id.strip(),
            team_id=request.team_id.strip(),
        )
        now = self.ctx.clock()
        return pb.GetCalendarResponse(
            entries=[
                tr.entry_message(
                    e,
                    ActivityView(e.activity, zone),
                    now,
                    caller.can_access(e.activity.owner_id, e.activity.team_id),
                )
                for e, zone in page.entries
            ],
            window_start=tr.ts(page.window_start),
            window_end=tr.ts(page.window_end),
            time_zone=page.time_zone,
        )

    def ExportActivity(
        self, request: pb.ExportActivityRequest, context: grpc.ServicerContext
    ) -> pb.ExportActivityResponse:
        ics, filename = feeds.export_activity(self.ctx, current_caller(), request.id)
        return pb.ExportActivityResponse(ics=ics, filename=filename)

    def CheckIn(self, request: pb.CheckInRequest, context: grpc.ServicerContext) -> pb.CheckInResponse:
        caller = current_caller()
        fix = _fix(request.fix, request.HasField("fix"))
        if fix is None:
            raise InvalidArgument("fix", "is required")
        stored = checkin.check_in(self.ctx, caller, request.activity_id, fix, request.photo_ref)
        return pb.CheckInResponse(activity=self._own(caller, stored))

    def CheckOut(self, request: pb.CheckOutRequest, context: grpc.ServicerContext) -> pb.CheckOutResponse:
        caller = current_caller()
        stored = checkin.check_out(
            self.ctx, caller, request.activity_id, _fix(request.fix, request.HasField("fix"))
        )
        return pb.CheckOutResponse(activity=self._own(caller, stored))

    def SetCustomerLocation(
        self, request: pb.SetCustomerLocationRequest, context: grpc.ServicerContext
    ) -> pb.SetCustomerLocationResponse:
        loc = request.location
        saved = checkin.set_customer_location(
            self.ctx, current_caller(), loc.customer_id, loc.latitude, loc.longitude, loc.address
        )
        return pb.SetCustomerLocationResponse(location=tr.location_message(saved))

    def GetCustomerLocation(
        self, request: pb.GetCustomerLocationRequest, context: grpc.ServicerContext
    ) -> pb.GetCustomerLocationResponse:
        found = checkin.get_customer_location(self.ctx, current_caller(), request.customer_id)
        if found is None:
            raise NotFound("customer location", request.customer_id)
        return pb.GetCustomerLocationResponse(location=tr.location_message(found))

    def SetTeamCheckinPolicy(
        self, request: pb.SetTeamCheckinPolicyRequest, context: grpc.ServicerContext
    ) -> pb.SetTeamCheckinPolicyResponse:
        p = request.policy
        mode = tr.enum_text(res.CheckinMode, p.mode, "CHECKIN_MODE_")
        saved = checkin.set_team_policy(self.ctx, current_caller(), p.team_id, mode, p.radius_m)
        return pb.SetTeamCheckinPolicyResponse(
            policy=res.TeamCheckinPolicy(
                team_id=p.team_id.strip(),
                mode=tr.enum_value(res.CheckinMode, "CHECKIN_MODE_", saved.mode.value),  # type: ignore[arg-type]
                radius_m=saved.radius_m,
            )
        )

    def SetUserTimeZone(
        self, request: pb.SetUserTimeZoneRequest, context: grpc.ServicerContext
    ) -> pb.SetUserTimeZoneResponse:
        user_id, zone = reminders.set_user_zone(
            self.ctx, current_caller(), request.user_id, request.time_zone
        )
        return pb.SetUserTimeZoneResponse(user_id=user_id, time_zone=zone)

    def ListNotifications(
        self, request: pb.ListNotificationsRequest, context: grpc.ServicerContext
    ) -> pb.ListNotificationsResponse:
        size = page_size(request.page_size)
        found, unread = reminders.list_notifications(
            self.ctx,
            current_caller(),
            unread_only=request.unread_only,
            after=decode_token(request.page_token),
            size=size,
        )
        last = found[-1] if len(found) == size else None
        return pb.ListNotificationsResponse(
            notifications=[tr.notification_message(n) for n in found],
            next_page_token=encode_token(last.created_at, last.id) if last else "",
            unread_count=unread,
        )

    def MarkNotificationsRead(
        self, request: pb.MarkNotificationsReadRequest, context: grpc.ServicerContext
    ) -> pb.MarkNotificationsReadResponse:
        marked = reminders.mark_read(self.ctx, current_caller(), list(request.ids), request.all)
        return pb.MarkNotificationsReadResponse(marked=marked)

    def CreateCalendarFeed(
        self, request: pb.CreateCalendarFeedRequest, context: grpc.ServicerContext
    ) -> pb.CreateCalendarFeedResponse:
        feed, token = feeds.create_feed(self.ctx, current_caller())
        return pb.CreateCalendarFeedResponse(feed=tr.feed_message(feed), token=token)

    def ListCalendarFeeds(
        self, request: pb.ListCalendarFeedsRequest, context: grpc.ServicerContext
    ) -> pb.ListCalendarFeedsResponse:
        return pb.ListCalendarFeedsResponse(
            feeds=[tr.feed_message(f) for f in feeds.list_feeds(self.ctx, current_caller())]
        )

    def RevokeCalendarFeed(
        self, request: pb.RevokeCalendarFeedRequest, context: grpc.ServicerContext
    ) -> pb.RevokeCalendarFeedResponse:
        return pb.RevokeCalendarFeedResponse(
            feed=tr.feed_message(feeds.revoke_feed(self.ctx, current_caller(), request.id))
        )

    def GetCalendarFeed(
        self, request: pb.GetCalendarFeedRequest, context: grpc.ServicerContext
    ) -> pb.GetCalendarFeedResponse:
        ics = feeds.render_feed(self.ctx, request.token)
        return pb.GetCalendarFeedResponse(ics=ics, generate_time=tr.ts(self.ctx.clock()))


def registrar(servicer: ActivitiesServicer) -> Callable[[grpc.Server], None]:
    """The `register` callback for chassis create_server / run_service."""

    def register(server: grpc.Server) -> None:
        pb_grpc.add_ActivitiesServiceServicer_to_server(servicer, server)

    return register
