"""A real SMTP server for tests and local runs (aiosmtpd): it keeps every message it accepts
(and writes each to a folder when given one), can refuse chosen recipients with a permanent
550, and can be stopped and started again on the same port to play "SMTP is down"."""

from __future__ import annotations

import email
import email.policy
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from chassis.testing import free_port


@dataclass(frozen=True)
class ReceivedMail:
    """One accepted message: the envelope recipients and the parsed message."""

    recipients: tuple[str, ...]
    message: EmailMessage
    raw: bytes

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def body(self, subtype: str = "plain") -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        return "" if part is None else str(part.get_content())


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self._sink.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = bytes(envelope.original_content or envelope.content)
        self._sink.accept(tuple(envelope.rcpt_tos), raw)
        return "250 OK"


class SmtpSink:
    """An SMTP server on 127.0.0.1:`port` (a free one when 0)."""

    def __init__(
        self, port: int = 0, folder: Path | None = None, on_message: Callable[[Path], None] | None = None
    ):
        self.port = port or free_port()
        self.folder = folder
        self.refused: set[str] = set()
        self.messages: list[ReceivedMail] = []
        self._on_message = on_message
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._controller: Controller | None = None

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def start(self) -> None:
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpSink:
        """`with SmtpSink() as sink:` serves for the block (a test fixture: `yield` inside it)."""
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def accept(self, recipients: tuple[str, ...], raw: bytes) -> None:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self.messages.append(ReceivedMail(recipients, parsed, raw))
            number = next(self._counter)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            path = self.folder / f"{stamp}-{number}.eml"
            path.write_bytes(raw)
            if self._on_message is not None:
                self._on_message(path)

    def to(self, address: str) -> list[ReceivedMail]:
        """Messages delivered to `address`, oldest first."""
        with self._lock:
            return [m for m in self.messages if address in m.recipients]

    def wait_for(
        self, predicate: Callable[[ReceivedMail], bool], count: int = 1, timeout: float = 15.0
    ) -> list[ReceivedMail]:
        """Polls until `count` messages match (mail is sent asynchronously)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = [m for m in self.messages if predicate(m)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} matching mail, got {len(found)}")
            time.sleep(0.02)
