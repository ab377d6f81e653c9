"""The document line a renewal_due asks sales documents to print, in the Buddhist era."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from service_desk.application.renewals import billing_description
from service_desk.domain.contract_billing import BillingDraft, DraftKind


def test_an_invoice_line_names_the_period_in_thai_dates_and_the_contract() -> None:
    draft = BillingDraft(
        "ma_1",
        DraftKind.INVOICE,
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
        dt.date(2026, 12, 1),
        Decimal("1"),
    )
    assert billing_description(draft) == "ค่าบริการบำรุงรักษา (MA) 1 ม.ค. 2570 – 31 ธ.ค. 2570 สัญญา ma_1"


def test_a_renewal_quotation_line_says_renewal() -> None:
    draft = BillingDraft(
        "ma_2",
        DraftKind.RENEWAL_QUOTATION,
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
        dt.date(2026, 12, 1),
        Decimal("1"),
    )
    assert billing_description(draft).startswith("ต่ออายุสัญญาบำรุงรักษา (MA) 1 ม.ค. 2570")
