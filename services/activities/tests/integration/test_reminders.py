"""Reminders over real SMTP (aiosmtpd): each (occurrence, recipient, channel, offset) exactly
once, also when the service restarts during delivery and when several schedulers race."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from activities.application.reminders import deliver_due
from activities.testing import (
    OTHER_REP,
    REP,
    ActivitiesUnderTest,
    add_user,
    eventually,
    settings_for,
    stamp,
    start_activities,
    stop_activities,
)
from chassis.mail.testing import SmtpSink
from crm.activities.v1 import activities_service_pb2 as pb
from crm.activities.v1 import resources_pb2 as res
from google.protobuf import field_mask_pb2

UTC = dt.UTC


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


def soon_meeting(minutes_ahead: int, subject: str, reminders: list[tuple[int, int]]) -> res.Activity:
    start = dt.datetime.now(UTC) + dt.timedelta(minutes=minutes_ahead)
    return res.Activity(
        type=res.ACTIVITY_TYPE_MEETING,
        subject=subject,
        start_time=stamp(start),
        end_time=stamp(start + dt.timedelta(minutes=30)),
        time_zone="Asia/Bangkok",
        attendees=[res.Attendee(kind=res.ATTENDEE_KIND_USER, id=OTHER_REP.user_id)],
        reminders=[res.Reminder(channel=c, minutes_before=m) for c, m in reminders],
    )


EMAIL, IN_APP = res.REMINDER_CHANNEL_EMAIL, res.REMINDER_CHANNEL_IN_APP


def test_reminders_are_sent_exactly_once_across_a_restart_during_delivery(
    database_url: str, tmp_path: Path, sink: SmtpSink
) -> None:
    settings = settings_for(
        database_url,
        None,
        tmp_path,
        smtp_port=sink.port,
        scheduler=True,
        reminder_batch_size=2,
        mail_batch_size=2,
    )
    svc = start_activities(settings)
    try:
        add_user(svc.service, REP.user_id, "malee@example.co.th", "th")
        add_user(svc.service, OTHER_REP.user_id, "anan@example.co.th")
        for n in range(8):
            # Starts in 20 minutes, reminded 30 minutes before: due at once.
            svc.call(
                "CreateActivity",
                pb.CreateActivityRequest(
                    activity=soon_meeting(20, f"Meeting {n}", [(EMAIL, 30), (IN_APP, 30), (EMAIL, 60 * 24)]),
                    override_conflicts=True,
                ),
            )
        eventually(lambda: len(sink.messages) >= 3, what="the first mails")
    finally:
        stop_activities(svc)  # restart while reminders and mail are still going out
    again = start_activities(settings)
    try:
        eventually(lambda: len(sink.messages) >= 32, timeout=60, what="every reminder mail")
        eventually(lambda: again.count("notifications") >= 16, what="every in-app notification")
        eventually(
            lambda: again.count("mail_outbox", "status <> 'sent'") == 0, what="the mail outbox drained"
        )
        assert again.count("reminders", "status = 'planned'") == 0
    finally:
        stop_activities(again)
    # 8 meetings × 2 recipients × 2 e-mail offsets; none twice.
    received = Counter((m.recipients, m.subject) for m in sink.messages)
    assert len(sink.messages) == 32
    assert set(received.values()) == {2}  # the two offsets of one meeting share a subject
    assert len(sink.to("malee@example.co.th")) == 16
    assert any(m.subject.startswith("แจ้งเตือน") for m in sink.to("malee@example.co.th"))


def test_racing_schedulers_deliver_each_reminder_once(activities: ActivitiesUnderTest) -> None:
    add_user(activities.service, REP.user_id, "malee@example.co.th")
    for n in range(6):
        activities.call(
            "CreateActivity",
            pb.CreateActivityRequest(
                activity=soon_meeting(20, f"Race {n}", [(IN_APP, 30), (IN_APP, 25), (EMAIL, 30)]),
                override_conflicts=True,
            ),
        )
    planned = activities.count("reminders", "status = 'planned'")
    assert planned == 6 * 2 * 3
    reports = []

    def worker() -> None:
        reports.append(deliver_due(activities.service.context, batch_size=100))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Anan has no e-mail address here: his e-mail reminders are skipped, not sent.
    assert sum(r.sent for r in reports) == 6 * 2 * 2 + 6
    assert sum(r.sent + r.skipped for r in reports) == planned
    assert activities.count("notifications") == 24
    assert activities.count("mail_outbox") == 6


def test_moving_a_meeting_replans_only_unsent_reminders(activities: ActivitiesUnderTest) -> None:
    made = activities.call(
        "CreateActivity",
        pb.CreateActivityRequest(activity=soon_meeting(20, "Moved", [(IN_APP, 30), (IN_APP, 10)])),
    ).activity
    deliver_due(activities.service.context)  # the 30-minute reminders are due now; 10-minute not yet
    assert activities.count("notifications") == 2
    later = made.start_time.ToDatetime(tzinfo=UTC) + dt.timedelta(hours=2)
    activities.call(
        "UpdateActivity",
        pb.UpdateActivityRequest(
            activity=res.Activity(id=made.id, start_time=stamp(later)),
            update_mask=field_mask_pb2.FieldMask(paths=["start_time"]),
        ),
    )
    due = activities.service.database
    with due.read() as session:
        from sqlalchemy import text

        rows = session.execute(
            text("SELECT minutes_before, status, due_at FROM reminders ORDER BY minutes_before")
        ).all()
    assert [(r.minutes_before, r.status) for r in rows] == [
        (10, "planned"),
        (10, "planned"),
        (30, "sent"),
        (30, "sent"),
    ]
    deliver_due(activities.service.context)
    assert activities.count("notifications") == 2  # sent keys are never planned again


def test_notifications_are_listed_per_user_and_marked_read(activities: ActivitiesUnderTest) -> None:
    activities.call(
        "CreateActivity", pb.CreateActivityRequest(activity=soon_meeting(20, "Call", [(IN_APP, 30)]))
    )
    deliver_due(activities.service.context)
    mine = activities.call("ListNotifications", pb.ListNotificationsRequest(), REP)
    assert mine.unread_count == 1
    assert mine.notifications[0].title.startswith("Reminder: Call")
    theirs = activities.call("ListNotifications", pb.ListNotificationsRequest(), OTHER_REP)
    # Anan's mark does not touch Malee's notification.
    assert (
        activities.call(
            "MarkNotificationsRead",
            pb.MarkNotificationsReadRequest(ids=[mine.notifications[0].id]),
            OTHER_REP,
        ).marked
        == 0
    )
    assert (
        activities.call("MarkNotificationsRead", pb.MarkNotificationsReadRequest(all=True), REP).marked == 1
    )
    assert (
        activities.call("ListNotifications", pb.ListNotificationsRequest(unread_only=True), REP).notifications
        == []
    )
    assert theirs.unread_count == 1
