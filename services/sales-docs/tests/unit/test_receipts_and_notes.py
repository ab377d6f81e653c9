"""Receipts with withholding tax, payment status, credit and debit notes, AR aging."""

import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import FailedPrecondition, InvalidArgument
from sales_docs.domain.adjustments import AdjustmentLine, credit_note, debit_note
from sales_docs.domain.aging import AgingBucket, ar_aging, bucket_for
from sales_docs.domain.amounts import LineItem, VatMode
from sales_docs.domain.parties import Party
from sales_docs.domain.payments import Payment, PaymentMethod
from sales_docs.domain.receipts import (
    AllocationRequest,
    OpenInvoice,
    PaymentStatus,
    issue_receipt,
    issue_tax_invoice_receipt,
    open_invoice,
    with_allocation,
)
from sales_docs.domain.tax_invoices import InvoiceKind, TaxInvoice, issue_tax_invoice, lines_from_items

D = Decimal
DAY = dt.date(2026, 11, 23)
DUE = DAY + dt.timedelta(days=30)
CASH = Payment(PaymentMethod.CASH)


def _invoice(
    seller: Party, buyer: Party, number: str, *items: LineItem, kind: InvoiceKind = InvoiceKind.TAX_INVOICE
) -> TaxInvoice:
    lines = lines_from_items(items, VatMode.EXCLUSIVE)
    return issue_tax_invoice(number, number, seller, buyer, "cus-1", DAY, lines, due_date=DUE, kind=kind)


def test_two_partial_receipts_with_three_percent_withholding_pay_a_service_invoice(
    seller: Party, buyer: Party
) -> None:
    invoice = _invoice(seller, buyer, "INV2569-00020", LineItem("Maintenance service", D(1), D("20000.00")))
    account = open_invoice(invoice)
    assert (account.base, account.total, account.status(DAY)) == (
        D("20000.00"),
        D("21400.00"),
        PaymentStatus.UNPAID,
    )

    def pay(account: OpenInvoice, number: str, amount: str) -> tuple[OpenInvoice, Decimal, Decimal]:
        receipt = issue_receipt(
            number, number, "cus-1", seller, buyer, DAY, Payment(PaymentMethod.TRANSFER, reference="SCB 1"),
            [account], [AllocationRequest(account.invoice_id, D(amount))],
            withholding_tax_rate=D(3), withholding_tax_certificate="WHT-2569-0042",
        )  # fmt: skip
        return with_allocation(account, receipt.allocations[0]), receipt.withholding_tax, receipt.received

    account, withheld, received = pay(account, "RC2569-00001", "10700.00")
    assert (withheld, received, account.status(DAY)) == (
        D("300.00"),
        D("10400.00"),
        PaymentStatus.PARTIALLY_PAID,
    )
    assert account.status(DUE + dt.timedelta(days=1)) == PaymentStatus.OVERDUE
    account, withheld, received = pay(account, "RC2569-00002", "10700.00")
    assert (withheld, received, account.status(DUE + dt.timedelta(days=1))) == (
        D("300.00"),
        D("10400.00"),
        PaymentStatus.PAID,
    )


def test_an_odd_partial_payment_withholds_on_its_pre_vat_share(seller: Party, buyer: Party) -> None:
    account = open_invoice(_invoice(seller, buyer, "INV1", LineItem("Consulting", D(1), D("1000.00"))))
    receipt = issue_receipt(
        "r", "RC1", "cus-1", seller, buyer, DAY, CASH, [account], [AllocationRequest("INV1", D("333.33"))],
        withholding_tax_rate=D(3), withholding_tax_certificate="C-1",
    )  # fmt: skip
    allocation = receipt.allocations[0]
    # 333.33 × 1,000 / 1,070 = 311.52 before VAT; 3% = 9.35; 323.98 received in cash.
    assert (allocation.base, allocation.withholding_tax, allocation.received) == (
        D("311.52"),
        D("9.35"),
        D("323.98"),
    )


