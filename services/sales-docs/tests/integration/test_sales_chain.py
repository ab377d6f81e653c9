"""The sales chain over real gRPC, with real pricing and contacts services: a quotation priced
by pricing with the customer's snapshot from contacts, submitted, decided, sent, accepted,
ordered, a deposit, an invoice deducting it and a receipt with withholding tax."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import grpc
from contacts.testing import rpc_failure
from crm.common.v1 import money_pb2
from crm.sales.v1 import resources_pb2 as res
from crm.sales.v1 import sales_service_pb2 as pb
from sales_docs.application.quotations import decide
from sales_docs.testing import ACCOUNTANT, OTHER_REP, REP, SalesDocsUnderTest


def _thb(amount: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code="THB", amount=amount)


def test_quotation_to_receipt_through_pricing_and_contacts(
    sales: SalesDocsUnderTest, new_customer: Callable[..., Any], new_product: Callable[..., Any]
) -> None:
    customer = new_customer()
    product = new_product("100.00")

    line = res.DocumentLine(product_id=product.id, description="ท่อ PVC 4 นิ้ว", quantity="10")
    draft = sales.call(
        "CreateQuotation", pb.CreateQuotationRequest(customer_id=customer.id, lines=[line]), REP
    ).quotation
    assert (draft.status, draft.number) == ("draft", "")
    assert draft.customer.tax_id == customer.tax_id
    assert "เชียงใหม่" in draft.customer.address
    assert Decimal(draft.totals.grand_total.amount) == Decimal("1070.00")
    assert draft.lines[0].priced_net.amount == "1000.00"

    submitted = sales.call("SubmitQuotation", pb.SubmitQuotationRequest(id=draft.id), REP).quotation
    assert submitted.status == "submitted"
    assert submitted.number.startswith("QT")
    assert "crm.sales.quotation.submitted" in sales.outbox_subjects()
    ctx = sales.service.context
    with ctx.transaction() as uow:
        assert decide(uow, ctx, draft.id, 1, True, "ok")
    with ctx.transaction() as uow:
        assert not decide(uow, ctx, draft.id, 1, False, "late")  # stale: already decided

    sent = sales.call("SendQuotation", pb.SendQuotationRequest(id=draft.id), REP)
    assert sent.quotation.status == "sent"
    assert sent.mail_id
    assert sales.count("mail_attachments") == 1
    sales.call("AcceptQuotation", pb.AcceptQuotationRequest(id=draft.id), REP)

    order = sales.call("CreateSaleOrder", pb.CreateSaleOrderRequest(quotation_id=draft.id), REP).sale_order
    order = sales.call("ConfirmSaleOrder", pb.ConfirmSaleOrderRequest(id=order.id), REP).sale_order
    assert order.number.startswith("SO")

    code, _, _ = rpc_failure(
        lambda: sales.call(
            "CreateDeposit", pb.CreateDepositRequest(sale_order_id=order.id, amount=_thb("535")), REP
        )
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED
    deposit = sales.call(
        "CreateDeposit",
        pb.CreateDepositRequest(
            sale_order_id=order.id, amount=_thb("535.00"), payment=res.Payment(method="transfer")
        ),
        ACCOUNTANT,
    ).deposit
    assert (deposit.base.amount, deposit.vat.amount) == ("500.00", "35.00")

    invoice = sales.call(
        "IssueTaxInvoice",
        pb.IssueTaxInvoiceRequest(
            sale_order_id=order.id, deposit_deductions=[pb.DeductionRequest(deposit_id=deposit.id)]
        ),
        ACCOUNTANT,
    ).tax_invoice
    assert invoice.number.startswith("INV")
    assert (
        invoice.totals.pre_vat_total.amount,
        invoice.totals.vat.amount,
        invoice.totals.grand_total.amount,
    ) == (
        "500.00",
        "35.00",
        "535.00",
    )

    code, _, fields = rpc_failure(
        lambda: sales.call(
            "RecordReceipt",
            pb.RecordReceiptRequest(
                customer_id=customer.id,
                allocations=[pb.AllocationRequest(invoice_id=invoice.id, amount=_thb("600"))],
            ),
            ACCOUNTANT,
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "allocations[0].amount" in fields
    receipt = sales.call(
        "RecordReceipt",
        pb.RecordReceiptRequest(
            customer_id=customer.id,
            payment=res.Payment(method="transfer"),
            allocations=[pb.AllocationRequest(invoice_id=invoice.id, amount=_thb("535.00"))],
            withholding_tax_rate="3",
            withholding_tax_certificate="WHT-001",
        ),
        ACCOUNTANT,
    ).receipt
    assert (receipt.withholding_tax.amount, receipt.received.amount) == ("15.00", "520.00")
    paid = sales.call("GetTaxInvoice", pb.GetTaxInvoiceRequest(id=invoice.id), ACCOUNTANT).tax_invoice
    assert (paid.payment_status, paid.outstanding.amount) == ("paid", "0.00")
    assert {
        "crm.sales.sale_order.confirmed",
        "crm.sales.deposit.received",
        "crm.sales.invoice.issued",
        "crm.sales.receipt.recorded",
    } <= set(sales.outbox_subjects())
    pdf = sales.call(
        "GetDocumentPdf", pb.GetDocumentPdfRequest(document_type="tax_invoice", id=invoice.id), ACCOUNTANT
    )
    assert pdf.content.startswith(b"%PDF")


def test_bad_lines_name_the_field_and_write_nothing(
    sales: SalesDocsUnderTest, new_customer: Callable[..., Any]
) -> None:
    customer = new_customer()
    bad = pb.CreateQuotationRequest(
        customer_id=customer.id,
        lines=[res.DocumentLine(description="งานติดตั้ง", quantity="0", unit_price=_thb("5"))],
    )
    code, _, fields = rpc_failure(lambda: sales.call("CreateQuotation", bad, REP))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "lines[0].quantity" in fields
    assert sales.count("quotations") == 0
    assert sales.outbox_subjects() == []


def test_a_rep_cannot_read_another_reps_quotation(
    sales: SalesDocsUnderTest, new_customer: Callable[..., Any]
) -> None:
    customer = new_customer()
    line = res.DocumentLine(description="ค่าบริการ", quantity="1", unit_price=_thb("1000"))
    draft = sales.call(
        "CreateQuotation", pb.CreateQuotationRequest(customer_id=customer.id, lines=[line]), REP
    ).quotation
    code, _, _ = rpc_failure(
        lambda: sales.call("GetQuotation", pb.GetQuotationRequest(id=draft.id), OTHER_REP)
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED
