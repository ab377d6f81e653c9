"""Reading a received mail: sender, Thai RFC 2047 subjects, multipart bodies, HTML-only mail,
quoted history trimmed, and the case reference in the subject as the threading fallback."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage

import pytest
from service_desk.domain.email_threading import (
    case_id_prefix,
    case_reference,
    reference_in_subject,
    subject_tag,
    title_from_subject,
)
from service_desk.domain.inbound_mail import UnreadableMail, html_to_text, parse_mail, trimmed_reply

THAI_SUBJECT = "เครื่องสำรองไฟ UPS ดับบ่อย"


def mail(
    subject: str = THAI_SUBJECT, text: str | None = "ไฟดับทุกเช้า", html: str | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = Address("สมชาย ใจดี", addr_spec="somchai@example.co.th")
    message["To"] = "support@siamsupply.example"
    message["Subject"] = subject
    message["Message-ID"] = "<m1@example.co.th>"
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    return message


def test_a_thai_subject_and_sender_name_are_decoded_from_rfc_2047() -> None:
    raw = mail().as_bytes()
    assert b"=?utf-8?" in raw  # the subject travels encoded

    parsed = parse_mail(raw)

    assert parsed.subject == THAI_SUBJECT
    assert parsed.from_address == "somchai@example.co.th"
    assert parsed.from_name == "สมชาย ใจดี"
    assert parsed.message_id == "m1@example.co.th"
    assert parsed.body == "ไฟดับทุกเช้า"


def test_multipart_mail_prefers_the_plain_text_part() -> None:
    parsed = parse_mail(mail(text="plain words", html="<p>html words</p>").as_bytes())

    assert parsed.body == "plain words"


def test_html_only_mail_is_reduced_to_text() -> None:
    html = (
        "<html><head><style>p{color:red}</style></head>"
        "<body><p>บรรทัดแรก</p><p>second&nbsp;line</p></body></html>"
    )

    parsed = parse_mail(mail(text=None, html=html).as_bytes())

    assert parsed.body == "บรรทัดแรก\n\nsecond line"
    assert "color" not in parsed.body


def test_html_to_text_drops_scripts_and_keeps_line_breaks() -> None:
    assert html_to_text("<div>a<br>b</div><script>x()</script>") == "a\nb"


def test_a_mail_with_attachments_still_gives_its_text() -> None:
    message = mail(text="ดูรูปที่แนบ")
    message.add_attachment(b"\x89PNG...", maintype="image", subtype="png", filename="ups.png")

    assert parse_mail(message.as_bytes()).body == "ดูรูปที่แนบ"


def test_reply_headers_are_kept_for_threading() -> None:
    message = mail("Re: " + THAI_SUBJECT)
    message["In-Reply-To"] = "<out-1@siamsupply.example>"
    message["References"] = "<m0@example.co.th> <out-1@siamsupply.example>"

    parsed = parse_mail(message.as_bytes())

    assert parsed.in_reply_to == "<out-1@siamsupply.example>"
    assert parsed.references == "<m0@example.co.th> <out-1@siamsupply.example>"


def test_a_mail_without_sender_cannot_be_read() -> None:
    message = mail()
    del message["From"]

    with pytest.raises(UnreadableMail):
        parse_mail(message.as_bytes())


def test_out_of_office_replies_are_marked_auto_submitted() -> None:
    message = mail()
    message["Auto-Submitted"] = "auto-replied"

    assert parse_mail(message.as_bytes()).auto_submitted
    assert not parse_mail(mail().as_bytes()).auto_submitted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "Thanks, it works now.\n\nOn Mon, 6 Apr 2026 at 09:00, Support <s@x.th> wrote:\n> old",
            "Thanks, it works now.",
        ),
        ("Still broken\nOn Mon, 6 Apr 2026 at 09:00, Support Team\n<s@x.th> wrote:\n> old", "Still broken"),
        ("See below\n-----Original Message-----\nFrom: Support\nold text", "See below"),
        ("ยังเสียอยู่ค่ะ\n\nเมื่อ จ. 6 เม.ย. 2026 09:00 Support <s@x.th> เขียนว่า:\n> เก่า", "ยังเสียอยู่ค่ะ"),
        ("ขอบคุณครับ\n-----ข้อความต้นฉบับ-----\nเก่า", "ขอบคุณครับ"),
        ("ok\n________________________________\nFrom: Support <s@x.th>\nSent: Monday", "ok"),
        ("answer\n\n> quoted line\n> another", "answer"),
        ("From: my side the UPS beeps\nthree times", "From: my side the UPS beeps\nthree times"),
        ("> only quoted history", "> only quoted history"),
    ],
)
def test_quoted_history_is_trimmed(text: str, kept: str) -> None:
    assert trimmed_reply(text) == kept


def test_the_case_reference_comes_from_the_case_id_and_is_found_in_subjects() -> None:
    case_id = "case_1a2b3c4d5e6f70819293a4b5c6d7e8f9"

    assert case_reference(case_id) == "SD-1A2B3C4D"
    assert subject_tag(case_id) == "[#SD-1A2B3C4D]"
    assert reference_in_subject("Re: [#SD-1A2B3C4D] เครื่องพิมพ์เสีย") == "SD-1A2B3C4D"
    assert reference_in_subject("ตอบกลับ: [# sd-1a2b3c4d ] printer") == "SD-1A2B3C4D"
    assert reference_in_subject("no reference here") is None
    assert case_id.startswith(case_id_prefix("SD-1A2B3C4D"))


def test_the_reference_is_not_part_of_a_title() -> None:
    assert title_from_subject("Re: [#SD-1A2B3C4D] เครื่องพิมพ์เสีย") == "เครื่องพิมพ์เสีย"
    assert title_from_subject("[#SD-1A2B3C4D]") == "(no subject)"
