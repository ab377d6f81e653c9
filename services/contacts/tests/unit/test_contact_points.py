"""Phones to E.164 (default region Thailand) and e-mail addresses."""

from __future__ import annotations

import pytest
from contacts.domain.contact_points import normalise_email, normalise_phone, normalise_website


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("081-234-5678", "+66812345678"),
        ("0812345678", "+66812345678"),
        ("+66 81 234 5678", "+66812345678"),
        ("(081) 234 5678", "+66812345678"),
        ("02-123-4567", "+6621234567"),
        ("053-221-100", "+6653221100"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_phones_become_e164(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "081-234-567", "not a phone", "+66 99", "0000000000"])
def test_invalid_phones_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="phone number"):
        normalise_phone(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Somchai@Example.co.th", "somchai@example.co.th"),
        (" sales+crm@siam-tech.com ", "sales+crm@siam-tech.com"),
        ("info@ตัวอย่าง.ไทย", "info@ตัวอย่าง.ไทย"),
    ],
)
def test_valid_emails_are_lower_cased(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "x@",
        "@example.com",
        "a@@b.com",
        "a b@example.com",
        "a@example",
        "a@-example.com",
        "a@1.2.3.4",
        "a..b@example.com",
    ],
)
def test_invalid_emails_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match=r"e-mail address|invalid domain"):
        normalise_email(raw)


def test_websites_get_a_scheme() -> None:
    assert normalise_website("siam-tech.co.th") == "https://siam-tech.co.th"
    assert normalise_website("http://siam-tech.co.th/th") == "http://siam-tech.co.th/th"
    with pytest.raises(ValueError, match="spaces"):
        normalise_website("not a site")