def test_one_receipt_settles_several_invoices(seller: Party, buyer: Party) -> None:
    first = open_invoice(_invoice(seller, buyer, "INV-A", LineItem("A", D(2), D("500.00"))))
    second = open_invoice(_invoice(seller, buyer, "INV-B", LineItem("B", D(1), D("250.00"))))
    receipt = issue_receipt(
        "r", "RC2569-00003", "cus-1", seller, buyer, DAY,
        Payment(PaymentMethod.CHEQUE, bank="Bangkok Bank", cheque_number="0012345"),
        [first, second], [AllocationRequest("INV-A", D("1070.00")), AllocationRequest("INV-B", D("100.00"))],
    )  # fmt: skip
    assert (receipt.amount, receipt.withholding_tax, receipt.received) == (D("1170.00"), D(0), D("1170.00"))
    assert with_allocation(first, receipt.allocations[0]).status(DAY) == PaymentStatus.PAID
    assert with_allocation(second, receipt.allocations[1]).outstanding == D("167.50")


def test_bad_receipts_name_their_fields(seller: Party, buyer: Party) -> None:
    account = open_invoice(_invoice(seller, buyer, "INV1", LineItem("A", D(1), D("100.00"))))
    with pytest.raises(InvalidArgument) as raised:
        issue_receipt(
            "r", "RC1", "cus-1", seller, buyer, DAY, Payment(PaymentMethod.CHEQUE), [account],
            [AllocationRequest("INV1", D("107.01")), AllocationRequest("INV9", D(1)),
             AllocationRequest("INV1", D(1))],
            withholding_tax_rate=D(4),
        )  # fmt: skip
    assert [v.field for v in raised.value.violations] == [
        "payment.cheque_number",
        "payment.bank",
        "withholding_tax_rate",
        "withholding_tax_certificate",
        "allocations[0].amount",
        "allocations[1].invoice_id",
        "allocations[2].invoice_id",
    ]
    with pytest.raises(InvalidArgument) as zero:
        issue_receipt(
            "r", "RC1", "cus-1", seller, buyer, DAY, CASH, [account], [AllocationRequest("INV1", D(0))]
        )
    assert zero.value.violations[0].field == "allocations[0].amount"


def test_a_receipt_larger_than_what_is_due_names_the_amount(seller: Party, buyer: Party) -> None:
    account = open_invoice(_invoice(seller, buyer, "INV1", LineItem("A", D(1), D("100.00"))))
    with pytest.raises(InvalidArgument) as raised:
        issue_receipt(
            "r", "RC1", "cus-1", seller, buyer, DAY, CASH, [account], [AllocationRequest("INV1", D("107.01"))]
        )
    assert raised.value.violations[0].field == "allocations[0].amount"
    assert "107.00" in raised.value.violations[0].reason


def test_credit_notes_reduce_the_invoice_with_vat_on_the_difference(seller: Party, buyer: Party) -> None:
    invoice = _invoice(seller, buyer, "INV2569-00030", LineItem("Monitor", D(10), D("1000.00")))
    returned = credit_note(
        "cn-1", "CN2569-00001", invoice, [AdjustmentLine("Monitor returned (damaged)", D(2), D("1000.00"))],
        "สินค้าชำรุด / damaged goods returned", DAY,
    )  # fmt: skip
    assert (
        returned.original_value,
        returned.corrected_value,
        returned.difference,
        returned.vat,
        returned.total,
    ) == (
        D("10000.00"),
        D("8000.00"),
        D("2000.00"),
        D("140.00"),
        D("2140.00"),
    )
    reduced = credit_note(
        "cn-2", "CN2569-00002", invoice, [AdjustmentLine("Price reduction", D(1), D("500.00"))],
        "discount agreed", DAY, earlier_notes=[returned],
    )  # fmt: skip
    assert (reduced.original_value, reduced.corrected_value, reduced.vat) == (
        D("8000.00"),
        D("7500.00"),
        D("35.00"),
    )
    account = open_invoice(invoice, [returned, reduced])
    assert (account.base, account.total) == (D("7500.00"), D("8025.00"))
    with pytest.raises(InvalidArgument) as beyond:
        credit_note(
            "cn-3", "CN3", invoice, [AdjustmentLine("All", D(1), D("7500.01"))], "x", DAY, [returned, reduced]
        )
    assert beyond.value.violations[0].field == "lines"


