"""PDFs of the sales documents: rendered once per module, checked by their extracted text.

What the text layer gives back (pypdf 7.1.0 over WeasyPrint 70.0 with Debian's fonts-thai-tlwg):
Latin text, digits, tax ids, numbers and amounts come back exactly. Thai text mostly does, but
WeasyPrint's ToUnicode map gives each glyph one meaning for the whole font subset, while Thai
shaping shares glyphs between characters: SARA AM (ำ) is drawn as NIKHAHIT + SARA AA, so
"ใบกำกับภาษี" is extracted as "ใบกากับภาษี" in these documents (DESIGN §9 describes the mirror
case, "ภาษี" → "ภำษี", when ำ is not the glyph's first use), and a lowered tone mark can share a
glyph with SARA UU ("มูลค่า" → "ม้ลค่า"). The page prints correctly; these tests assert what is
really extractable, and the HTML the PDF is made from is checked for the exact Thai text.
"""

import io
from dataclasses import dataclass, replace

import pytest
from pypdf import PdfReader
from sales_docs.documents.payment_views import deposit_view, receipt_view
from sales_docs.documents.renderer import render_html, render_pdf, render_png
from sales_docs.documents.samples import (
    SELLER,
    sample_credit_note,
    sample_deposit,
    sample_quotation,
    sample_receipt,
    sample_tax_invoice,
)
from sales_docs.documents.views import (
    DocumentView,
    adjustment_view,
    quotation_view,
    tax_invoice_view,
)
from sales_docs.domain.tax_invoices import InvoiceKind


@dataclass(frozen=True)
class Rendered:
    view: DocumentView
    html: str
    pdf: bytes
    text: str  # the PDF's extracted text, whitespace runs as one space


def _render(view: DocumentView) -> Rendered:
    pdf = render_pdf(view)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Line breaks follow the layout; words and their order are what the tests check.
    return Rendered(view, render_html(view), pdf, " ".join(text.split()))


@pytest.fixture(scope="module")
def documents() -> dict[str, Rendered]:
    invoice = sample_tax_invoice()
    return {
        "quotation": _render(quotation_view(sample_quotation(), SELLER)),
        "tax_invoice": _render(tax_invoice_view(invoice)),
        "receipt": _render(receipt_view(sample_receipt(invoice))),
        "credit_note": _render(adjustment_view(sample_credit_note(invoice))),
        "deposit": _render(deposit_view(sample_deposit())),
    }


def test_every_document_is_a_one_page_a4_pdf(documents: dict[str, Rendered]) -> None:
    for rendered in documents.values():
        assert rendered.pdf.startswith(b"%PDF-")
        reader = PdfReader(io.BytesIO(rendered.pdf))
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_the_tax_invoice_prints_the_section_86_4_particulars(documents: dict[str, Rendered]) -> None:
    text = documents["tax_invoice"].text
    # (1) the words "ใบกำกับภาษี / Tax Invoice": the title, as the text layer gives it back.
    assert "ใบกากับภาษี" in text
    assert "TAX INVOICE" in text
    # (2) seller: name, address, tax id, head office; (3) buyer: name, address, tax id, branch.
    assert "Siam Supply Co., Ltd." in text
    assert "Tax ID 0-1055-58123-45-1" in text
    assert "สานักงานใหญ่ / Head office" in text
    assert "Chiang Mai Trading Co., Ltd." in text
    assert "Tax ID 0-1055-60123-45-4" in text
    assert "สาขาที่ 00002 / Branch 00002" in text
    assert "กรุงเทพมหานคร 10310" in text
    assert "เชียงใหม่ 50200" in text
    # (4) number, (7) Buddhist-era date.
    assert "INV2569-00101" in text
    assert "23 พฤศจิกายน 2569" in text
    # (5) description, quantity, value of each line.
    assert "1 เครื่องปรับอากาศ Inverter 18,000 BTU 2 เครื่อง 21,900.00 1,000.00 42,800.00" in text
    assert "Installation 2 งาน 3,500.00 - 7,000.00" in text
    # (6) VAT shown apart from the value; the deposit deducted before VAT.
    assert "Less deposit -10,000.00" in text
    assert "Value before VAT 39,800.00" in text
    assert "VAT 7% 2,786.00" in text
    assert "Grand total 42,586.00" in text


def test_the_html_carries_the_exact_thai_text(documents: dict[str, Rendered]) -> None:
    html = documents["tax_invoice"].html
    assert "ใบกำกับภาษี" in html
    assert "สี่หมื่นสองพันห้าร้อยแปดสิบหกบาทถ้วน" in html
    assert "มูลค่าสินค้า/บริการ" in html
    assert "สำนักงานใหญ่ / Head office" in html


