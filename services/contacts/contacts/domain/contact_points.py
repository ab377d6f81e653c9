"""Phone numbers and e-mail addresses, normalised so the same number or address always
compares equal (duplicate detection and search depend on it).

Phones become E.164 with phonenumbers, default region Thailand ("081-234-5678" →
"+66812345678"). E-mail addresses are checked for a plausible form and lower-cased.
"""

from __future__ import annotations

import re

import phonenumbers

DEFAULT_REGION = "TH"
_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form of a phone number; raises ValueError when it is not a valid number."""
    text = raw.strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{raw!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{raw!r} is not a valid phone number")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def try_normalise_phone(raw: str) -> str | None:
    """E.164 when `raw` is a valid phone number, else None (used for search queries)."""
    try:
        return normalise_phone(raw)
    except ValueError:
        return None


def normalise_email(raw: str) -> str:
    """A lower-cased e-mail address; the domain may be internationalised (e.g. ".ไทย")."""
    text = raw.strip().lower()
    if len(text) > 254 or text.count("@") != 1:
        raise ValueError(f"{raw!r} is not an e-mail address")
    local, domain = text.split("@")
    if not local or len(local) > 64 or not _EMAIL_LOCAL.match(local):
        raise ValueError(f"{raw!r} is not an e-mail address")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{raw!r} has an invalid domain") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        raise ValueError(f"{raw!r} has an invalid domain")
    if labels[-1].isdigit():
        raise ValueError(f"{raw!r} has an invalid domain")
    return text


def normalise_website(raw: str) -> str:
    """A web address; "example.co.th" gets "https://" in front."""
    text = raw.strip()
    if not text:
        return ""
    if any(ch.isspace() for ch in text):
        raise ValueError("must not contain spaces")
    if not re.match(r"^https?://", text, re.IGNORECASE):
        text = "https://" + text
    host = re.sub(r"^https?://", "", text, flags=re.IGNORECASE).split("/")[0].split(":")[0]
    if "." not in host or host.startswith(".") or host.endswith("."):
        raise ValueError(f"{raw!r} is not a web address")
    return text
