"""What a service asks to send: a mail with its recipients, subject, plain text (always) and
HTML (optional) bodies, attachments, the language it is written in, and extra headers (such
as RFC 8058 `List-Unsubscribe`). Extra headers cannot carry line breaks (header injection)
nor replace the headers the dispatcher sets itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from chassis.errors import FieldViolation, InvalidArgument

# Subjects longer than this are cut: RFC 5322 lines stop at 998 characters.
MAX_SUBJECT = 900

# Set by the dispatcher from the row (and MIME structure); an extra header may not replace them.
RESERVED_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "subject",
        "message-id",
        "date",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "content-language",
    }
)
MAX_HEADER_VALUE = 900


def header_problems(headers: tuple[tuple[str, str], ...]) -> list[FieldViolation]:
    """What is wrong with extra headers: a name that is no RFC 5322 field name (printable
    ASCII without ':'), a line break or NUL in a name or value (header injection), a header
    the dispatcher sets itself, an overlong value."""
    problems: list[FieldViolation] = []
    for name, value in headers:
        if any(c in name + value for c in "\r\n\0"):
            problems.append(FieldViolation("headers", f"{name!r}: one line, no control characters"))
            continue
        if not name or any(not 33 <= ord(c) <= 126 or c == ":" for c in name):
            problems.append(FieldViolation("headers", f"{name!r} is no header name"))
        elif name.lower() in RESERVED_HEADERS:
            problems.append(FieldViolation("headers", f"{name} is set by the mail dispatcher"))
        if len(value) > MAX_HEADER_VALUE:
            problems.append(FieldViolation("headers", f"{name} is longer than {MAX_HEADER_VALUE} characters"))
    return problems


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class OutgoingMail:
    """One logical mail. `to` must name at least one address."""

    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    cc: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    language: str = "en"
    # Extra headers as (name, value), in order, e.g. (("List-Unsubscribe", "<https://...>"),).
    headers: tuple[tuple[str, str], ...] = ()

    def validate(self) -> None:
        """Refuses what no SMTP server could take (no recipient, a header with a line break) and
        extra headers that would inject or replace headers."""
        problems: list[FieldViolation] = []
        if not self.to:
            problems.append(FieldViolation("to", "needs at least one address"))
        for name, addresses in (("to", self.to), ("cc", self.cc)):
            for address in addresses:
                if "@" not in address or any(c in address for c in "\r\n,;<> "):
                    problems.append(FieldViolation(name, f"{address!r} is not one e-mail address"))
        if "\n" in self.subject or "\r" in self.subject:
            problems.append(FieldViolation("subject", "must be one line"))
        for attachment in self.attachments:
            if "/" not in attachment.content_type:
                problems.append(FieldViolation("attachments", f"{attachment.content_type!r} is no type"))
        problems.extend(header_problems(self.headers))
        if problems:
            raise InvalidArgument(violations=problems)
