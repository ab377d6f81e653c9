"""Contact person rules: the people at a customer, with birthdays (greetings) and PDPA
marketing consent; one of them may be the primary contact."""

from __future__ import annotations

import datetime as dt

from contacts.domain.contact_points import normalise_email, normalise_phone
from contacts.domain.languages import DEFAULT_LANGUAGE, parse_language
from contacts.domain.model import ContactPerson, ContactPersonForm, ContactProfile
from contacts.domain.validation import Fields, parse_iso_date

UPDATABLE_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "nickname",
        "position",
        "email",
        "phone",
        "birthday",
        "is_primary",
        "marketing_consent",
        "preferred_language",
    }
)
EARLIEST_BIRTH_YEAR = 1900


def parse_birthday(raw: str, today: dt.date) -> dt.date:
    """YYYY-MM-DD, in the past, not before 1900. (An unknown birthday is left empty.)"""
    birthday = parse_iso_date(raw)
    if birthday > today:
        raise ValueError("must not be in the future")
    if birthday.year < EARLIEST_BIRTH_YEAR:
        raise ValueError(f"must not be before {EARLIEST_BIRTH_YEAR}")
    return birthday


def parse_contact_profile(form: ContactPersonForm, fields: Fields, today: dt.date) -> ContactProfile:
    """Validates a contact person; violations go to `fields` (the caller raises)."""
    return ContactProfile(
        first_name=fields.text("first_name", form.first_name, required=True),
        last_name=fields.text("last_name", form.last_name),
        nickname=fields.text("nickname", form.nickname),
        position=fields.text("position", form.position),
        email=fields.clean("email", form.email, normalise_email, "") if form.email.strip() else "",
        phone=fields.clean("phone", form.phone, normalise_phone, "") if form.phone.strip() else "",
        birthday=(
            fields.clean("birthday", form.birthday, lambda raw: parse_birthday(raw, today), None)
            if form.birthday.strip()
            else None
        ),
        is_primary=form.is_primary,
        marketing_consent=form.marketing_consent,
        preferred_language=fields.clean(
            "preferred_language", form.preferred_language, parse_language, DEFAULT_LANGUAGE
        ),
    )


def contact_to_form(contact: ContactPerson) -> ContactPersonForm:
    p = contact.profile
    return ContactPersonForm(
        customer_id=contact.customer_id,
        first_name=p.first_name,
        last_name=p.last_name,
        nickname=p.nickname,
        position=p.position,
        email=p.email,
        phone=p.phone,
        birthday=p.birthday.isoformat() if p.birthday else "",
        is_primary=p.is_primary,
        marketing_consent=p.marketing_consent,
        preferred_language=p.preferred_language,
    )


def same_person(profile: ContactProfile, other: ContactProfile) -> bool:
    """Two contact entries for one person: the same e-mail or phone (both normalised)."""
    return bool(
        (profile.email and profile.email == other.email) or (profile.phone and profile.phone == other.phone)
    )
