"""The mail outbox against a real SMTP server: queued in the caller's transaction, sent once,
retried with backoff while SMTP is down, failed for good on a permanent refusal, claimed by
exactly one of several dispatchers, and sent right after the commit that queued it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from chassis.background import BackgroundLoop
from chassis.db import Database
from chassis.errors import InvalidArgument
from chassis.mail import FAILED, SENT, Attachment, OutgoingMail, failed_mail, mail_backlog, queue_mail
from chassis.mail.metrics import MAIL_FAILED, MAIL_RETRIES, MAIL_SENT

THAI = OutgoingMail(
    to=("somchai@example.co.th",),
    cc=("audit@example.co.th",),
    subject="ใบเสนอราคา QT2569-00012 ได้รับการอนุมัติ",
    text="เรียน คุณสมชาย\nอนุมัติแล้ว",
    html="<p>อนุมัติแล้ว</p>",
    language="th",
)


def queue(world, message=THAI, dedupe_key=None) -> str:
    with world.database.transaction() as session:
        return queue_mail(session, world.tables, message, dedupe_key)


def status_of(world, mail_id: str):
    with world.database.read() as session:
        return session.execute(
            sa.select(world.tables.outbox).where(world.tables.outbox.c.id == mail_id)
        ).one()


def counter(metric) -> float:
    return metric.labels("mail-test")._value.get()


def test_a_queued_mail_is_sent_once_with_thai_subject_html_and_attachment(mail_world):
    message = OutgoingMail(
        to=THAI.to,
        cc=THAI.cc,
        subject=THAI.subject,
        text=THAI.text,
        html=THAI.html,
        language="th",
        attachments=(Attachment("quotation.pdf", "application/pdf", b"%PDF-1.7 fake"),),
    )
    mail_id = queue(mail_world, message)
    report = mail_world.dispatcher().dispatch_due()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [received] = mail_world.sink.messages
    assert set(received.recipients) == {"somchai@example.co.th", "audit@example.co.th"}
    assert received.subject == THAI.subject
    assert "อนุมัติแล้ว" in received.body("plain")
    assert "<p>อนุมัติแล้ว</p>" in received.body("html")
    assert received.message["Message-ID"] == f"<{mail_id}@crm.example.co.th>"
    assert received.message["Content-Language"] == "th"
    [attachment] = list(received.message.iter_attachments())
    assert attachment.get_filename() == "quotation.pdf"
    assert attachment.get_content() == b"%PDF-1.7 fake"
    row = status_of(mail_world, mail_id)
    assert (row.status, row.attempts) == (SENT, 1)
    assert row.sent_at is not None
    assert mail_world.dispatcher().dispatch_due().handled == 0
    assert len(mail_world.sink.messages) == 1


def test_a_rolled_back_transaction_queues_nothing(mail_world):
    def use_case() -> None:
        with mail_world.database.transaction() as session:
            queue_mail(session, mail_world.tables, THAI)
            raise RuntimeError("the use case failed after queueing")

    with pytest.raises(RuntimeError):
        use_case()
    with mail_world.database.read() as session:
        assert mail_backlog(session, mail_world.tables) == 0


def test_the_same_dedupe_key_queues_one_mail(mail_world):
    first = queue(mail_world, dedupe_key="request-1:decided")
    second = queue(mail_world, dedupe_key="request-1:decided")
    assert first == second
    mail_world.dispatcher().dispatch_due()
    assert len(mail_world.sink.messages) == 1


def test_a_mail_nobody_can_receive_is_refused_naming_the_field(mail_world):
    with pytest.raises(InvalidArgument) as refused:
        queue(mail_world, OutgoingMail(to=("not an address",), subject="x", text="x"))
    assert refused.value.violations[0].field == "to"


def test_smtp_down_while_queued_sends_exactly_once_after_it_comes_back(mail_world):
    retries_before = counter(MAIL_RETRIES)
    mail_world.sink.stop()
    mail_id = queue(mail_world)
    dispatcher = mail_world.dispatcher()
    report = dispatcher.dispatch_due()
    assert (report.sent, report.retried) == (0, 1)
    row = status_of(mail_world, mail_id)
    assert row.status == "queued"
    assert row.attempts == 1
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    assert counter(MAIL_RETRIES) == retries_before + 1
    # Not due yet: the backoff holds it even though the server is back.
    mail_world.sink.start()
    assert dispatcher.dispatch_due().handled == 0
    mail_world.clock.advance(60)
    assert dispatcher.dispatch_due().sent == 1
    mail_world.clock.advance(3600)
    assert dispatcher.dispatch_due().handled == 0
    assert len(mail_world.sink.messages) == 1
    assert status_of(mail_world, mail_id).attempts == 2


def test_a_permanent_550_is_recorded_as_failed_and_listed(mail_world):
    failed_before = counter(MAIL_FAILED)
    mail_world.sink.refused.add("gone@example.co.th")
    mail_id = queue(mail_world, OutgoingMail(to=("gone@example.co.th",), subject="Hello", text="Hi"))
    assert mail_world.dispatcher().dispatch_due().failed == 1
    row = status_of(mail_world, mail_id)
    assert row.status == FAILED
    assert "550" in row.last_error
    assert counter(MAIL_FAILED) == failed_before + 1
    with mail_world.database.read() as session:
        [listed] = failed_mail(session, mail_world.tables)
    assert (listed.id, listed.to, listed.attempts) == (mail_id, ("gone@example.co.th",), 1)
    mail_world.clock.advance(3600)
    assert mail_world.dispatcher().dispatch_due().handled == 0


def test_a_mail_is_failed_when_its_attempts_are_used_up(mail_world):
    mail_world.sink.stop()
    mail_id = queue(mail_world)
    dispatcher = mail_world.dispatcher(mail_max_attempts=2)
    assert dispatcher.dispatch_due().retried == 1
    mail_world.clock.advance(3600)
    assert dispatcher.dispatch_due().failed == 1
    row = status_of(mail_world, mail_id)
    assert (row.status, row.attempts) == (FAILED, 2)
    assert row.last_error.startswith("gave up after 2 attempts")


def test_backoff_doubles_with_jitter_up_to_the_cap(mail_world):
    dispatcher = mail_world.dispatcher(mail_backoff_seconds=2, mail_max_backoff_seconds=10)
    for attempts, base in ((1, 2), (2, 4), (3, 8), (4, 10), (9, 10)):
        delays = [dispatcher.backoff(attempts) for _ in range(50)]
        assert all(base / 2 <= d <= base for d in delays)


def test_several_dispatchers_send_each_mail_exactly_once(mail_world):
    sent_before = counter(MAIL_SENT)
    ids = [
        queue(mail_world, OutgoingMail(to=(f"u{i}@example.co.th",), subject=f"n{i}", text="x"))
        for i in range(24)
    ]
    databases = [
        Database(str(mail_world.database.url.render_as_string(hide_password=False))) for _ in range(3)
    ]
    start = threading.Barrier(3)
    try:

        def run(database: Database) -> int:
            dispatcher = type(mail_world.dispatcher())(
                database,
                mail_world.tables,
                mail_world.settings.model_copy(update={"mail_batch_size": 50}),
                service="mail-test",
                clock=mail_world.clock,
            )
            start.wait()
            return dispatcher.dispatch_due().sent

        with ThreadPoolExecutor(3) as pool:
            sent = sum(pool.map(run, databases))
    finally:
        for database in databases:
            database.dispose()
    assert sent == 24
    assert sorted(m.subject for m in mail_world.sink.messages) == sorted(f"n{i}" for i in range(24))
    assert counter(MAIL_SENT) == sent_before + 24
    assert {status_of(mail_world, i).status for i in ids} == {SENT}


def test_the_running_dispatcher_sends_right_after_the_commit(mail_world):
    dispatcher = mail_world.dispatcher()  # polls only every 60 s: the commit must wake it
    mail_world.database.add_commit_listener(dispatcher.wake)
    loop = BackgroundLoop("mail-test", [dispatcher.run])
    loop.start()
    try:
        mail_world.sink.wait_for(lambda m: True, count=0)
        queue(mail_world)
        mail_world.sink.wait_for(lambda m: m.subject == THAI.subject, timeout=10)
    finally:
        loop.stop()