def test_a_debit_note_raises_the_invoice(seller: Party, buyer: Party) -> None:
    invoice = _invoice(seller, buyer, "INV2569-00031", LineItem("Cable", D(100), D("150.50")))
    note = debit_note(
        "dn-1",
        "DN2569-00001",
        invoice,
        [AdjustmentLine("Cable short-charged", D(3), D("150.50"))],
        "undercharged",
        DAY,
    )
    assert (note.original_value, note.corrected_value, note.difference, note.vat, note.total) == (
        D("15050.00"),
        D("15501.50"),
        D("451.50"),
        D("31.61"),
        D("483.11"),
    )
    with pytest.raises(InvalidArgument) as raised:
        debit_note("dn-2", "DN2", invoice, [AdjustmentLine("x", D(1), D(1))], " ", DAY - dt.timedelta(days=1))
    assert {v.field for v in raised.value.violations} == {"reason", "issue_date"}


def test_a_tax_invoice_receipt_for_services_is_paid_at_issue(seller: Party, buyer: Party) -> None:
    invoice = _invoice(
        seller,
        buyer,
        "TR2569-00001",
        LineItem("Repair service", D(1), D("5000.00")),
        kind=InvoiceKind.TAX_INVOICE_RECEIPT,
    )
    receipt = issue_tax_invoice_receipt(
        invoice, CASH, withholding_tax_rate=D(3), withholding_tax_certificate="W-7"
    )
    assert (receipt.number, receipt.amount, receipt.withholding_tax, receipt.received) == (
        "TR2569-00001",
        D("5350.00"),
        D("150.00"),
        D("5200.00"),
    )
    plain = _invoice(seller, buyer, "INV1", LineItem("Goods", D(1), D("1.00")))
    with pytest.raises(FailedPrecondition):
        issue_tax_invoice_receipt(plain, CASH)


def test_ar_aging_buckets_per_customer_and_in_total() -> None:
    def open_item(customer: str, due: dt.date, total: str, settled: str = "0") -> OpenInvoice:
        return OpenInvoice(f"{customer}-{due}", "N", customer, due, due, D(total), D(total), D(settled))

    items = [
        open_item("cus-a", dt.date(2026, 11, 30), "1000.00"),
        open_item("cus-a", dt.date(2026, 11, 10), "500.00", "200.00"),
        open_item("cus-b", dt.date(2026, 10, 1), "300.00"),
        open_item("cus-b", dt.date(2026, 9, 1), "70.00"),
        open_item("cus-b", dt.date(2026, 7, 1), "9.99"),
        open_item("cus-c", dt.date(2026, 7, 1), "50.00", "50.00"),
    ]
    report = ar_aging(items, DAY)
    assert [row.customer_id for row in report.rows] == ["cus-a", "cus-b"]
    assert report.rows[0].amounts[AgingBucket.CURRENT] == D("1000.00")
    assert report.rows[0].amounts[AgingBucket.DAYS_1_30] == D("300.00")
    assert [report.rows[1].amounts[b] for b in AgingBucket] == [
        D(0),
        D(0),
        D("300.00"),
        D("70.00"),
        D("9.99"),
    ]
    assert report.total.total == D("1679.99") == sum((row.total for row in report.rows), D(0))


@pytest.mark.parametrize(
    ("days_late", "bucket"),
    [(-5, AgingBucket.CURRENT), (0, AgingBucket.CURRENT), (1, AgingBucket.DAYS_1_30),
     (30, AgingBucket.DAYS_1_30), (31, AgingBucket.DAYS_31_60), (60, AgingBucket.DAYS_31_60),
     (61, AgingBucket.DAYS_61_90), (90, AgingBucket.DAYS_61_90), (91, AgingBucket.OVER_90)],
)  # fmt: skip
def test_aging_bucket_edges(days_late: int, bucket: AgingBucket) -> None:
    assert bucket_for(DAY - dt.timedelta(days=days_late), DAY) == bucket
