"""Extra mail headers: stored with the queued row and delivered to a real SMTP server (RFC 8058
List-Unsubscribe as the example), header injection and overriding the dispatcher's own headers
refused naming the field, and the migration helper that adds the column to an older outbox,
on SQLite and PostgreSQL, idempotently."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from chassis.errors import InvalidArgument
from chassis.mail import (
    OutgoingMail,
    add_mail_headers_column,
    create_mail_tables,
    drop_mail_headers_column,
    drop_mail_tables,
    queue_mail,
)

UNSUBSCRIBE = "<https://crm.example.co.th/api/v1/unsubscribe/tok_abc>"
MAIL = OutgoingMail(
    to=("malee@example.co.th",),
    subject="สุขสันต์วันเกิด",
    text="ขอให้มีความสุข",
    language="th",
    headers=(("List-Unsubscribe", UNSUBSCRIBE), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")),
)


def test_extra_headers_are_stored_and_arrive_at_the_smtp_server(mail_world):
    with mail_world.database.transaction() as session:
        mail_id = queue_mail(session, mail_world.tables, MAIL, "birthday:1")
    with mail_world.database.read() as session:
        stored = session.execute(
            sa.select(mail_world.tables.outbox.c.headers).where(mail_world.tables.outbox.c.id == mail_id)
        ).scalar_one()
    assert "List-Unsubscribe-Post" in stored
    assert mail_world.dispatcher().dispatch_due().sent == 1
    [received] = mail_world.sink.to("malee@example.co.th")
    assert received.message["List-Unsubscribe"] == UNSUBSCRIBE
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received.message.get_all("Subject") == ["สุขสันต์วันเกิด"]
    assert received.message["Message-ID"] == f"<{mail_id}@crm.example.co.th>"


def test_mail_without_extra_headers_is_sent_as_before(mail_world):
    plain = OutgoingMail(to=("anan@example.co.th",), subject="Reminder", text="10:00 meeting")
    with mail_world.database.transaction() as session:
        queue_mail(session, mail_world.tables, plain)
    assert mail_world.dispatcher().dispatch_due().sent == 1
    [received] = mail_world.sink.to("anan@example.co.th")
    assert received.message["List-Unsubscribe"] is None


@pytest.mark.parametrize(
    "headers",
    [
        (("List-Unsubscribe", "<https://x>\r\nBcc: victim@example.com"),),
        (("X-Tag", "one\ntwo"),),
        (("X-Evil\r\nBcc", "victim@example.com"),),
        (("Bad Name", "x"),),
        (("X-Colon:", "x"),),
        (("", "x"),),
        (("From", "boss@example.com"),),
        (("to", "other@example.com"),),
        (("SUBJECT", "changed"),),
        (("Message-ID", "<x@y>"),),
    ],
)
def test_header_injection_and_overriding_the_dispatchers_headers_are_refused(mail_world, headers):
    bad = OutgoingMail(to=("malee@example.co.th",), subject="s", text="t", headers=headers)
    with pytest.raises(InvalidArgument) as caught, mail_world.database.transaction() as session:
        queue_mail(session, mail_world.tables, bad)
    assert [v.field for v in caught.value.violations] == ["headers"]
    with mail_world.database.read() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(mail_world.tables.outbox)).scalar() == 0


def _columns(connection: sa.Connection) -> set[str]:
    return {column["name"] for column in sa.inspect(connection).get_columns("mail_outbox")}


def test_the_migration_helper_adds_the_column_to_an_older_outbox_once(database_url):
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            operations = Operations(MigrationContext.configure(connection))
            create_mail_tables(operations)
            assert "headers" in _columns(connection)  # a new outbox has it already
            add_mail_headers_column(operations)  # so a later migration changes nothing
            drop_mail_headers_column(operations)  # an outbox from before the column
            assert "headers" not in _columns(connection)
            assert "ix_mail_outbox_status_next_attempt_at" in {
                index["name"] for index in sa.inspect(connection).get_indexes("mail_outbox")
            }
            add_mail_headers_column(operations)
            add_mail_headers_column(operations)
            assert "headers" in _columns(connection)
            drop_mail_tables(operations)
    finally:
        engine.dispose()
