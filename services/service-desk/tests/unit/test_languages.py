"""The language of a customer's mail: the contact person's, else the customer's, else Thai."""

from __future__ import annotations

import pytest
from service_desk.domain.languages import mail_language, recipient_language


@pytest.mark.parametrize(
    ("raw", "language"), [("en", "en"), (" EN ", "en"), ("th", "th"), ("", "th"), (None, "th"), ("de", "th")]
)
def test_only_english_and_thai_templates_exist(raw: str | None, language: str) -> None:
    assert mail_language(raw) == language


@pytest.mark.parametrize(
    ("contact", "customer", "language"),
    [
        ("en", "th", "en"),  # the person who wrote wins over their company
        ("th", "en", "th"),
        (None, "en", "en"),  # not a contact person's address: the customer's
        (None, None, "th"),  # nobody known
    ],
)
def test_the_contact_person_then_the_customer_then_thai(
    contact: str | None, customer: str | None, language: str
) -> None:
    assert recipient_language(contact, customer) == language