def test_the_text_layer_quirks_are_what_this_test_documents(documents: dict[str, Rendered]) -> None:
    """If this fails after a WeasyPrint or HarfBuzz upgrade, the text layer changed (perhaps
    fixed): update this test and the module docstring."""
    text = documents["tax_invoice"].text
    assert "ใบกำกับภาษี" not in text
    assert "ใบกากับภาษี" in text
    assert "ม้ลค่าสินค้า/บริการ" in text


def test_the_quotation_prints_discounts_free_gifts_vat_and_the_total_in_words(
    documents: dict[str, Rendered],
) -> None:
    text = documents["quotation"].text
    assert "ใบเสนอราคา" in text
    assert "QUOTATION" in text
    assert "QT2569-00042" in text
    assert "23 ธันวาคม 2569" in text  # valid until, Buddhist era
    assert "4 เครื่อง 21,900.00 2,000.00 85,600.00" in text
    assert "ของแถม / Free gift" in text
    assert "4 ชิ้น 450.00 1,800.00 0.00" in text
    assert "Discount 1,500.00" in text
    assert "VAT 7% 7,623.00" in text
    assert "Grand total 116,523.00" in text
    assert "(หนึ่งแสนหนึ่งหมื่นหกพันห้าร้อยยี่สิบสามบาทถ้วน)" in text


def test_the_receipt_shows_withholding_tax_and_the_net_received(documents: dict[str, Rendered]) -> None:
    text = documents["receipt"].text
    assert "ใบเสร็จรับเงิน" in text
    assert "RECEIPT" in text
    assert "RC2569-00077" in text
    assert "Payment of invoice INV2569-00101" in text
    assert "Withholding tax 3% -1,194.00" in text
    assert "Net received 41,392.00" in text
    assert "WHT-2569-0042" in text
    assert "สี่หมื่นสองพัน" in text


def test_the_credit_note_references_the_invoice_and_shows_vat_on_the_difference(
    documents: dict[str, Rendered],
) -> None:
    text = documents["credit_note"].text
    assert "ใบลดหนี้" in text
    assert "CREDIT NOTE" in text
    assert "CN2569-00003" in text
    assert "INV2569-00101" in text
    assert "28 พฤศจิกายน 2569" in text
    assert "Value on the original invoice 39,800.00" in text
    assert "Correct value 18,400.00" in text
    assert "Difference 21,400.00" in text
    assert "VAT 7% 1,498.00" in text
    assert "Total 22,898.00" in text
    assert "damaged in transport" in text


def test_the_deposit_receipt_is_also_a_tax_invoice_with_vat(documents: dict[str, Rendered]) -> None:
    text = documents["deposit"].text
    assert "RECEIPT/TAX INVOICE" in text
    assert "DP2569-00005" in text
    assert "SO2569-00017" in text
    assert "Tax ID 0-1055-58123-45-1" in text
    assert "Tax ID 0-1055-60123-45-4" in text
    assert "Deposit before VAT 20,000.00" in text
    assert "VAT 7% 1,400.00" in text
    assert "Grand total 21,400.00" in text
    assert "ใบเสร็จรับเงิน/ใบกำกับภาษี" in documents["deposit"].html
    assert "สองหมื่นหนึ่งพันสี่ร้อยบาทถ้วน" in documents["deposit"].html


def test_a_combined_tax_invoice_receipt_is_titled_so() -> None:
    invoice = replace(sample_tax_invoice(), kind=InvoiceKind.TAX_INVOICE_RECEIPT)
    html = render_html(tax_invoice_view(invoice))
    assert "ใบกำกับภาษี/ใบเสร็จรับเงิน" in html
    assert "Tax Invoice/Receipt" in html
    assert "Due date" not in html


def test_a_void_invoice_says_so(documents: dict[str, Rendered]) -> None:
    view = documents["tax_invoice"].view
    html = render_html(DocumentView(**{**view.__dict__, "void": True}))
    assert "ยกเลิก · VOID" in html
    assert "ยกเลิก · VOID" not in documents["tax_invoice"].html


def test_page_one_renders_to_the_size_of_the_committed_review_image(
    documents: dict[str, Rendered], pytestconfig: pytest.Config
) -> None:
    """docs/quotation-sample.png is regenerated by `python -m sales_docs.documents.samples`,
    never by this test; here it must exist and match a fresh render's size."""
    committed = pytestconfig.rootpath / "docs" / "quotation-sample.png"
    fresh = render_png(documents["quotation"].pdf, scale=1.6)
    assert fresh.startswith(b"\x89PNG\r\n\x1a\n")
    assert committed.read_bytes()[16:24] == fresh[16:24]  # IHDR width and height
