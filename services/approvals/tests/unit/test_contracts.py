"""A service contract's value for approval: fee × the billing periods in its term."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from approvals.domain.contracts import contract_value
from chassis.errors import InvalidArgument


def test_contract_value_is_fee_times_billing_periods():
    assert contract_value(dt.date(2026, 1, 1), dt.date(2026, 12, 31), 3, Decimal("30000.00")) == (
        4,
        Decimal("120000.00"),
    )
    assert contract_value(dt.date(2026, 1, 31), dt.date(2026, 3, 30), 1, Decimal("1000")) == (
        2,
        Decimal("2000"),
    )
    with pytest.raises(InvalidArgument) as refused:
        contract_value(dt.date(2026, 1, 1), dt.date(2025, 1, 1), 0, Decimal("-1"))
    assert {v.field for v in refused.value.violations} == {
        "contract.billing_period",
        "contract.end_date",
        "contract.fee.amount",
    }
