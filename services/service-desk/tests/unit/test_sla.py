"""SLA policies, clocks and escalation with worked times on the Bangkok office calendar
(Mon–Fri 08:30–12:00, 13:00–17:30; Mon 2026-04-06 a holiday)."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from chassis.errors import FailedPrecondition, InvalidArgument
from hypothesis import given, settings
from hypothesis import strategies as st
from service_desk.domain.calendars import BusinessCalendar
from service_desk.domain.cases import (
    Case,
    CaseFacts,
    CaseStatus,
    Priority,
    changed_status,
    open_case,
    responded,
)
from service_desk.domain.escalation import EscalationLevel, apply_escalation, escalations_due
from service_desk.domain.sla_clocks import ClockState, case_clocks
from service_desk.domain.sla_policies import (
    EscalationAction,
    EscalationActionKind,
    MatchConditions,
    SlaPolicy,
    SlaTarget,
    checked_policy,
    match_policy,
)
from service_desk.testing import bkk
from service_desk.testing import office_business_calendar as office_calendar

STANDARD = SlaPolicy(
    "standard",
    "Standard",
    100,
    (
        SlaTarget(Priority.NORMAL, 120, 480),
        SlaTarget(Priority.HIGH, 60, 240),
        SlaTarget(Priority.URGENT, 30, 240),
    ),
)


def case_at(
    created: dt.datetime, *changes: tuple[CaseStatus, dt.datetime], priority: Priority = Priority.NORMAL
) -> Case:
    case = open_case("c1", "Printer jams", "cust-1", created, priority=priority)
    for status, at in changes:
        case = changed_status(case, status, at)
    return case


def test_the_issue_example_clock_warns_then_breaches_at_tuesday_nine(office: BusinessCalendar) -> None:
    case = case_at(bkk(2026, 4, 3, 16, 0))
    before = case_clocks(case, STANDARD, office, bkk(2026, 4, 7, 8, 45)).first_response
    assert (before.state, before.elapsed_minutes, before.remaining_minutes) == (ClockState.RUNNING, 105, 15)
    assert before.warned
    assert not before.breached
    assert before.warning_at == bkk(2026, 4, 3, 17, 30)  # 75% of 120 = 90 minutes: Fri 16:00–17:30
    assert before.due_at == bkk(2026, 4, 7, 9, 0)
    at_due = case_clocks(case, STANDARD, office, bkk(2026, 4, 7, 9, 0)).first_response
    assert at_due.breached
    assert at_due.met is False


def test_a_reply_at_the_due_instant_meets_the_target(office: BusinessCalendar) -> None:
    case = responded(case_at(bkk(2026, 4, 3, 16, 0)), bkk(2026, 4, 7, 9, 0))
    clock = case_clocks(case, STANDARD, office, bkk(2026, 4, 8, 12, 0)).first_response
    assert (clock.state, clock.elapsed_minutes, clock.met) == (ClockState.FULFILLED, 120, True)
    assert clock.fulfilled_at == bkk(2026, 4, 7, 9, 0)


def test_a_pause_subtracts_only_the_business_minutes_it_covered(office: BusinessCalendar) -> None:
    case = case_at(
        bkk(2026, 4, 7, 8, 30),
        (CaseStatus.IN_PROGRESS, bkk(2026, 4, 7, 9, 0)),
        (CaseStatus.WAITING_FOR_CUSTOMER, bkk(2026, 4, 7, 10, 30)),
        (CaseStatus.IN_PROGRESS, bkk(2026, 4, 9, 13, 0)),
    )
    clocks = case_clocks(case, STANDARD, office, bkk(2026, 4, 9, 14, 0))
    assert clocks.first_response.fulfilled_at == bkk(2026, 4, 7, 9, 0)
    assert clocks.first_response.elapsed_minutes == 30
    resolution = clocks.resolution
    # 120 before the pause (Tue 08:30–10:30), 60 since Thu 13:00; the due time counts the 360
    # left from the resume: Thu 13:00–17:30 is 270, Fri 08:30 + 90 → Fri 10:00
    assert (resolution.state, resolution.elapsed_minutes) == (ClockState.RUNNING, 180)
    assert resolution.due_at == bkk(2026, 4, 10, 10, 0)
    paused = case_clocks(case, STANDARD, office, bkk(2026, 4, 8, 10, 0)).resolution
    assert (paused.state, paused.elapsed_minutes, paused.due_at) == (ClockState.PAUSED, 120, None)


def test_reopening_resumes_the_clock_and_can_breach_it(office: BusinessCalendar) -> None:
    high = (Priority.HIGH,)
    case = case_at(
        bkk(2026, 4, 7, 8, 30),
        (CaseStatus.RESOLVED, bkk(2026, 4, 7, 11, 30)),
        (CaseStatus.IN_PROGRESS, bkk(2026, 4, 8, 8, 30)),
        priority=high[0],
    )
    met = case_clocks(case, STANDARD, office, bkk(2026, 4, 7, 16, 0)).resolution
    assert (met.state, met.elapsed_minutes, met.met) == (ClockState.FULFILLED, 180, True)
    running = case_clocks(case, STANDARD, office, bkk(2026, 4, 8, 9, 30)).resolution
    assert running.breached
    assert running.due_at == bkk(2026, 4, 8, 9, 30)


def test_a_breach_stays_recorded_after_resolve_and_reopen(office: BusinessCalendar) -> None:
    case = case_at(
        bkk(2026, 4, 7, 8, 30),
        (CaseStatus.RESOLVED, bkk(2026, 4, 7, 14, 0)),
        (CaseStatus.IN_PROGRESS, bkk(2026, 4, 8, 8, 30)),
        priority=Priority.HIGH,
    )
    for now in (bkk(2026, 4, 7, 15, 0), bkk(2026, 4, 8, 8, 31)):
        clock = case_clocks(case, STANDARD, office, now).resolution
        assert clock.breached
        assert clock.met is False
        assert clock.due_at == bkk(2026, 4, 7, 13, 30)  # 210 before lunch + 30 after


def test_a_priority_change_recomputes_from_creation(office: BusinessCalendar) -> None:
    case = case_at(bkk(2026, 4, 7, 8, 30))
    normal = case_clocks(case, STANDARD, office, bkk(2026, 4, 7, 9, 10)).first_response
    assert normal.due_at == bkk(2026, 4, 7, 10, 30)
    assert not normal.breached
    urgent = case_clocks(
        replace(case, priority=Priority.URGENT), STANDARD, office, bkk(2026, 4, 7, 9, 10)
    ).first_response
    assert urgent.due_at == bkk(2026, 4, 7, 9, 0)
    assert urgent.breached


def test_resolving_a_new_case_fulfils_both_clocks(office: BusinessCalendar) -> None:
    case = case_at(bkk(2026, 4, 7, 8, 30), (CaseStatus.RESOLVED, bkk(2026, 4, 7, 9, 15)))
    clocks = case_clocks(case, STANDARD, office, bkk(2026, 4, 9, 9, 0))
    assert clocks.first_response.fulfilled_at == clocks.resolution.fulfilled_at == bkk(2026, 4, 7, 9, 15)
    assert clocks.first_response.met
    assert clocks.resolution.met


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from(list(CaseStatus)[1:4]), st.integers(1, 3000)), max_size=8))
def test_the_resolution_clock_never_runs_backwards(steps: list[tuple[CaseStatus, int]]) -> None:
    calendar = office_calendar()
    case = case_at(bkk(2026, 4, 7, 8, 30))
    at = case.created_at
    for status, minutes in steps:
        at += dt.timedelta(minutes=minutes)
        if status != case.status and status in {
            CaseStatus.IN_PROGRESS,
            CaseStatus.WAITING_FOR_CUSTOMER,
            CaseStatus.RESOLVED,
        }:
            try:
                case = changed_status(case, status, at)
            except FailedPrecondition:  # a transition the machine refuses is skipped
                continue
    readings = [
        case_clocks(case, STANDARD, calendar, at + dt.timedelta(minutes=m)).resolution for m in (0, 90, 900)
    ]
    elapsed = [clock.elapsed_seconds for clock in readings]
    assert elapsed == sorted(elapsed)
    assert [c.breached for c in readings] == sorted(c.breached for c in readings)


def test_escalation_fires_each_level_once_and_says_when_to_look_again(office: BusinessCalendar) -> None:
    case = case_at(bkk(2026, 4, 3, 16, 0))
    early = case_clocks(case, STANDARD, office, bkk(2026, 4, 3, 17, 0)).first_response
    check = escalations_due("c1", early, STANDARD, frozenset())
    assert check.fire == ()
    assert check.next_check_at == bkk(2026, 4, 3, 17, 30)

    warned = case_clocks(case, STANDARD, office, bkk(2026, 4, 4, 10, 0)).first_response
    check = escalations_due("c1", warned, STANDARD, frozenset())
    assert [(e.level, e.at, e.key) for e in check.fire] == [
        (EscalationLevel.WARNING, bkk(2026, 4, 3, 17, 30), "c1:first_response:sla_warning")
    ]
    assert check.next_check_at == bkk(2026, 4, 7, 9, 0)
    again = escalations_due("c1", warned, STANDARD, frozenset({EscalationLevel.WARNING}))
    assert again.fire == ()
    assert again.next_check_at == bkk(2026, 4, 7, 9, 0)

    late = case_clocks(case, STANDARD, office, bkk(2026, 4, 8, 9, 0)).first_response
    both = escalations_due("c1", late, STANDARD, frozenset())
    assert [e.level for e in both.fire] == [EscalationLevel.WARNING, EscalationLevel.BREACH]
    assert [a.kind for a in both.fire[1].actions] == [
        EscalationActionKind.NOTIFY_ASSIGNEE,
        EscalationActionKind.NOTIFY_TEAM_LEAD,
    ]
    done = escalations_due("c1", late, STANDARD, frozenset(EscalationLevel))
    assert done == type(done)((), None)


def test_a_paused_clock_needs_no_timed_check(office: BusinessCalendar) -> None:
    case = case_at(bkk(2026, 4, 7, 8, 30), (CaseStatus.WAITING_FOR_CUSTOMER, bkk(2026, 4, 7, 9, 0)))
    clock = case_clocks(case, STANDARD, office, bkk(2026, 4, 7, 12, 0)).resolution
    assert escalations_due("c1", clock, STANDARD, frozenset()).next_check_at is None


def test_breach_actions_raise_priority_and_reassign(office: BusinessCalendar) -> None:
    policy = checked_policy(
        SlaPolicy(
            "vip",
            "VIP",
            1,
            STANDARD.targets,
            breach_actions=(
                EscalationAction(EscalationActionKind.RAISE_PRIORITY),
                EscalationAction(EscalationActionKind.REASSIGN, "team-lead-7"),
            ),
        )
    )
    case = case_at(bkk(2026, 4, 7, 8, 30))
    clock = case_clocks(case, policy, office, bkk(2026, 4, 7, 11, 0)).first_response
    breach = escalations_due("c1", clock, policy, frozenset({EscalationLevel.WARNING})).fire[0]
    escalated = apply_escalation(case, breach)
    assert (escalated.priority, escalated.assignee_id) == (Priority.HIGH, "team-lead-7")


def test_policies_match_in_their_order_first_match_wins() -> None:
    general = SlaPolicy("general", "General", 100, STANDARD.targets)
    gold = SlaPolicy(
        "gold", "Gold", 10, STANDARD.targets, MatchConditions(customer_group_ids=frozenset({"gold"}))
    )
    gold_email = SlaPolicy(
        "gold-email",
        "Gold by e-mail",
        20,
        STANDARD.targets,
        MatchConditions(customer_group_ids=frozenset({"gold"}), channels=frozenset({"email"})),
    )
    contract = SlaPolicy(
        "ma-42", "MA-42", 5, STANDARD.targets, MatchConditions(contract_ids=frozenset({"ma-42"}))
    )
    policies = [general, gold_email, gold, contract]
    cases = [
        (CaseFacts("cust-1"), "general"),
        (CaseFacts("cust-1", customer_group_ids=frozenset({"gold", "bkk"}), channel="email"), "gold"),
        (CaseFacts("cust-1", contract_id="ma-42", customer_group_ids=frozenset({"gold"})), "ma-42"),
    ]
    for facts, expected in cases:
        found = match_policy(policies, facts)
        assert found is not None
        assert found.id == expected
    assert match_policy([gold], CaseFacts("cust-1")) is None


@pytest.mark.parametrize(
    ("targets", "options", "fields"),
    [
        (
            (SlaTarget(Priority.NORMAL, 120, 480), SlaTarget(Priority.HIGH, 60, 30)),
            {},
            ["targets[1].resolution_minutes"],
        ),
        ((SlaTarget(Priority.NORMAL, 0, 480),), {}, ["targets[0].first_response_minutes"]),
        (
            (SlaTarget(Priority.NORMAL, 60, 480), SlaTarget(Priority.NORMAL, 30, 240)),
            {},
            ["targets[1].priority"],
        ),
        ((), {}, ["targets"]),
        ((SlaTarget(Priority.NORMAL, 60, 480),), {"warning_share": Decimal("1.2")}, ["warning_share"]),
        (
            (SlaTarget(Priority.NORMAL, 60, 480),),
            {"pause_statuses": frozenset({CaseStatus.RESOLVED})},
            ["pause_statuses"],
        ),
        (
            (SlaTarget(Priority.NORMAL, 60, 480),),
            {"breach_actions": (EscalationAction(EscalationActionKind.REASSIGN),)},
            ["breach_actions[0].reassign_to"],
        ),
    ],
)
def test_bad_policies_name_their_fields(
    targets: tuple[SlaTarget, ...], options: dict[str, object], fields: list[str]
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        checked_policy(SlaPolicy("p", "Policy", 1, targets, **options))  # type: ignore[arg-type]
    assert [v.field for v in caught.value.violations] == fields
