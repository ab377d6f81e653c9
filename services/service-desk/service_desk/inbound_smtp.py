"""The desk's inbound SMTP listener (aiosmtpd): the support mailbox's MTA (or a customer's, in a
test) hands each mail over here and it goes through `ingest_email`.

Replies follow RFC 5321 so the sending MTA does the right thing: 250 when taken in (also for a
duplicate: the mail is there already), 451 when the desk cannot take it now (database down, a
concurrent change: the MTA retries later), 550 for a mail that can never become a case (no
sender address); aiosmtpd itself answers 552 above INBOUND_MAX_BYTES. It runs as one of the
service's background tasks, on the background loop; the blocking use case runs in a worker
thread so a slow database never stalls the SMTP sessions.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.smtp import SMTP
from chassis.background import Task
from chassis.errors import InvalidArgument

from service_desk.application.context import ServiceDeskContext
from service_desk.application.email_intake import ingest_email
from service_desk.domain.inbound_mail import UnreadableMail
from service_desk.metrics import count_inbound

log = logging.getLogger(__name__)


class IntakeHandler:
    """aiosmtpd's handler: every accepted DATA is one `ingest_email`."""

    def __init__(self, ctx: ServiceDeskContext) -> None:
        self.ctx = ctx

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's hook)
        raw = bytes(envelope.original_content or envelope.content or b"")
        try:
            record, _, outcome = await asyncio.to_thread(
                ingest_email, self.ctx, raw, str(envelope.mail_from or ""), list(envelope.rcpt_tos)
            )
        except (UnreadableMail, InvalidArgument) as error:
            log.info("inbound mail refused: %s", error)
            count_inbound("refused")
            return f"550 5.6.0 {_one_line(str(error))}"
        except Exception:
            log.exception("inbound mail not taken in; the sender will retry")
            count_inbound("deferred")
            return "451 4.3.0 temporarily unable to take the message, try again later"
        count_inbound(outcome.value)
        return f"250 2.0.0 {outcome.value} {record.case.id}"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def inbound_smtp_task(ctx: ServiceDeskContext, host: str, port: int, max_bytes: int) -> Task:
    """A background task serving SMTP on host:port until stopped."""

    async def run(stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        handler = IntakeHandler(ctx)
        server = await loop.create_server(
            lambda: SMTP(handler, data_size_limit=max_bytes, enable_SMTPUTF8=True, ident="service-desk"),
            host=host,
            port=port,
        )
        log.info("inbound SMTP listening on %s:%s", host, port)
        try:
            await stop.wait()
        finally:
            server.close()
            await server.wait_closed()

    return run
