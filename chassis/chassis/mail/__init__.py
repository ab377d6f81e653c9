"""Mail for every service: a transactional mail outbox, an SMTP dispatcher that sends each
mail once with retries and backoff, and Jinja2 templates in Thai and English.

Wiring in a service's bootstrap:

    mail_tables = add_mail_tables(metadata)          # migration: create_mail_tables(op)
    dispatcher = MailDispatcher(db, mail_tables, settings, service="approvals")
    db.add_commit_listener(dispatcher.wake)
    # run dispatcher.run(stop) on a BackgroundLoop; in use cases:
    queue_mail(session, mail_tables, templates.render("decided", "th", ctx).to(email), dedupe_key)
"""

from chassis.mail.dispatcher import DispatchReport, MailDispatcher
from chassis.mail.message import Attachment, OutgoingMail
from chassis.mail.outbox import FailedMail, failed_mail, mail_backlog, queue_mail
from chassis.mail.schema import (
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    MailTables,
    add_mail_headers_column,
    add_mail_tables,
    create_mail_tables,
    drop_mail_headers_column,
    drop_mail_tables,
)
from chassis.mail.settings import MailSettings
from chassis.mail.smtp import PermanentMailError, TemporaryMailError
from chassis.mail.templates import MailTemplates, RenderedMail

__all__ = [
    "FAILED",
    "QUEUED",
    "SENDING",
    "SENT",
    "Attachment",
    "DispatchReport",
    "FailedMail",
    "MailDispatcher",
    "MailSettings",
    "MailTables",
    "MailTemplates",
    "OutgoingMail",
    "PermanentMailError",
    "RenderedMail",
    "TemporaryMailError",
    "add_mail_headers_column",
    "add_mail_tables",
    "create_mail_tables",
    "drop_mail_headers_column",
    "drop_mail_tables",
    "failed_mail",
    "mail_backlog",
    "queue_mail",
]
