"""Renewal by an accepted quotation (quoted_renewal), the fee per period from the quotation's
total before VAT (quoted_fee), the shared successor term (next_term) and the end of a contract
without auto-renew (ended_unrenewed), with worked dates and amounts."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from chassis.errors import InvalidArgument
from service_desk.domain.contract_billing import DraftKind, billing_drafts_due
from service_desk.domain.contracts import (
    BillingPeriod,
    ContractStatus,
    contract_status,
    ended_unrenewed,
    next_term,
    quoted_fee,
    quoted_renewal,
    renewal_successor,
)
from service_desk.testing import approved_copier_contract

D = dt.date

NO_AUTO_RENEW = approved_copier_contract(auto_renew=False)


def test_an_accepted_quotation_renews_for_the_same_term_at_the_quoted_fee() -> None:
    # 40,000.00 before VAT for four quarters: 10,000.00 a quarter; accepted on 10 December
    successor = quoted_renewal(NO_AUTO_RENEW, D(2027, 1, 1), Decimal("40000.00"), D(2026, 12, 10), "ma-43")
    assert successor == replace(
        NO_AUTO_RENEW,
        id="ma-43",
        start_date=D(2027, 1, 1),
        end_date=D(2027, 12, 31),
        fee=Decimal("10000.00"),
        approved_on=D(2026, 12, 10),
        version=1,
        term_billed_upfront=True,
    )
    # approved before its start: active (an approved term not yet begun counts as active)
    assert contract_status(successor, D(2026, 12, 11)) == ContractStatus.ACTIVE


@pytest.mark.parametrize(
    ("total", "periods", "fee"),
    [
        (Decimal("40000.00"), 4, Decimal("10000.00")),
        (Decimal("100000.00"), 3, Decimal("33333.33")),  # 33,333.333… down
        (Decimal("100000.02"), 12, Decimal("8333.34")),  # 8,333.335 half-up
        (Decimal("0.00"), 1, Decimal("0.00")),
    ],
)
def test_the_fee_per_period_is_the_total_over_the_periods_half_up_to_the_satang(
    total: Decimal, periods: int, fee: Decimal
) -> None:
    assert quoted_fee(total, periods) == fee
    assert abs(fee * periods - total) <= Decimal("0.005") * periods  # the remainder stays below


def test_a_negative_quoted_total_is_refused() -> None:
    with pytest.raises(InvalidArgument) as refused:
        quoted_fee(Decimal("-1.00"), 1)
    assert [v.field for v in refused.value.violations] == ["pre_vat_total"]


def test_a_monthly_term_divides_by_twelve() -> None:
    monthly = replace(NO_AUTO_RENEW, billing_period=BillingPeriod.MONTHLY, fee=Decimal("1000.00"))
    successor = quoted_renewal(monthly, D(2027, 1, 1), Decimal("13000.00"), D(2027, 1, 3), "ma-43")
    assert successor is not None
    assert successor.fee == Decimal("1083.33")


@pytest.mark.parametrize(
    ("changes", "period_start"),
    [
        ({"renewed_by": "ma-41"}, D(2027, 1, 1)),  # renewed already (the same acceptance again)
        ({"cancelled_on": D(2026, 10, 1)}, D(2027, 1, 1)),
        ({"approved_on": None}, D(2027, 1, 1)),
        ({}, D(2026, 4, 1)),  # a quotation for another term
        ({}, D(2027, 1, 2)),
    ],
)
def test_a_quotation_that_no_longer_applies_renews_nothing(
    changes: dict[str, object], period_start: dt.date
) -> None:
    contract = replace(NO_AUTO_RENEW, **changes)  # type: ignore[arg-type]
    assert quoted_renewal(contract, period_start, Decimal("40000.00"), D(2026, 12, 10), "ma-43") is None


def test_both_renewals_share_the_successor_term() -> None:
    auto = replace(NO_AUTO_RENEW, auto_renew=True)
    rolled = renewal_successor(auto, D(2027, 1, 1), "ma-43")
    assert rolled == next_term(auto, "ma-43", D(2027, 1, 1), approved_on=D(2027, 1, 1))
    quoted = quoted_renewal(auto, D(2027, 1, 1), Decimal("36500.00"), D(2026, 12, 1), "ma-43")
    assert quoted is not None
    assert rolled is not None
    # the same term; only the fee, the approval day and how the term is billed differ
    assert quoted.term_billed_upfront
    assert not rolled.term_billed_upfront
    assert (
        replace(quoted, fee=rolled.fee, approved_on=rolled.approved_on, term_billed_upfront=False) == rolled
    )


@pytest.mark.parametrize(
    ("changes", "today", "ended"),
    [
        ({}, D(2026, 12, 31), False),  # its last day
        ({}, D(2027, 1, 1), True),
        ({}, D(2027, 3, 1), True),
        ({"auto_renew": True}, D(2027, 1, 1), False),  # rolls over instead
        ({"renewed_by": "ma-43"}, D(2027, 1, 1), False),
        ({"cancelled_on": D(2026, 10, 1)}, D(2027, 1, 1), False),  # cancelled, not expired
        ({"approved_on": None}, D(2027, 1, 1), False),  # never active
    ],
)
def test_a_contract_without_auto_renew_ends_unrenewed_the_day_after_its_end(
    changes: dict[str, object], today: dt.date, ended: bool
) -> None:
    contract = replace(NO_AUTO_RENEW, **changes)  # type: ignore[arg-type]
    assert ended_unrenewed(contract, today) is ended


def test_a_term_sold_whole_by_quotation_drafts_none_of_its_quarters_but_the_next_term() -> None:
    """No double billing: the accepted quotation billed all four quarters of 2027, so the
    successor drafts none of them; its own next term (a renewal quotation again, no
    auto-renew) is still drafted its invoice_lead_days (20) before its end."""
    successor = quoted_renewal(NO_AUTO_RENEW, D(2027, 1, 1), Decimal("40000.00"), D(2026, 12, 10), "ma-43")
    assert successor is not None

    assert billing_drafts_due(successor, D(2027, 12, 10), set()) == ()
    (upcoming,) = billing_drafts_due(successor, D(2027, 12, 11), set())
    assert (upcoming.kind, upcoming.period_start, upcoming.period_end, upcoming.amount) == (
        DraftKind.RENEWAL_QUOTATION,
        D(2028, 1, 1),
        D(2028, 12, 31),
        Decimal("40000.00"),
    )


def test_a_rolled_over_term_is_billed_per_period_again() -> None:
    """The auto-renew roll-over is billed period by period (only a quotation sells a term whole)."""
    quoted = quoted_renewal(NO_AUTO_RENEW, D(2027, 1, 1), Decimal("40000.00"), D(2026, 12, 10), "ma-43")
    assert quoted is not None
    rolled = next_term(replace(quoted, auto_renew=True), "ma-44", D(2028, 1, 1), approved_on=D(2028, 1, 1))

    assert rolled.term_billed_upfront is False
    assert billing_drafts_due(rolled, D(2028, 3, 10), set()) == ()
    assert [d.period_start for d in billing_drafts_due(rolled, D(2028, 3, 11), set())] == [D(2028, 4, 1)]
