"""Sending over SMTP with the standard library, and telling a temporary failure (retry later)
from a permanent one (give up and record it).

RFC 5321 §4.2.1: 4yz replies are transient, 5yz permanent. A connection that cannot be made or
breaks is transient. Authentication and TLS problems are configuration errors an operator can
fix, so they are retried (until the attempts are used up) rather than failing mail at once.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from chassis.mail.settings import MailSettings


class TemporaryMailError(Exception):
    """Try again later."""


class PermanentMailError(Exception):
    """The server refused this mail for good (5yz)."""


def _reply_text(code: int, message: bytes | str) -> str:
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def classify(error: Exception) -> Exception:
    """The error as TemporaryMailError or PermanentMailError (with the server's reply)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        text = "; ".join(f"{rcpt}: {_reply_text(*reply)}" for rcpt, reply in error.recipients.items())
        if replies and all(code >= 500 for code, _ in replies):
            return PermanentMailError(text)
        return TemporaryMailError(text)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return TemporaryMailError(f"authentication failed: {_reply_text(error.smtp_code, error.smtp_error)}")
    if isinstance(error, smtplib.SMTPResponseException):
        text = _reply_text(error.smtp_code, error.smtp_error)
        return PermanentMailError(text) if error.smtp_code >= 500 else TemporaryMailError(text)
    return TemporaryMailError(f"{type(error).__name__}: {error}")


def domain_of(address: str) -> str:
    _, email = parseaddr(address)
    return email.rpartition("@")[2] or "crm.local"


class SmtpConnection:
    """One SMTP session, opened on first use and reused for a batch of mail."""

    def __init__(self, settings: MailSettings) -> None:
        self._settings = settings
        self._client: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        s = self._settings
        client: smtplib.SMTP
        if s.smtp_security == "tls":
            client = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
        try:
            client.ehlo()
            if s.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if s.smtp_username:
                client.login(s.smtp_username, s.smtp_password.get_secret_value())
        except BaseException:
            client.close()
            raise
        return client

    def send(self, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
        """Sends one message; raises TemporaryMailError or PermanentMailError. Returns the
        recipients the server refused while accepting the others."""
        try:
            if self._client is None:
                self._client = self._open()
            return self._client.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            if not isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException):
                self.close()  # the session is broken; the next send reconnects
            else:
                self._reset()
            raise classify(error) from error

    def _reset(self) -> None:
        """After a refused mail the session stays usable once RSET has run."""
        if self._client is not None:
            try:
                self._client.rset()
            except (smtplib.SMTPException, OSError):
                self.close()

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()


def build_message(
    *,
    mail_id: str,
    sender: str,
    to: list[str],
    cc: list[str],
    subject: str,
    text: str,
    html: str | None,
    language: str,
    attachments: list[tuple[str, str, bytes]],
    headers: list[tuple[str, str]] | None = None,
) -> EmailMessage:
    """The MIME message of an outbox row. Its Message-ID comes from the row id, so a resend
    after a crash mid-send carries the same id (receiving systems may drop the copy). Extra
    `headers` were checked when queued (OutgoingMail.validate) and follow the standard ones."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{mail_id}@{domain_of(sender)}>"
    for name, value in headers or ():
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, content_type, content in attachments:
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    # After the bodies: set_content and add_* drop Content-* headers of the outer part.
    message["Content-Language"] = language
    return message
