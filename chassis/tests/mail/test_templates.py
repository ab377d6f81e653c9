"""Mail templates: Thai and English by the user's language, English when a language is
missing, HTML autoescaped and plain text not, and the migration helper's schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from chassis.mail import MailTemplates, create_mail_tables, drop_mail_tables
from jinja2 import UndefinedError

TEMPLATES = MailTemplates.from_directory(Path(__file__).parent / "templates")
CONTEXT = {"name": "สมชาย <b>", "number": "QT2569-00012", "decision": "อนุมัติ", "reason": "ราคา < ทุน & ต่ำ"}


def test_thai_template_for_a_thai_reader():
    mail = TEMPLATES.render("decided", "th", CONTEXT)
    assert mail.language == "th"
    assert mail.subject == "คำขอ QT2569-00012 ได้รับการอนุมัติ"
    assert "เหตุผล: ราคา < ทุน & ต่ำ" in mail.text
    assert mail.html is not None
    assert "ราคา &lt; ทุน &amp; ต่ำ" in mail.html
    assert "สมชาย &lt;b&gt;" in mail.html


def test_english_template_folds_the_subject_onto_one_line():
    mail = TEMPLATES.render("decided", "en", dict(CONTEXT, decision="approved"))
    assert mail.subject == "Request QT2569-00012 was approved"
    assert mail.to("a@example.co.th").to == ("a@example.co.th",)


def test_a_language_without_templates_falls_back_to_english():
    mail = TEMPLATES.render("reminder", "th", CONTEXT)
    assert mail.language == "en"
    assert mail.subject == "Reminder QT2569-00012"
    assert mail.html is None


def test_a_missing_variable_is_an_error_not_an_empty_mail():
    with pytest.raises(UndefinedError):
        TEMPLATES.render("reminder", "en", {})


def test_the_migration_helper_creates_and_drops_the_mail_tables(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.begin() as connection:
        operations = Operations(MigrationContext.configure(connection))
        create_mail_tables(operations)
        assert {"mail_outbox", "mail_attachments"} <= set(sa.inspect(connection).get_table_names())
        drop_mail_tables(operations)
        assert not {"mail_outbox", "mail_attachments"} & set(sa.inspect(connection).get_table_names())
    engine.dispose()
