"""What a printed document shows, already formatted: the templates only lay it out.

Views are built from domain objects by the `*_view` functions, so the rules of what a document
must print (§86/4 particulars, §86/9–10 references, amounts in Thai words, Buddhist-era dates)
live here in Python and are tested, not hidden in template logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chassis.thai import bahttext, format_amount, format_thai_date

from sales_docs.domain.adjustments import AdjustmentKind, AdjustmentNote
from sales_docs.domain.amounts import VatMode
from sales_docs.domain.particulars import TITLE_TAX_INVOICE, TITLE_TAX_INVOICE_RECEIPT
from sales_docs.domain.parties import Party, format_tax_id
from sales_docs.domain.quotations import Quotation
from sales_docs.domain.tax_invoices import InvoiceKind, TaxInvoice


@dataclass(frozen=True)
class PartyView:
    label_th: str
    label_en: str
    name: str
    name_en: str
    address: str
    tax_id: str
    branch: str
    contact: str = ""


@dataclass(frozen=True)
class LineView:
    number: str
    description: str
    detail: str
    quantity: str
    unit: str
    unit_price: str
    discount: str
    amount: str
    free_gift: bool = False


@dataclass(frozen=True)
class FieldView:
    """A labelled value in the header box (number, date, due date, references)."""

    label_th: str
    label_en: str
    value: str


@dataclass(frozen=True)
class TotalView:
    label_th: str
    label_en: str
    value: str
    emphasis: bool = False


@dataclass(frozen=True)
class SignatureView:
    label_th: str
    label_en: str


@dataclass(frozen=True)
class DocumentView:
    """Everything one page layout needs. `copy_label` prints "ต้นฉบับ / Original" and the like;
    `logo_uri` is a data: or file: URI (the placeholder logo when empty)."""

    title_th: str
    title_en: str
    seller: PartyView
    buyer: PartyView
    fields: tuple[FieldView, ...]
    lines: tuple[LineView, ...]
    totals: tuple[TotalView, ...]
    amount_in_words: str
    notes: tuple[str, ...] = ()
    signatures: tuple[SignatureView, ...] = ()
    copy_label: str = "ต้นฉบับ / Original"
    logo_uri: str = ""
    void: bool = False


def party_view(party: Party, label_th: str, label_en: str) -> PartyView:
    """A party with its tax id printed 0-0000-00000-00-0 and "สำนักงานใหญ่" or the branch."""
    return PartyView(
        label_th=label_th,
        label_en=label_en,
        name=party.name,
        name_en=party.name_en,
        address=party.address,
        tax_id=format_tax_id(party.tax_id) if party.tax_id else "",
        branch=f"{party.branch_label_th()} / {party.branch_label_en()}" if party.tax_id else "",
        contact=" · ".join(x for x in (party.phone, party.email) if x),
    )


def quantity_text(value: Decimal) -> str:
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text or "0"


def money_text(value: Decimal) -> str:
    return format_amount(value)


def discount_text(value: Decimal) -> str:
    return money_text(value) if value else "-"


def quotation_view(quotation: Quotation, seller: Party, logo_uri: str = "") -> DocumentView:
    """A quotation: lines with discounts and free gifts, VAT, total in figures and in words."""
    priced = quotation.priced
    lines = tuple(
        LineView(
            number=str(index + 1),
            description=item.description,
            detail="ของแถม / Free gift" if item.free_gift else "",
            quantity=quantity_text(item.quantity),
            unit=item.unit,
            unit_price=money_text(item.unit_price),
            discount=discount_text(line.line_discount),
            amount=money_text(line.net),
            free_gift=item.free_gift,
        )
        for index, (item, line) in enumerate(zip(priced.items, priced.lines, strict=True))
    )
    t = priced.totals
    inclusive = quotation.vat_mode == VatMode.INCLUSIVE
    totals = [TotalView("รวมเป็นเงิน", "Subtotal", money_text(t.subtotal))]
    if t.document_discount:
        totals.append(TotalView("ส่วนลดท้ายบิล", "Discount", money_text(t.document_discount)))
        totals.append(TotalView("ยอดหลังหักส่วนลด", "After discount", money_text(t.amount_after_discount)))
    if t.zero_rated_base or t.exempt_base:
        totals.append(
            TotalView("มูลค่าที่ไม่มีภาษี", "Zero-rated / exempt", money_text(t.zero_rated_base + t.exempt_base))
        )
    totals.append(TotalView("มูลค่าก่อนภาษี", "Pre-VAT amount", money_text(t.pre_vat_total)))
    rate = f"{t.vat_rate * 100:.0f}%"
    totals.append(
        TotalView(
            f"ภาษีมูลค่าเพิ่ม {rate}", f"VAT {rate}" + (" (included)" if inclusive else ""), money_text(t.vat)
        )
    )
    totals.append(TotalView("จำนวนเงินรวมทั้งสิ้น", "Grand total", money_text(t.grand_total), emphasis=True))
    fields = [
        FieldView("เลขที่", "No.", quotation.display_number or "ฉบับร่าง / Draft"),
        FieldView("วันที่", "Date", format_thai_date(quotation.issue_date)),
        FieldView("ยืนราคาถึง", "Valid until", format_thai_date(quotation.valid_until)),
    ]
    if quotation.payment_terms:
        fields.append(FieldView("เงื่อนไขการชำระ", "Payment terms", quotation.payment_terms))
    notes = [quotation.notes] if quotation.notes else []
    if inclusive:
        notes.append("ราคาดังกล่าวรวมภาษีมูลค่าเพิ่มแล้ว / Prices include VAT")
    else:
        notes.append("ราคาดังกล่าวยังไม่รวมภาษีมูลค่าเพิ่ม / Prices exclude VAT")
    return DocumentView(
        title_th="ใบเสนอราคา",
        title_en="Quotation",
        seller=party_view(seller, "ผู้เสนอราคา", "From"),
        buyer=party_view(quotation.customer, "ลูกค้า", "Customer"),
        fields=tuple(fields),
        lines=lines,
        totals=tuple(totals),
        amount_in_words=bahttext(t.grand_total),
        notes=tuple(notes),
        signatures=(
            SignatureView("ผู้เสนอราคา", "Quoted by"),
            SignatureView("ผู้อนุมัติ", "Approved by"),
            SignatureView("ผู้สั่งซื้อ (ยืนยันการสั่งซื้อ)", "Accepted by customer"),
        ),
        logo_uri=logo_uri,
    )


def tax_invoice_view(invoice: TaxInvoice, logo_uri: str = "") -> DocumentView:
    """A tax invoice (or tax invoice / receipt) with every §86/4 particular printed."""
    combined = invoice.kind == InvoiceKind.TAX_INVOICE_RECEIPT
    title = TITLE_TAX_INVOICE_RECEIPT if combined else TITLE_TAX_INVOICE
    title_th, title_en = (part.strip() for part in title.split(" / "))
    lines = tuple(
        LineView(
            number=str(index + 1),
            description=line.description,
            detail="ของแถม / Free gift" if line.free_gift else "",
            quantity=quantity_text(line.quantity),
            unit=line.unit,
            unit_price=money_text(line.unit_price),
            discount=discount_text(line.discount),
            amount=money_text(line.amount),
            free_gift=line.free_gift,
        )
        for index, line in enumerate(invoice.lines)
    )
    t = invoice.totals
    rate = f"{t.vat_rate * 100:.0f}%"
    totals = [TotalView("รวมเป็นเงิน", "Total of lines", money_text(t.lines_amount))]
    for taken in invoice.deductions:
        totals.append(
            TotalView(f"หักเงินมัดจำ {taken.deposit_number}", "Less deposit", f"-{money_text(taken.base)}")
        )
    if t.zero_rated_base or t.exempt_base:
        totals.append(
            TotalView("มูลค่าที่ไม่มีภาษี", "Zero-rated / exempt", money_text(t.zero_rated_base + t.exempt_base))
        )
    totals += [
        TotalView("มูลค่าสินค้า/บริการ", "Value before VAT", money_text(t.pre_vat_total)),
        TotalView(f"ภาษีมูลค่าเพิ่ม {rate}", f"VAT {rate}", money_text(t.vat)),
        TotalView("จำนวนเงินรวมทั้งสิ้น", "Grand total", money_text(t.grand_total), emphasis=True),
    ]
    fields = [
        FieldView("เลขที่", "No.", invoice.number),
        FieldView("วันที่", "Date", format_thai_date(invoice.issue_date)),
    ]
    if not combined:
        fields.append(FieldView("ครบกำหนดชำระ", "Due date", format_thai_date(invoice.due_date)))
    if invoice.sale_order_number:
        fields.append(FieldView("อ้างอิงใบสั่งขาย", "Sale order", invoice.sale_order_number))
    if invoice.customer_reference:
        fields.append(FieldView("เลขที่ใบสั่งซื้อ", "Customer PO", invoice.customer_reference))
    notes = [invoice.notes] if invoice.notes else []
    if invoice.deductions:
        vat = sum((d.vat for d in invoice.deductions), Decimal(0))
        notes.append(
            f"เงินมัดจำที่หักได้ออกใบกำกับภาษีแล้ว (ภาษี {money_text(vat)} บาท) / Deposits were invoiced with VAT"
        )
    if invoice.is_void:
        notes.insert(0, f"ยกเลิก / VOID: {invoice.void_reason}")
    return DocumentView(
        title_th=title_th,
        title_en=title_en,
        seller=party_view(invoice.seller, "ผู้ขาย", "Seller"),
        buyer=party_view(invoice.buyer, "ผู้ซื้อ", "Buyer"),
        fields=tuple(fields),
        lines=lines,
        totals=tuple(totals),
        amount_in_words=bahttext(t.grand_total),
        notes=tuple(notes),
        signatures=(
            SignatureView("ผู้รับสินค้า/บริการ", "Received by"),
            SignatureView("ผู้มีอำนาจลงนาม", "Authorised signature"),
        ),
        logo_uri=logo_uri,
        void=invoice.is_void,
    )


def adjustment_view(note: AdjustmentNote, logo_uri: str = "") -> DocumentView:
    """A credit note (§86/10) or debit note (§86/9): the original invoice, the value on it,
    the correct value, the difference, VAT on the difference, and the reason."""
    credit = note.kind == AdjustmentKind.CREDIT_NOTE
    lines = tuple(
        LineView(
            str(i + 1),
            line.description,
            "",
            quantity_text(line.quantity),
            line.unit,
            money_text(line.unit_price),
            "-",
            money_text(line.amount),
        )
        for i, line in enumerate(note.lines)
    )
    rate = f"{note.vat_rate * 100:.0f}%"
    totals = (
        TotalView("มูลค่าตามใบกำกับภาษีเดิม", "Value on the original invoice", money_text(note.original_value)),
        TotalView("มูลค่าที่ถูกต้อง", "Correct value", money_text(note.corrected_value)),
        TotalView("ผลต่าง", "Difference", money_text(note.difference)),
        TotalView(f"ภาษีมูลค่าเพิ่ม {rate}", f"VAT {rate}", money_text(note.vat)),
        TotalView("รวมทั้งสิ้น", "Total", money_text(note.total), emphasis=True),
    )
    return DocumentView(
        title_th="ใบลดหนี้" if credit else "ใบเพิ่มหนี้",
        title_en="Credit Note" if credit else "Debit Note",
        seller=party_view(note.seller, "ผู้ขาย", "Seller"),
        buyer=party_view(note.buyer, "ผู้ซื้อ", "Buyer"),
        fields=(
            FieldView("เลขที่", "No.", note.number),
            FieldView("วันที่", "Date", format_thai_date(note.issue_date)),
            FieldView("อ้างอิงใบกำกับภาษี", "Original invoice", note.invoice_number),
            FieldView("ลงวันที่", "Invoice date", format_thai_date(note.invoice_date)),
        ),
        lines=lines,
        totals=totals,
        amount_in_words=bahttext(note.total),
        notes=(f"เหตุผล / Reason: {note.reason}",),
        signatures=(
            SignatureView("ผู้รับเอกสาร", "Received by"),
            SignatureView("ผู้มีอำนาจลงนาม", "Authorised signature"),
        ),
        logo_uri=logo_uri,
    )
