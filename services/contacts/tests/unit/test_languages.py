"""preferred_language: th or en (default th) on customers, contact persons and CSV rows."""

from __future__ import annotations

import datetime as dt

import pytest
from contacts.domain.contact_persons import parse_contact_profile
from contacts.domain.csv_rows import ImportKind, customer_form, read_csv
from contacts.domain.customers import parse_customer_profile
from contacts.domain.languages import parse_language
from contacts.domain.model import ContactPersonForm, CustomerForm
from contacts.domain.validation import Fields

TODAY = dt.date(2026, 1, 5)


@pytest.mark.parametrize(("raw", "language"), [("", "th"), ("th", "th"), (" EN ", "en"), ("en", "en")])
def test_thai_or_english_and_thai_by_default(raw: str, language: str) -> None:
    assert parse_language(raw) == language


@pytest.mark.parametrize("raw", ["de", "english", "th-TH", "ไทย"])
def test_other_languages_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="not a supported language"):
        parse_language(raw)


def test_customers_and_contacts_name_the_field() -> None:
    fields = Fields("customer")
    profile = parse_customer_profile(
        CustomerForm(kind="juristic", name="Acme", preferred_language="fr"), fields
    )
    assert [v.field for v in fields.violations] == ["customer.preferred_language"]
    assert profile.preferred_language == "th"

    fields = Fields("contact_person")
    contact = parse_contact_profile(
        ContactPersonForm(first_name="John", preferred_language="en"), fields, TODAY
    )
    assert fields.violations == []
    assert contact.preferred_language == "en"
    parse_contact_profile(ContactPersonForm(first_name="John", preferred_language="xx"), fields, TODAY)
    assert [v.field for v in fields.violations] == ["contact_person.preferred_language"]


def test_the_csv_column() -> None:
    content = b"kind,name,preferred_language\njuristic,Acme,en\njuristic,Siam,\n"
    rows = read_csv(content, ImportKind.CUSTOMERS).rows
    languages = [parse_customer_profile(customer_form(row), Fields()).preferred_language for row in rows]
    assert languages == ["en", "th"]
