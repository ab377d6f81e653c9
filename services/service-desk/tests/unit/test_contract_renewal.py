"""The auto-renew roll-over rule (renewal_successor) with worked dates: a calendar year renews as
the next calendar year, a 29 February end, quarterly billing whose successor drafts only from its
second quarter, and the contracts that do not roll over."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from service_desk.domain.contract_billing import billing_drafts_due
from service_desk.domain.contracts import (
    ContractStatus,
    contract_status,
    planned_visits,
    renewal_successor,
    term_months,
)
from service_desk.testing import approved_copier_contract

D = dt.date

CALENDAR_YEAR = approved_copier_contract()


def test_a_calendar_year_renews_as_the_next_calendar_year_with_the_same_terms() -> None:
    assert renewal_successor(CALENDAR_YEAR, D(2026, 12, 31), "ma-43") is None  # the last day
    successor = renewal_successor(CALENDAR_YEAR, D(2027, 1, 1), "ma-43")
    assert successor == replace(
        CALENDAR_YEAR,
        id="ma-43",
        start_date=D(2027, 1, 1),
        end_date=D(2027, 12, 31),
        approved_on=D(2027, 1, 1),
        version=1,
    )
    assert contract_status(successor, D(2027, 1, 1)) == ContractStatus.ACTIVE
    assert planned_visits(successor) == (D(2027, 1, 1), D(2027, 4, 1), D(2027, 7, 1), D(2027, 10, 1))
    # a late pass (the scheduler was down for a week) makes the same successor
    assert renewal_successor(CALENDAR_YEAR, D(2027, 1, 8), "ma-43") == successor


@pytest.mark.parametrize(
    ("start", "end", "months", "next_start", "next_end"),
    [
        # a leap calendar year and the year after it
        (D(2028, 1, 1), D(2028, 12, 31), 12, D(2029, 1, 1), D(2029, 12, 31)),
        # a term ending on 29 February renews up to the next 28 February
        (D(2027, 3, 1), D(2028, 2, 29), 12, D(2028, 3, 1), D(2029, 2, 28)),
        # a term starting on 29 February: 12 months to 28 February 2025
        (D(2024, 2, 29), D(2025, 2, 28), 12, D(2025, 3, 1), D(2026, 2, 28)),
        # quarterly-length term over 29 February
        (D(2027, 12, 1), D(2028, 2, 29), 3, D(2028, 3, 1), D(2028, 5, 31)),
        # two years, mid-month
        (D(2026, 5, 15), D(2028, 5, 14), 24, D(2028, 5, 15), D(2030, 5, 14)),
        # a term shorter than a month renews for as many days
        (D(2026, 1, 1), D(2026, 1, 10), 0, D(2026, 1, 11), D(2026, 1, 20)),
    ],
)
def test_the_successor_runs_as_many_months_from_the_day_after_the_end(
    start: dt.date, end: dt.date, months: int, next_start: dt.date, next_end: dt.date
) -> None:
    contract = replace(CALENDAR_YEAR, start_date=start, end_date=end, preventive_visits=None)
    assert term_months(contract) == months
    successor = renewal_successor(contract, end + dt.timedelta(days=1), "ma-43")
    assert successor is not None
    assert (successor.start_date, successor.end_date, successor.approved_on) == (
        next_start,
        next_end,
        next_start,
    )


def test_quarterly_billing_the_successors_first_quarter_is_the_old_contracts_next_term_draft() -> None:
    this_term = {"ma-42:2026-04-01", "ma-42:2026-07-01", "ma-42:2026-10-01"}
    assert billing_drafts_due(CALENDAR_YEAR, D(2026, 12, 10), this_term) == ()
    (next_term,) = billing_drafts_due(CALENDAR_YEAR, D(2026, 12, 11), this_term)  # 20 days before
    assert (next_term.key, next_term.period_start, next_term.period_end) == (
        "ma-42:2027-01-01",
        D(2027, 1, 1),
        D(2027, 3, 31),
    )
    successor = renewal_successor(CALENDAR_YEAR, D(2027, 1, 1), "ma-43")
    assert successor is not None
    # never its first quarter again; its second quarter 20 days before 31 March
    assert billing_drafts_due(successor, D(2027, 3, 10), set()) == ()
    (second,) = billing_drafts_due(successor, D(2027, 3, 11), set())
    assert (second.key, second.period_end, second.amount) == (
        "ma-43:2027-04-01",
        D(2027, 6, 30),
        Decimal("9125.00"),
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"auto_renew": False},
        {"approved_on": None},
        {"cancelled_on": D(2026, 10, 1)},
        {"cancelled_on": D(2027, 1, 1)},  # a cancellation from the day after the end
        {"renewed_by": "ma-41"},
    ],
)
def test_cancelled_renewed_unapproved_or_not_auto_renew_contracts_do_not_roll_over(
    changes: dict[str, object],
) -> None:
    contract = replace(CALENDAR_YEAR, **changes)  # type: ignore[arg-type]
    assert renewal_successor(contract, D(2027, 1, 1), "ma-43") is None
