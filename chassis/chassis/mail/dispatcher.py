"""The mail dispatcher: sends due rows of the mail outbox over SMTP, once each.

- A row is sent only by the dispatcher that claimed it with a conditional UPDATE (status
  queued and due, or a claim whose lease ran out); the UPDATE succeeds for exactly one
  dispatcher, in this process or another replica, so no two send the same row.
- A temporary failure (connection refused, 4yz) puts the row back with exponential backoff
  and jitter; after MAIL_MAX_ATTEMPTS, or at once on a permanent 5yz refusal, the row is
  `failed` with the server's reply in `last_error` (and crm_mail_failed_total counts it).
- Only a crash between the server's acceptance and the mark can send a row twice (its lease
  expires and it is retried); the resend carries the same Message-ID.
- It is woken right after a commit that queued mail (`wake`, registered with
  `Database.add_commit_listener`) and polls otherwise, so SMTP coming back is noticed at the
  row's next attempt time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update

from chassis.db import Database
from chassis.mail.metrics import MAIL_BACKLOG, MAIL_FAILED, MAIL_RETRIES, MAIL_SENT
from chassis.mail.outbox import mail_backlog
from chassis.mail.schema import FAILED, QUEUED, SENDING, SENT, MailTables
from chassis.mail.settings import MailSettings
from chassis.mail.smtp import PermanentMailError, SmtpConnection, TemporaryMailError, build_message

log = logging.getLogger(__name__)

MAX_ERROR_TEXT = 2000


@dataclass(frozen=True)
class DispatchReport:
    """What one pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they are UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class MailDispatcher:
    """Sends a service's queued mail until `run`'s stop event is set (or one pass at a time
    with `dispatch_due`, which tests and tools call directly)."""

    def __init__(
        self,
        database: Database,
        tables: MailTables,
        settings: MailSettings,
        *,
        service: str = "service",
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._db = database
        self._tables = tables
        self._settings = settings
        self._service = service
        self._clock = clock
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None

    def wake(self) -> None:
        """Send now instead of at the next poll. Safe from any thread."""
        loop, wakeup = self._loop, self._wakeup
        if loop is None or wakeup is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(wakeup.set)

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatches until `stop` is set (a task for chassis.background.BackgroundLoop)."""
        self._loop = asyncio.get_running_loop()
        self._wakeup = wakeup = asyncio.Event()
        try:
            while not stop.is_set():
                wakeup.clear()
                try:
                    report = await asyncio.to_thread(self.dispatch_due)
                except Exception:
                    log.exception("mail dispatcher: pass failed, retrying")
                    report = DispatchReport()
                if report.handled >= self._settings.mail_batch_size:
                    continue  # more may be due
                waiters = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wakeup.wait())}
                _, pending = await asyncio.wait(
                    waiters, timeout=self._settings.mail_poll_seconds, return_when=asyncio.FIRST_COMPLETED
                )
                for waiter in pending:
                    waiter.cancel()
        finally:
            self._loop = None
            self._wakeup = None

    def dispatch_due(self) -> DispatchReport:
        """Claims and sends the due mail (one batch); returns what happened."""
        sent = retried = failed = 0
        connection = SmtpConnection(self._settings)
        try:
            for mail_id in self._due_ids():
                token = self._claim(mail_id)
                if token is None:
                    continue  # another dispatcher took it
                outcome = self._send(connection, mail_id, token)
                sent += outcome == SENT
                retried += outcome == QUEUED
                failed += outcome == FAILED
        finally:
            connection.close()
            self.refresh_backlog()
        return DispatchReport(sent, retried, failed)

    def refresh_backlog(self) -> int:
        with self._db.read() as session:
            backlog = mail_backlog(session, self._tables)
        MAIL_BACKLOG.labels(self._service).set(backlog)
        return backlog

    def _due_ids(self) -> list[str]:
        t = self._tables.outbox
        now = self._clock()
        with self._db.read() as session:
            rows = session.execute(
                select(t.c.id)
                .where(self._due(now))
                .order_by(t.c.next_attempt_at, t.c.id)
                .limit(self._settings.mail_batch_size)
            )
            return [row.id for row in rows]

    def _due(self, now: datetime) -> ColumnElement[bool]:
        t = self._tables.outbox
        return or_(
            and_(t.c.status == QUEUED, t.c.next_attempt_at <= now),
            and_(t.c.status == SENDING, t.c.claimed_until < now),
        )

    def _claim(self, mail_id: str) -> str | None:
        """The conditional UPDATE that gives this row to exactly one dispatcher."""
        t = self._tables.outbox
        now = self._clock()
        token = str(uuid.uuid4())
        with self._db.transaction() as session:
            result = session.execute(
                update(t)
                .where(t.c.id == mail_id, self._due(now))
                .values(
                    status=SENDING,
                    claim_token=token,
                    claimed_until=now + timedelta(seconds=self._settings.mail_claim_seconds),
                    attempts=t.c.attempts + 1,
                )
            )
        return token if getattr(result, "rowcount", 0) == 1 else None

    def _send(self, connection: SmtpConnection, mail_id: str, token: str) -> str:
        t, a = self._tables.outbox, self._tables.attachments
        with self._db.read() as session:
            row = session.execute(select(t).where(t.c.id == mail_id)).one()
            files = session.execute(
                select(a.c.filename, a.c.content_type, a.c.content)
                .where(a.c.mail_id == mail_id)
                .order_by(a.c.position)
            ).all()
        message = build_message(
            mail_id=row.id,
            sender=self._settings.mail_from,
            to=json.loads(row.to_addresses),
            cc=json.loads(row.cc_addresses),
            subject=row.subject,
            text=row.text_body,
            html=row.html_body,
            language=row.language,
            headers=[(str(n), str(v)) for n, v in json.loads(row.headers or "[]")],
            attachments=[(f.filename, f.content_type, bytes(f.content)) for f in files],
        )
        try:
            refused = connection.send(message)
        except PermanentMailError as error:
            self._finish(mail_id, token, FAILED, str(error))
            MAIL_FAILED.labels(self._service).inc()
            log.warning("mail %s failed for good: %s", mail_id, error)
            return FAILED
        except TemporaryMailError as error:
            if row.attempts >= self._settings.mail_max_attempts:
                self._finish(mail_id, token, FAILED, f"gave up after {row.attempts} attempts: {error}")
                MAIL_FAILED.labels(self._service).inc()
                log.warning("mail %s failed after %d attempts: %s", mail_id, row.attempts, error)
                return FAILED
            self._retry_later(mail_id, token, row.attempts, str(error))
            MAIL_RETRIES.labels(self._service).inc()
            log.info("mail %s: attempt %d failed, retrying: %s", mail_id, row.attempts, error)
            return QUEUED
        note = "; ".join(f"{rcpt} refused: {code}" for rcpt, (code, _) in refused.items()) or None
        self._finish(mail_id, token, SENT, note)
        MAIL_SENT.labels(self._service).inc()
        return SENT

    def backoff(self, attempts: int) -> float:
        """Seconds before attempt `attempts + 1`: doubling from MAIL_BACKOFF_SECONDS, capped,
        with jitter (50-100 %) so that mail queued together does not retry in lockstep."""
        s = self._settings
        base = min(s.mail_max_backoff_seconds, s.mail_backoff_seconds * 2 ** max(0, attempts - 1))
        return float(base * (0.5 + random.random() / 2))

    def _retry_later(self, mail_id: str, token: str, attempts: int, error: str) -> None:
        t = self._tables.outbox
        when = self._clock() + timedelta(seconds=self.backoff(attempts))
        with self._db.transaction() as session:
            session.execute(
                update(t)
                .where(t.c.id == mail_id, t.c.claim_token == token)
                .values(
                    status=QUEUED,
                    next_attempt_at=when,
                    claimed_until=None,
                    claim_token=None,
                    last_error=error[:MAX_ERROR_TEXT],
                )
            )

    def _finish(self, mail_id: str, token: str, status: str, error: str | None) -> None:
        t = self._tables.outbox
        now = self._clock()
        values: dict[str, object] = {"status": status, "claimed_until": None, "last_error": error}
        values["sent_at" if status == SENT else "failed_at"] = now
        if error is not None:
            values["last_error"] = error[:MAX_ERROR_TEXT]
        with self._db.transaction() as session:
            session.execute(update(t).where(t.c.id == mail_id, t.c.claim_token == token).values(**values))
