"""Maintenance contracts: validation, derived status, visits, renewal notices, MA-fee drafts
and proration with worked dates and amounts."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from chassis.errors import InvalidArgument
from hypothesis import given
from hypothesis import strategies as st
from service_desk.domain.contract_billing import (
    DraftKind,
    billing_drafts_due,
    cancellation_credit,
    inclusive_days,
    item_addition_charge,
    renewal_notices_due,
)
from service_desk.domain.contracts import (
    BillingPeriod,
    ContractStatus,
    CoveredItem,
    MaintenanceContract,
    PreventiveVisits,
    add_months,
    billing_periods,
    checked_contract,
    contract_status,
    planned_visits,
)

D = dt.date

CALENDAR_YEAR = MaintenanceContract(
    id="ma-42",
    customer_id="cust-1",
    start_date=D(2026, 1, 1),
    end_date=D(2026, 12, 31),
    billing_period=BillingPeriod.QUARTERLY,
    fee=Decimal("9125.00"),  # 36,500.00 a year
    covered_items=(CoveredItem("copier-x", "SN-001", Decimal("36500.00")),),
    preventive_visits=PreventiveVisits(every_months=3, count=4),
    approved_on=D(2025, 12, 20),
)


def test_adding_an_item_on_1_april_to_a_calendar_year_contract_costs_27500() -> None:
    item = CoveredItem("printer-y", "SN-778", Decimal("36500.00"))
    assert item_addition_charge(CALENDAR_YEAR, item, D(2026, 4, 1)) == Decimal("27500.00")


@pytest.mark.parametrize(
    ("yearly", "added_on", "charge"),
    [
        ("36500.00", D(2026, 12, 31), "100.00"),
        ("36500.00", D(2026, 1, 1), "36500.00"),
        ("10000.00", D(2026, 7, 1), "5041.10"),  # 184 days: 5,041.0958… → 5,041.10
        ("1.00", D(2026, 12, 31), "0.00"),  # 0.0027… rounds down
        ("200.75", D(2026, 12, 31), "0.55"),  # 0.55 exactly (half-up edge is exact here)
    ],
)
def test_proration_by_inclusive_days_half_up(yearly: str, added_on: dt.date, charge: str) -> None:
    item = CoveredItem("p", "", Decimal(yearly))
    assert item_addition_charge(CALENDAR_YEAR, item, added_on) == Decimal(charge)


def test_proration_in_a_leap_contract_year_counts_366_days() -> None:
    leap = replace(CALENDAR_YEAR, start_date=D(2028, 1, 1), end_date=D(2028, 12, 31))
    # 2028-04-01..12-31 is 275 days of 366: 36,600 × 275 / 366 = 27,500.00
    assert item_addition_charge(leap, CoveredItem("p", "", Decimal("36600.00")), D(2028, 4, 1)) == Decimal(
        "27500.00"
    )


def test_cancellation_credits_the_unused_days_the_same_way() -> None:
    # not covered from 1 October: 92 days of 365 at 36,500.00 a year
    assert cancellation_credit(CALENDAR_YEAR, D(2026, 10, 1)) == Decimal("9200.00")
    # only the third quarter billed so far: 1–30 September is 30 days
    assert cancellation_credit(CALENDAR_YEAR, D(2026, 9, 1), billed_through=D(2026, 9, 30)) == Decimal(
        "3000.00"
    )
    with pytest.raises(InvalidArgument, match=r"^effective_on:"):
        cancellation_credit(CALENDAR_YEAR, D(2027, 3, 1))


def test_an_item_added_outside_the_term_is_refused() -> None:
    with pytest.raises(InvalidArgument, match=r"^added_on:"):
        item_addition_charge(CALENDAR_YEAR, CoveredItem("p", "", Decimal(1)), D(2027, 1, 1))


@given(st.integers(0, 364), st.decimals(min_value=0, max_value=10_000_000, places=2))
def test_charge_and_credit_of_the_same_day_split_the_year_exactly_to_a_satang(
    offset: int, yearly: Decimal
) -> None:
    contract = replace(
        CALENDAR_YEAR,
        billing_period=BillingPeriod.YEARLY,
        fee=yearly,
        covered_items=(CoveredItem("p", "", yearly),),
    )
    day = D(2026, 1, 1) + dt.timedelta(days=offset)
    charge = item_addition_charge(contract, contract.covered_items[0], day)
    assert Decimal(0) <= charge <= yearly
    used = yearly - cancellation_credit(contract, day)
    assert abs(used + charge - yearly) <= Decimal("0.01")


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"end_date": D(2025, 12, 31)}, ["end_date"]),
        ({"fee": Decimal("-1")}, ["fee"]),
        ({"fee": Decimal("1.005")}, ["fee"]),
        ({"customer_id": " "}, ["customer_id"]),
        (
            {"covered_items": (CoveredItem("a"), CoveredItem("", "", Decimal("-5")))},
            ["covered_items[1]", "covered_items[1].yearly_value"],
        ),
        ({"renewal_notice_days": (60, 0, 60)}, ["renewal_notice_days[1]", "renewal_notice_days[2]"]),
        ({"preventive_visits": PreventiveVisits(3, 5)}, ["preventive_visits.count"]),
        ({"preventive_visits": PreventiveVisits(0, 1)}, ["preventive_visits.every_months"]),
        ({"invoice_lead_days": -1}, ["invoice_lead_days"]),
    ],
)
def test_bad_contracts_name_their_fields(changes: dict[str, object], fields: list[str]) -> None:
    with pytest.raises(InvalidArgument) as caught:
        checked_contract(replace(CALENDAR_YEAR, **changes))  # type: ignore[arg-type]
    assert [v.field for v in caught.value.violations] == fields


@pytest.mark.parametrize(
    ("changes", "today", "status"),
    [
        ({"approved_on": None}, D(2026, 3, 1), ContractStatus.DRAFT),
        ({}, D(2025, 12, 25), ContractStatus.ACTIVE),
        ({}, D(2026, 6, 1), ContractStatus.ACTIVE),
        ({}, D(2026, 11, 1), ContractStatus.EXPIRING),  # 60 days before 31 Dec is 1 Nov
        ({}, D(2026, 10, 31), ContractStatus.ACTIVE),
        ({"renewed_by": "ma-43"}, D(2026, 11, 15), ContractStatus.ACTIVE),
        ({}, D(2027, 1, 1), ContractStatus.EXPIRED),
        ({"renewed_by": "ma-43"}, D(2027, 1, 1), ContractStatus.RENEWED),
        ({"cancelled_on": D(2026, 10, 1)}, D(2026, 9, 30), ContractStatus.ACTIVE),
        ({"cancelled_on": D(2026, 10, 1)}, D(2026, 10, 1), ContractStatus.CANCELLED),
    ],
)
def test_derived_status(changes: dict[str, object], today: dt.date, status: ContractStatus) -> None:
    assert contract_status(replace(CALENDAR_YEAR, **changes), today) == status  # type: ignore[arg-type]


def test_preventive_visits_and_billing_periods() -> None:
    assert planned_visits(CALENDAR_YEAR) == (D(2026, 1, 1), D(2026, 4, 1), D(2026, 7, 1), D(2026, 10, 1))
    assert billing_periods(CALENDAR_YEAR) == (
        (D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 10, 1), D(2026, 12, 31)),
    )
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2027, 11, 30), 3) == D(2028, 2, 29)


def test_renewal_notices_each_go_once_and_missed_ones_are_not_sent_late() -> None:
    sent: set[int] = set()
    calendar = [D(2026, 10, 31) + dt.timedelta(days=n) for n in range(70)]
    sent_on: list[tuple[int, dt.date]] = []
    for today in calendar:
        for notice in renewal_notices_due(CALENDAR_YEAR, today, sent):
            sent.add(notice.days_before)
            sent_on.append((notice.days_before, today))
    assert sent_on == [(60, D(2026, 11, 1)), (30, D(2026, 12, 1)), (7, D(2026, 12, 24))]
    late = replace(CALENDAR_YEAR, approved_on=D(2026, 12, 10))
    notices = renewal_notices_due(late, D(2026, 12, 10), set())
    assert [(n.days_before, n.due_on, n.key) for n in notices] == [
        (30, D(2026, 12, 1), "ma-42:renewal-notice:30")
    ]


def test_each_periods_invoice_is_drafted_exactly_once_even_when_the_scheduler_runs_twice() -> None:
    drafted: set[str] = set()
    made: list[tuple[str, dt.date]] = []
    for n in range(400):
        today = D(2025, 12, 1) + dt.timedelta(days=n)
        for _run in range(2):
            for draft in billing_drafts_due(CALENDAR_YEAR, today, drafted):
                drafted.add(draft.key)
                made.append((draft.key, today))
    assert made == [
        # not the first quarter (2026-01-01): the term's first period is sold through sales
        ("ma-42:2026-04-01", D(2026, 3, 1)),  # 30 days before 31 March
        ("ma-42:2026-07-01", D(2026, 5, 31)),
        ("ma-42:2026-10-01", D(2026, 8, 31)),
        ("ma-42:2027-01-01", D(2026, 12, 1)),  # the next term's first quarter (auto-renew)
    ]


def test_without_auto_renew_the_next_term_is_a_renewal_quotation() -> None:
    contract = replace(CALENDAR_YEAR, auto_renew=False)
    done = {f"ma-42:2026-{m:02d}-01" for m in (4, 7, 10)}
    (draft,) = billing_drafts_due(contract, D(2026, 12, 1), done)
    assert (draft.kind, draft.period_start, draft.period_end, draft.amount) == (
        DraftKind.RENEWAL_QUOTATION,
        D(2027, 1, 1),
        D(2027, 12, 31),
        Decimal("36500.00"),
    )
    assert billing_drafts_due(contract, D(2026, 11, 30), done) == ()


def test_a_yearly_term_drafts_only_the_next_term_never_its_own_first_period() -> None:
    yearly = replace(CALENDAR_YEAR, billing_period=BillingPeriod.YEARLY, fee=Decimal("36500.00"))
    assert billing_drafts_due(yearly, D(2026, 1, 1), set()) == ()  # the 2026 term is not ours
    assert billing_drafts_due(yearly, D(2026, 11, 30), set()) == ()
    (draft,) = billing_drafts_due(yearly, D(2026, 12, 1), set())  # 30 days before 31 Dec
    assert (draft.key, draft.kind, draft.period_end, draft.amount) == (
        "ma-42:2027-01-01",
        DraftKind.INVOICE,
        D(2027, 12, 31),
        Decimal("36500.00"),
    )
    # approved late (after the due day), still the one draft; past the end it is caught up
    assert [d.key for d in billing_drafts_due(yearly, D(2027, 1, 3), set())] == ["ma-42:2027-01-01"]
    assert billing_drafts_due(yearly, D(2027, 1, 3), {"ma-42:2027-01-01"}) == ()


def test_cancelled_and_draft_contracts_draft_nothing() -> None:
    assert billing_drafts_due(replace(CALENDAR_YEAR, approved_on=None), D(2026, 3, 1), set()) == ()
    cancelled = replace(CALENDAR_YEAR, cancelled_on=D(2026, 7, 1))
    assert billing_drafts_due(cancelled, D(2026, 7, 1), set()) == ()
    before = billing_drafts_due(cancelled, D(2026, 6, 30), {"ma-42:2026-01-01", "ma-42:2026-04-01"})
    assert before == ()  # the July quarter starts on the cancellation day


def test_inclusive_days() -> None:
    assert inclusive_days(D(2026, 4, 1), D(2026, 12, 31)) == 275
    assert inclusive_days(D(2026, 4, 2), D(2026, 4, 1)) == 0
