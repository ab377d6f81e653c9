"""What receipts print: a receipt over invoices, and a deposit's receipt / tax invoice."""

from __future__ import annotations

from chassis.thai import bahttext, format_thai_date

from sales_docs.documents.views import (
    DocumentView,
    FieldView,
    LineView,
    SignatureView,
    TotalView,
    money_text,
    party_view,
)
from sales_docs.domain.deposits import Deposit
from sales_docs.domain.payments import Payment, PaymentMethod
from sales_docs.domain.receipts import Receipt

PAYMENT_LABELS = {
    PaymentMethod.CASH: "เงินสด / Cash",
    PaymentMethod.TRANSFER: "โอนเงิน / Bank transfer",
    PaymentMethod.CHEQUE: "เช็ค / Cheque",
    PaymentMethod.CARD: "บัตรเครดิต / Card",
}


def paid_by_text(payment: Payment) -> str:
    """ "โอนเงิน / Bank transfer (KBANK 0042)", or the cheque's bank and number."""
    text = PAYMENT_LABELS[payment.method]
    if payment.method == PaymentMethod.CHEQUE:
        return text + f" {payment.bank} เลขที่ {payment.cheque_number}"
    return text + (f" ({payment.reference})" if payment.reference else "")


def receipt_view(receipt: Receipt, logo_uri: str = "") -> DocumentView:
    """A receipt listing the invoices it settles, withholding tax and the money received."""
    lines = tuple(
        LineView(
            str(i + 1),
            f"ชำระตามใบกำกับภาษี {a.invoice_number}",
            f"Payment of invoice {a.invoice_number}",
            "1",
            "",
            money_text(a.amount),
            "-",
            money_text(a.amount),
        )
        for i, a in enumerate(receipt.allocations)
    )
    totals = [TotalView("รวมชำระ", "Total settled", money_text(receipt.amount))]
    if receipt.withholding_tax:
        rate = f"{receipt.withholding_tax_rate:.0f}%"
        totals.append(
            TotalView(
                f"หักภาษี ณ ที่จ่าย {rate}", f"Withholding tax {rate}", f"-{money_text(receipt.withholding_tax)}"
            )
        )
    totals.append(TotalView("รับชำระสุทธิ", "Net received", money_text(receipt.received), emphasis=True))
    payment = receipt.payment
    paid_by = paid_by_text(payment)
    fields = [
        FieldView("เลขที่", "No.", receipt.number),
        FieldView("วันที่", "Date", format_thai_date(receipt.received_on)),
        FieldView("ชำระโดย", "Paid by", paid_by),
    ]
    if receipt.withholding_tax_certificate:
        fields.append(
            FieldView("หนังสือรับรองหัก ณ ที่จ่าย", "WHT certificate", receipt.withholding_tax_certificate)
        )
    notes = []
    if payment.method == PaymentMethod.CHEQUE:
        notes.append("ใบเสร็จนี้จะสมบูรณ์เมื่อเช็คเรียกเก็บเงินได้แล้ว / Valid once the cheque has cleared")
    return DocumentView(
        title_th="ใบเสร็จรับเงิน",
        title_en="Receipt",
        seller=party_view(receipt.seller, "ผู้รับเงิน", "Received by"),
        buyer=party_view(receipt.buyer, "ได้รับเงินจาก", "Received from"),
        fields=tuple(fields),
        lines=lines,
        totals=tuple(totals),
        amount_in_words=bahttext(receipt.amount),
        notes=tuple(notes),
        signatures=(SignatureView("ผู้จ่ายเงิน", "Paid by"), SignatureView("ผู้รับเงิน", "Collector")),
        logo_uri=logo_uri,
    )


def deposit_view(deposit: Deposit, logo_uri: str = "") -> DocumentView:
    """A deposit's receipt, which is also its tax invoice (the deposit is a tax point), so it
    carries the §86/4 particulars: title, parties with tax ids and branches, VAT apart."""
    rate = f"{deposit.vat_rate * 100:.0f}%"
    line = LineView(
        "1", deposit.description, "", "1", "", money_text(deposit.base), "-", money_text(deposit.base)
    )
    return DocumentView(
        title_th="ใบเสร็จรับเงิน/ใบกำกับภาษี",
        title_en="Receipt/Tax Invoice",
        seller=party_view(deposit.seller, "ผู้ขาย", "Seller"),
        buyer=party_view(deposit.buyer, "ผู้ซื้อ", "Buyer"),
        fields=(
            FieldView("เลขที่", "No.", deposit.number),
            FieldView("วันที่", "Date", format_thai_date(deposit.received_on)),
            FieldView("อ้างอิงใบสั่งขาย", "Sale order", deposit.sale_order_number),
            FieldView("ชำระโดย", "Paid by", paid_by_text(deposit.payment)),
        ),
        lines=(line,),
        totals=(
            TotalView("มูลค่าเงินมัดจำ", "Deposit before VAT", money_text(deposit.base)),
            TotalView(f"ภาษีมูลค่าเพิ่ม {rate}", f"VAT {rate}", money_text(deposit.vat)),
            TotalView("จำนวนเงินรวมทั้งสิ้น", "Grand total", money_text(deposit.total), emphasis=True),
        ),
        amount_in_words=bahttext(deposit.total),
        notes=("เงินมัดจำนี้จะหักออกจากใบกำกับภาษีที่ออกภายหลัง / Deducted from later tax invoices",),
        signatures=(SignatureView("ผู้จ่ายเงิน", "Paid by"), SignatureView("ผู้รับเงิน", "Collector")),
        logo_uri=logo_uri,
    )
