"""Thai identifiers: the 13-digit tax id of juristic persons (DBD registration, starts with 0),
the national id of natural persons (which is their tax id), branch codes and postcodes.

Check digits follow the Revenue Department / Ministry of Interior mod-11 rule as implemented
by python-stdnum (`stdnum.th.tin`, `stdnum.th.moa`, `stdnum.th.pin`).
"""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError
from stdnum.th import moa, pin

HEAD_OFFICE = "00000"
_BRANCH = re.compile(r"^\d{5}$")
_POSTCODE = re.compile(r"^\d{5}$")
# Thai postcodes start with the province code: 10 (Bangkok) to 96 (Narathiwat).
_POSTCODE_FIRST, _POSTCODE_LAST = 10, 96


def _reason(error: ValidationError, what: str) -> str:
    if isinstance(error, InvalidLength):
        return f"{what} must have 13 digits"
    if isinstance(error, InvalidChecksum):
        return f"{what} has a wrong check digit"
    if isinstance(error, InvalidComponent):
        return f"{what} has an invalid first digit"
    return f"{what} must be 13 digits"


def compact_digits(raw: str) -> str:
    """Drops the spaces and dashes people write in ids ("0-10-5-555-00012-3")."""
    return re.sub(r"[\s\-]", "", raw)


def normalise_tax_id(raw: str) -> str:
    """Any Thai tax id (stdnum.th.tin): a juristic person's (DBD, starts with 0: stdnum.th.moa)
    or a natural person's national id (stdnum.th.pin). Raises ValueError with the reason."""
    number = compact_digits(raw)
    if number and not number.isdigit():
        raise ValueError("tax id must contain digits only")
    try:
        return str((moa if number.startswith("0") else pin).validate(number))
    except ValidationError as error:
        raise ValueError(_reason(error, "tax id")) from None


def normalise_national_id(raw: str) -> str:
    """A natural person's 13-digit national id (never starts with 0 or 9)."""
    number = compact_digits(raw)
    if number and not number.isdigit():
        raise ValueError("national id must contain digits only")
    try:
        return str(pin.validate(number))
    except ValidationError as error:
        raise ValueError(_reason(error, "national id")) from None


def normalise_branch_code(raw: str) -> str:
    """ "00000" for the head office, else the five-digit branch number; "" means head office.
    Accepts words people write on forms ("head office", "สำนักงานใหญ่")."""
    text = raw.strip()
    if text.lower() in ("", "head office", "hq", "สำนักงานใหญ่"):
        return HEAD_OFFICE
    if text.isdigit() and len(text) < 5:
        text = text.zfill(5)
    if not _BRANCH.match(text):
        raise ValueError('must be "00000" (head office) or a five-digit branch number')
    return text


def normalise_postcode(raw: str) -> str:
    """A five-digit Thai postcode whose first two digits are a province code (10-96)."""
    text = raw.strip()
    if not _POSTCODE.match(text):
        raise ValueError("must be a five-digit postcode")
    if not _POSTCODE_FIRST <= int(text[:2]) <= _POSTCODE_LAST:
        raise ValueError("is not a Thai postcode (must start with 10 to 96)")
    return text


def tax_id_check_digit(first_twelve: str) -> str:
    """The check digit of a 13-digit Thai id (for tests and demo data)."""
    return str(pin.calc_check_digit(first_twelve))
