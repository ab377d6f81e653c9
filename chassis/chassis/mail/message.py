"""What a service asks to send: a mail with its recipients, subject, plain text (always) and
HTML (optional) bodies, attachments and the language it is written in."""

from __future__ import annotations

from dataclasses import dataclass, field

from chassis.errors import FieldViolation, InvalidArgument

# Subjects longer than this are cut: RFC 5322 lines stop at 998 characters.
MAX_SUBJECT = 900


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

    def validate(self) -> None:
        """Refuses what no SMTP server could take (no recipient, a header with a line break)."""
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
        if problems:
            raise InvalidArgument(violations=problems)
