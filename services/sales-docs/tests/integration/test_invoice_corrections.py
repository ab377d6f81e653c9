"""Invoicing part of an order and correcting invoices over real gRPC: a partial invoice by lines
and one by percentage leave the rest of the order open, an invoice beyond what is left names the
field and writes nothing, a credit note lowers what is due (and cannot exceed the invoice), and a
void invoice keeps its number and gives the order lines and the deposit back."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import grpc
from contacts.testing import rpc_failure
from crm.common.v1 import money_pb2
from crm.sales.v1 import resources_pb2 as res
from crm.sales.v1 import sales_service_pb2 as pb
from sales_docs.testing import ACCOUNTANT, REP, SalesDocsUnderTest


def _thb(amount: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code="THB", amount=amount)


def _confirmed_order(sales: SalesDocsUnderTest, customer_id: str) -> res.SaleOrder:
    """10 × 1,000.00 installation + 4 × 250.00 filters (pre-VAT 11,000.00)."""
    lines = [
        res.DocumentLine(
            description="ค่าติดตั้งระบบกรองน้ำ", quantity="10", unit="งาน", unit_price=_thb("1000.00")
        ),
        res.DocumentLine(description="ไส้กรอง", quantity="4", unit="ชิ้น", unit_price=_thb("250.00")),
    ]
    order = sales.call(
        "CreateSaleOrder", pb.CreateSaleOrderRequest(customer_id=customer_id, lines=lines), REP
    )
    return sales.call("ConfirmSaleOrder", pb.ConfirmSaleOrderRequest(id=order.sale_order.id), REP).sale_order


def _issue(sales: SalesDocsUnderTest, request: pb.IssueTaxInvoiceRequest) -> res.TaxInvoice:
    return sales.call("IssueTaxInvoice", request, ACCOUNTANT).tax_invoice


def _remaining(sales: SalesDocsUnderTest, order_id: str) -> list[str]:
    order = sales.call("GetSaleOrder", pb.GetSaleOrderRequest(id=order_id), REP).sale_order
    return [r.quantity for r in order.remaining]


def test_partial_invoices_and_a_credit_note_lower_what_is_due(
    sales: SalesDocsUnderTest, new_customer: Callable[..., Any]
) -> None:
    order = _confirmed_order(sales, new_customer().id)
    first = _issue(
        sales,
        pb.IssueTaxInvoiceRequest(
            sale_order_id=order.id, lines=[pb.InvoiceSelection(order_line=0, quantity="4")]
        ),
    )
    assert (first.totals.pre_vat_total.amount, first.totals.vat.amount, first.totals.grand_total.amount) == (
        "4000.00",
        "280.00",
        "4280.00",
    )
    assert [Decimal(q) for q in _remaining(sales, order.id)] == [Decimal(6), Decimal(4)]

    code, _, fields = rpc_failure(
        lambda: _issue(
            sales,
            pb.IssueTaxInvoiceRequest(
                sale_order_id=order.id, lines=[pb.InvoiceSelection(order_line=0, quantity="7")]
            ),
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "lines[0].quantity" in fields
    assert sales.count("tax_invoices") == 1

    half = _issue(sales, pb.IssueTaxInvoiceRequest(sale_order_id=order.id, percent="50"))
    assert [(line.quantity, line.amount.amount) for line in half.lines] == [("5", "5000.00"), ("2", "500.00")]
    assert half.totals.grand_total.amount == "5885.00"
    assert [Decimal(q) for q in _remaining(sales, order.id)] == [Decimal(1), Decimal(2)]

    returned = [res.AdjustmentLine(description="ลดค่าติดตั้ง 1 งาน", quantity="1", unit_price=_thb("1000.00"))]
    note = sales.call(
        "IssueAdjustmentNote",
        pb.IssueAdjustmentNoteRequest(
            invoice_id=first.id, kind="credit_note", lines=returned, reason="ติดตั้งไม่ครบ"
        ),
        ACCOUNTANT,
    ).note
    assert note.number.startswith("CN")
    assert (note.original_value.amount, note.corrected_value.amount) == ("4000.00", "3000.00")
    assert (note.difference.amount, note.vat.amount, note.total.amount) == ("1000.00", "70.00", "1070.00")
    after = sales.call("GetTaxInvoice", pb.GetTaxInvoiceRequest(id=first.id), ACCOUNTANT)
    assert (after.tax_invoice.amount_due.amount, after.tax_invoice.outstanding.amount) == (
        "3210.00",
        "3210.00",
    )
    assert [n.id for n in after.notes] == [note.id]

    too_much = [res.AdjustmentLine(description="คืนทั้งหมด", quantity="1", unit_price=_thb("3000.01"))]
    code, _, fields = rpc_failure(
        lambda: sales.call(
            "IssueAdjustmentNote",
            pb.IssueAdjustmentNoteRequest(
                invoice_id=first.id, kind="credit_note", lines=too_much, reason="x"
            ),
            ACCOUNTANT,
        )
    )
    assert (code, "lines" in fields) == (grpc.StatusCode.INVALID_ARGUMENT, True)
    assert sales.count("adjustment_notes") == 1
    assert "crm.sales.credit_note.issued" in sales.outbox_subjects()


def test_a_void_invoice_keeps_its_number_and_gives_the_order_and_deposit_back(
    sales: SalesDocsUnderTest, new_customer: Callable[..., Any]
) -> None:
    customer = new_customer()
    order = _confirmed_order(sales, customer.id)
    deposit = sales.call(
        "CreateDeposit",
        pb.CreateDepositRequest(
            sale_order_id=order.id, amount=_thb("1070.00"), payment=res.Payment(method="cash")
        ),
        ACCOUNTANT,
    ).deposit
    invoice = _issue(
        sales,
        pb.IssueTaxInvoiceRequest(
            sale_order_id=order.id, deposit_deductions=[pb.DeductionRequest(deposit_id=deposit.id)]
        ),
    )
    assert invoice.totals.pre_vat_total.amount == "10000.00"
    assert (
        sales.call("GetDeposit", pb.GetDepositRequest(id=deposit.id), ACCOUNTANT).deposit.remaining.amount
        == "0.00"
    )

    code, _, fields = rpc_failure(
        lambda: sales.call("VoidTaxInvoice", pb.VoidTaxInvoiceRequest(id=invoice.id), ACCOUNTANT)
    )
    assert (code, list(fields)) == (grpc.StatusCode.INVALID_ARGUMENT, ["reason"])
    code, _, _ = rpc_failure(
        lambda: sales.call("VoidTaxInvoice", pb.VoidTaxInvoiceRequest(id=invoice.id, reason="ผิดราคา"), REP)
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED

    void = sales.call(
        "VoidTaxInvoice", pb.VoidTaxInvoiceRequest(id=invoice.id, reason="ออกผิดราคา"), ACCOUNTANT
    ).tax_invoice
    assert (void.status, void.number, void.void_reason) == ("void", invoice.number, "ออกผิดราคา")
    assert [Decimal(q) for q in _remaining(sales, order.id)] == [Decimal(10), Decimal(4)]
    assert (
        sales.call("GetDeposit", pb.GetDepositRequest(id=deposit.id), ACCOUNTANT).deposit.remaining.amount
        == "1070.00"
    )
    assert "crm.sales.invoice.voided" in sales.outbox_subjects()

    again = _issue(sales, pb.IssueTaxInvoiceRequest(sale_order_id=order.id))
    prefix, sequence = invoice.number.rsplit("-", 1)
    assert again.number == f"{prefix}-{int(sequence) + 1:0{len(sequence)}d}"  # the void one stays used
    sales.call(
        "RecordReceipt",
        pb.RecordReceiptRequest(
            customer_id=customer.id,
            payment=res.Payment(method="transfer"),
            allocations=[pb.AllocationRequest(invoice_id=again.id, amount=_thb("100.00"))],
        ),
        ACCOUNTANT,
    )
    code, _, _ = rpc_failure(
        lambda: sales.call("VoidTaxInvoice", pb.VoidTaxInvoiceRequest(id=again.id, reason="x"), ACCOUNTANT)
    )
    assert code == grpc.StatusCode.FAILED_PRECONDITION
