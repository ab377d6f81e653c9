"""Which language a customer's mail is in. Mail templates exist in Thai and English; contacts
keeps each customer's and contact person's `preferred_language`. The person who wrote wins
over their company, and Thai is the default for anyone we know nothing about."""

from __future__ import annotations

THAI = "th"
ENGLISH = "en"
LANGUAGES = (THAI, ENGLISH)
DEFAULT_LANGUAGE = THAI


def mail_language(raw: str | None) -> str:
    """A language we have templates for: "en" stays English, anything else (empty, unknown,
    a record from before contacts kept languages) is Thai."""
    text = (raw or "").strip().lower()
    return text if text in LANGUAGES else DEFAULT_LANGUAGE


def recipient_language(contact_language: str | None, customer_language: str | None) -> str:
    """The contact person's language when the address is a contact person's, else the
    customer's, else Thai."""
    if contact_language:
        return mail_language(contact_language)
    return mail_language(customer_language)
