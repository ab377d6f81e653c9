"""An incoming e-mail as the service desk reads it: sender, subject, threading headers, the
new text the customer wrote (quoted history trimmed), and the case reference in the subject.

Parsing uses the standard library (`email`, policy.default: RFC 2047 encoded words such as Thai
subjects are decoded, multipart bodies are walked). The text is text/plain when the mail has
it, else its HTML reduced to text. Mail clients quote the history below a line such as
"On Mon, 6 Apr 2026 … wrote:", "-----Original Message-----" or Thai "เมื่อ … เขียนว่า:";
everything from there down is cut, so a reply on a case shows only what is new.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message
from html.parser import HTMLParser

from service_desk.domain.email_threading import message_ids

MAX_BODY = 20_000


class UnreadableMail(Exception):
    """The message cannot become a case or a reply (no sender address)."""


@dataclass(frozen=True)
class InboundMail:
    from_address: str
    from_name: str
    subject: str
    message_id: str  # without angle brackets; "" when the mail has none
    in_reply_to: str
    references: str
    body: str
    # True for out-of-office and other automatic replies (RFC 3834 Auto-Submitted).
    auto_submitted: bool = False


# Lines that start the quoted history. "On … wrote:" may be folded over two lines by the client.
_QUOTE_HEADERS = (
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*(Original Message|Forwarded message)\s*-{2,}", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*(ข้อความต้นฉบับ|ข้อความที่ส่งต่อ)\s*-{2,}"),
    re.compile(r"^\s*(เมื่อ|ใน).{0,300}เขียนว่า\s*:?\s*$"),
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's rule above "From: … Sent: …"
)
# A quoted message's header block: "From: …" followed by "Sent:" / "Date:" / "To:" (or Thai).
_FROM_LINE = re.compile(r"^\s*(From|จาก)\s*:.+$")
_HEADER_LINE = re.compile(r"^\s*(Sent|Date|To|Subject|ส่ง|วันที่|ถึง|เรื่อง)\s*:", re.IGNORECASE)


def _starts_quote(lines: list[str], i: int) -> bool:
    line = lines[i]
    following = lines[i + 1] if i + 1 < len(lines) else ""
    if any(p.match(line) for p in _QUOTE_HEADERS):
        return True
    if line.strip().startswith("On ") and _QUOTE_HEADERS[0].match(f"{line} {following}"):
        return True
    return bool(_FROM_LINE.match(line) and _HEADER_LINE.match(following))


def trimmed_reply(text: str) -> str:
    """`text` without the quoted history below the first quote header or a trailing block of
    "> " lines; the whole text when nothing would remain (a forward with no words of its own)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = len(lines)
    for i in range(len(lines)):
        if _starts_quote(lines, i):
            cut = i
            break
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or text.strip()


class _TextOfHtml(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "blockquote", "table"})
    _SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body: block elements become line breaks, scripts and
    styles are dropped, runs of spaces and blank lines are collapsed."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _content(part: Message) -> str:
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, KeyError, AttributeError):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _body_text(message: EmailMessage) -> str:
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        return _content(plain)
    html = message.get_body(preferencelist=("html",))
    return html_to_text(_content(html)) if html is not None else ""


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, AttributeError):  # a header the parser cannot make sense of
        value = message.get_all(name, failobj=[""])[0] if name in message else ""
    return " ".join(str(value or "").split())


def parse_mail(raw: bytes) -> InboundMail:
    """The parts of `raw` (RFC 5322 bytes) the desk uses; raises UnreadableMail without a
    sender address."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    name, address = "", ""
    try:
        sender = message["From"]
        addresses = getattr(sender, "addresses", ()) if sender is not None else ()
        if addresses:
            name, address = addresses[0].display_name, addresses[0].addr_spec
    except (ValueError, IndexError, AttributeError):
        pass
    if "@" not in address:
        raise UnreadableMail("the mail has no sender address (From)")
    ids = message_ids(_header(message, "Message-ID"))
    auto = _header(message, "Auto-Submitted").lower()
    return InboundMail(
        from_address=address.strip(),
        from_name=" ".join(name.split()),
        subject=_header(message, "Subject"),
        message_id=ids[0] if ids else "",
        in_reply_to=_header(message, "In-Reply-To"),
        references=_header(message, "References"),
        body=trimmed_reply(_body_text(message))[:MAX_BODY],
        auto_submitted=bool(auto) and auto != "no",
    )
