"""Activity state machine and follow-ups."""

from __future__ import annotations

import datetime as dt

import pytest
from activities.domain.model import (
    DEFAULT_TYPES,
    Activity,
    ActivityType,
    Link,
    LinkKind,
    Status,
    check_timing_fits_type,
    follow_up_activity,
)
from activities.domain.timing import Due, Timed
from chassis.errors import FailedPrecondition, InvalidArgument

NOW = dt.datetime(2026, 4, 7, 10, 0, tzinfo=dt.UTC)


def visit() -> Activity:
    return Activity(
        id="act_1",
        type=ActivityType.VISIT,
        subject="Visit Siam Foods",
        owner_id="malee",
        team_id="team-bkk",
        timing=Timed(NOW, NOW + dt.timedelta(hours=1), "Asia/Bangkok"),
        links=(Link(LinkKind.CUSTOMER, "cus_1", "Siam Foods"),),
    )


def test_done_and_cancelled_are_final() -> None:
    done = visit().complete("malee", NOW, " signed ")
    assert done.status is Status.DONE
    assert done.outcome == "signed"
    assert done.version == 2
    with pytest.raises(FailedPrecondition):
        done.cancel("malee", NOW, "")
    with pytest.raises(FailedPrecondition):
        visit().cancel("malee", NOW, "ill").complete("malee", NOW, "")


def test_a_completed_visit_is_followed_by_exactly_one_call() -> None:
    done = visit().complete("malee", NOW, "")
    nxt = follow_up_activity(done, DEFAULT_TYPES[ActivityType.VISIT], "act_2", NOW, "Asia/Bangkok")
    assert nxt is not None
    assert nxt.type is ActivityType.CALL
    assert nxt.follow_up_of == "act_1"
    assert isinstance(nxt.timing, Timed)
    assert nxt.timing.start == NOW + dt.timedelta(days=2)
    assert nxt.links == done.links
    assert nxt.subject == "Follow-up: Visit Siam Foods"
    assert follow_up_activity(done, DEFAULT_TYPES[ActivityType.CALL], "x", NOW, "Asia/Bangkok") is None


def test_tasks_need_due_dates_and_meetings_times() -> None:
    with pytest.raises(InvalidArgument) as error:
        check_timing_fits_type(ActivityType.TASK, Timed(NOW, NOW, "Asia/Bangkok"), False)
    assert error.value.violations[0].field == "due_date"
    with pytest.raises(InvalidArgument) as error:
        check_timing_fits_type(ActivityType.MEETING, Due(NOW.date()), False)
    assert error.value.violations[0].field == "start_time"
