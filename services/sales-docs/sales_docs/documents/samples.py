"""Sample documents of a fictitious seller, for the review image and the PDF tests.

`python -m sales_docs.documents.samples [docs/quotation-sample.png]` re-renders page 1 of the
sample quotation as the PNG committed in docs/ for review. Run it after changing the template.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

from sales_docs.domain.adjustments import AdjustmentLine, AdjustmentNote, credit_note
from sales_docs.domain.amounts import LineItem, discount_for_percent
from sales_docs.domain.deposits import Deposit, deduction, receive_deposit
from sales_docs.domain.parties import Party
from sales_docs.domain.payments import Payment, PaymentMethod
from sales_docs.domain.quotations import ApprovalPolicy, Quotation, new_quotation, submitted
from sales_docs.domain.receipts import AllocationRequest, Receipt, issue_receipt, open_invoice
from sales_docs.domain.sale_orders import SaleOrder, confirmed, new_sale_order
from sales_docs.domain.tax_invoices import OrderSelection, TaxInvoice, issue_tax_invoice, lines_from_order

D = Decimal
SAMPLE_DATE = dt.date(2026, 11, 23)

SELLER = Party(
    name="บริษัท สยามซัพพลาย จำกัด",
    name_en="Siam Supply Co., Ltd.",
    address="99/1 อาคารสยามทาวเวอร์ ชั้น 12 ถนนพระราม 9 แขวงห้วยขวาง เขตห้วยขวาง กรุงเทพมหานคร 10310",
    tax_id="0105558123451",
    phone="02-123-4567",
    email="sales@siamsupply.example",
)
BUYER = Party(
    name="บริษัท เชียงใหม่เทรดดิ้ง จำกัด",
    name_en="Chiang Mai Trading Co., Ltd.",
    address="12 ถนนนิมมานเหมินท์ ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50200",
    tax_id="0105560123454",
    branch_code="00002",
    phone="053-222-333",
)


def sample_quotation() -> Quotation:
    """A submitted quotation with a line discount, a percentage discount, a free gift and a
    document discount."""
    items = [
        LineItem(
            "เครื่องปรับอากาศ Inverter 18,000 BTU",
            D(4),
            D("21900.00"),
            unit="เครื่อง",
            discount=D("2000.00"),
            product_id="AC-18K",
        ),
        LineItem("ค่าติดตั้งพร้อมท่อน้ำยา 4 เมตร / Installation", D(4), D("3500.00"), unit="งาน"),
        LineItem(
            "สัญญาบำรุงรักษารายปี / Annual maintenance",
            D(1),
            D("12000.00"),
            unit="ปี",
            discount=discount_for_percent(D(1), D("12000.00"), D(10)),
        ),
        LineItem("รีโมทคอนโทรลสำรอง (ของแถม)", D(4), D("450.00"), unit="ชิ้น", free_gift=True),
    ]
    draft = new_quotation(
        "q-sample",
        BUYER,
        "cus-sample",
        "rep-1",
        SAMPLE_DATE,
        SAMPLE_DATE + dt.timedelta(days=30),
        items,
        document_discount=D("1500.00"),
        payment_terms="เครดิต 30 วัน / 30 days credit",
        notes="ส่งสินค้าและติดตั้งภายใน 14 วันหลังยืนยันการสั่งซื้อ / Delivery and installation within 14 days",
    )
    return submitted(draft, "QT2569-00042", ApprovalPolicy())


def sample_order() -> SaleOrder:
    """A confirmed order of the quotation's first two lines."""
    order = new_sale_order(
        "so-sample",
        BUYER,
        "cus-sample",
        "rep-1",
        SAMPLE_DATE,
        sample_quotation().items[:2],
        customer_reference="PO-CMT-2569-118",
    )
    return confirmed(order, "SO2569-00017")


def sample_deposit() -> Deposit:
    """A deposit of 21,400.00 including VAT, received by transfer."""
    payment = Payment(PaymentMethod.TRANSFER, reference="BBL 7781")
    return receive_deposit(
        "dp-sample", "DP2569-00005", sample_order(), SELLER, D("21400.00"), SAMPLE_DATE, payment
    )


def sample_tax_invoice() -> TaxInvoice:
    """Part of the order (2 of 4 units and 2 installations) less half of the deposit."""
    order = sample_order()
    lines = lines_from_order(order, OrderSelection(lines=((0, D(2)), (1, D(2)))))
    return issue_tax_invoice(
        "inv-sample",
        "INV2569-00101",
        SELLER,
        BUYER,
        "cus-sample",
        SAMPLE_DATE,
        lines,
        deductions=[deduction(sample_deposit(), D("10000.00"))],
        due_date=SAMPLE_DATE + dt.timedelta(days=30),
        order=order,
    )


def sample_receipt(invoice: TaxInvoice) -> Receipt:
    """A transfer settling the invoice in full, less 3% withholding tax."""
    account = open_invoice(invoice)
    return issue_receipt(
        "rc-sample",
        "RC2569-00077",
        "cus-sample",
        SELLER,
        BUYER,
        SAMPLE_DATE,
        Payment(PaymentMethod.TRANSFER, reference="KBANK 0042"),
        [account],
        [AllocationRequest(account.invoice_id, account.outstanding)],
        withholding_tax_rate=D(3),
        withholding_tax_certificate="WHT-2569-0042",
    )


def sample_credit_note(invoice: TaxInvoice) -> AdjustmentNote:
    """One unit returned damaged."""
    return credit_note(
        "cn-sample",
        "CN2569-00003",
        invoice,
        [
            AdjustmentLine(
                "คืนเครื่องปรับอากาศชำรุด 1 เครื่อง / 1 unit returned damaged", D(1), D("21400.00"), "เครื่อง"
            )
        ],
        "สินค้าชำรุดจากการขนส่ง / damaged in transport",
        SAMPLE_DATE + dt.timedelta(days=5),
    )


def write_quotation_sample(path: Path) -> None:
    """Renders page 1 of the sample quotation to `path` (the review image in docs/)."""
    from sales_docs.documents.renderer import render_pdf, render_png
    from sales_docs.documents.views import quotation_view

    path.write_bytes(render_png(render_pdf(quotation_view(sample_quotation(), SELLER)), scale=1.6))


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/quotation-sample.png")
    write_quotation_sample(target)
    print(f"wrote {target}")
