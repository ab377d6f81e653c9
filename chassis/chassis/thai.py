"""Thai text that every service prints: amounts in words, Buddhist-era dates, name order.

`bahttext` is written here rather than taken from PyPI's `bahttext` 1.0.2 or PyThaiNLP's
`bahttext` (5.4.0), because both were checked against worked cases and both fall short of what
a tax document needs:

- both take floats (`"%0.2f" % x`), so 2.675 prints "...หกสิบเจ็ดสตางค์" instead of the
  ROUND_HALF_UP 2.68 the document's figures show, and PyThaiNLP refuses a `Decimal` outright;
- both print 0.25 as "ศูนย์บาทยี่สิบห้าสตางค์" where the standard (Excel's BAHTTEXT, bank
  cheques) is "ยี่สิบห้าสตางค์";
- `bahttext` 1.0.2 prints one satang as "เอ็ดสตางค์" (เอ็ด only follows a higher digit);
- PyThaiNLP is a 67 MB wheel for a thirty-line rule.

The rules (Royal Institute usage, as Excel's BAHTTEXT): digits are read in groups of six with
ล้าน between groups (so 10**12 is "หนึ่งล้านล้าน"); 1 in the tens is "สิบ" and 2 is "ยี่สิบ"; 1 in
the units is "เอ็ด" whenever a higher digit of the whole number is not zero (11, 101, 1,000,001);
whole baht end in "ถ้วน"; satang are read as a two-digit number.

Buddhist-era dates (B.E. = C.E. + 543) go through `be_year` and `format_thai_date` everywhere,
because Babel and strftime print the Christian year.

`thai_sort_key` orders Thai names as a Thai dictionary does: Python's code-point order puts
names with leading vowels (เ แ โ ใ ไ) after every other consonant; the key reads the consonant
first and compares tone marks last (the rule of PyThaiNLP's `collate`, without the dependency).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal

from chassis.errors import InvalidArgument
from chassis.money import Number, round_satang, to_decimal

BUDDHIST_ERA_OFFSET = 543

_DIGITS = ("ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
# Place names of a six-digit group, from the units up.
_PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")
_MILLION = 1_000_000


def _group_words(number: int, has_higher: bool) -> str:
    """Reads 0 <= number < 1,000,000; `has_higher` says a higher digit of the whole is not zero."""
    words = []
    digits = [int(d) for d in str(number)]
    for position, digit in zip(range(len(digits) - 1, -1, -1), digits, strict=True):
        if digit == 0:
            continue
        if position == 1:
            words.append({1: "", 2: "ยี่"}.get(digit, _DIGITS[digit]) + "สิบ")
        elif position == 0:
            words.append("เอ็ด" if digit == 1 and (number >= 10 or has_higher) else _DIGITS[digit])
        else:
            words.append(_DIGITS[digit] + _PLACES[position])
    return "".join(words)


def number_words(number: int) -> str:
    """A whole number in Thai words: 21 → "ยี่สิบเอ็ด", 1,000,001 → "หนึ่งล้านเอ็ด"."""
    if number < 0:
        raise InvalidArgument("amount", "must not be negative")
    if number == 0:
        return _DIGITS[0]
    return _words(number, has_higher=False)


def _words(number: int, has_higher: bool) -> str:
    if number < _MILLION:
        return _group_words(number, has_higher)
    millions, rest = divmod(number, _MILLION)
    return _words(millions, has_higher) + "ล้าน" + (_group_words(rest, True) if rest else "")


def bahttext(amount: Number, field: str = "amount") -> str:
    """An amount of baht in Thai words, as on a tax invoice or cheque: 1,234.50 →
    "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์", 100 → "หนึ่งร้อยบาทถ้วน", 0.25 → "ยี่สิบห้าสตางค์".
    Rounded ROUND_HALF_UP to the satang first; negative amounts are refused (a credit note
    prints its amount and says what it credits in words of its own)."""
    value = round_satang(to_decimal(amount, field))
    if value < 0:
        raise InvalidArgument(field, "an amount in words must not be negative")
    baht = int(value)
    satang = int((value - baht) * 100)
    if baht == 0 and satang == 0:
        return "ศูนย์บาทถ้วน"
    text = number_words(baht) + "บาท" if baht else ""
    return text + (number_words(satang) + "สตางค์" if satang else "ถ้วน")


# --- Buddhist-era dates -------------------------------------------------------------------

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_ABBREVIATED = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

DateStyle = Literal["long", "abbreviated", "short", "english"]


def be_year(day: dt.date) -> int:
    """The Buddhist-era year of a date: 2026 → 2569."""
    return day.year + BUDDHIST_ERA_OFFSET


def ce_year(buddhist_year: int) -> int:
    """The Christian-era year of a Buddhist-era year: 2569 → 2026."""
    return buddhist_year - BUDDHIST_ERA_OFFSET


def format_thai_date(day: dt.date, style: DateStyle = "long") -> str:
    """A date as Thai documents print it: "long" 23 พฤศจิกายน 2569, "abbreviated" 23 พ.ย. 2569,
    "short" 23/11/2569, "english" 23 November 2026 (the English label beside the Thai)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if style == "long":
        return f"{day.day} {THAI_MONTHS[day.month - 1]} {be_year(day)}"
    if style == "abbreviated":
        return f"{day.day} {THAI_MONTHS_ABBREVIATED[day.month - 1]} {be_year(day)}"
    if style == "short":
        return f"{day.day:02d}/{day.month:02d}/{be_year(day)}"
    if style == "english":
        return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"
    raise ValueError(f"unknown date style {style!r}")


# --- Thai name order --------------------------------------------------------------------

_TONE_AND_SIGNS = re.compile("[\u0e47-\u0e4e]")  # ็ ่ ้ ๊ ๋ ์ ํ ๎
_LEADING_VOWEL = re.compile("([\u0e40-\u0e44])([\u0e01-\u0e2e])")  # เ แ โ ใ ไ + consonant


def thai_sort_key(name: str) -> tuple[str, str]:
    """Orders Thai names as a dictionary does: leading vowels after their consonant, tone marks
    compared only when all else is equal. Latin names sort before Thai ones, case-folded."""
    folded = name.strip().casefold()
    primary = _LEADING_VOWEL.sub(r"\2\1", _TONE_AND_SIGNS.sub("", folded))
    return primary, folded


def thai_sorted(names: Iterable[str]) -> list[str]:
    """`names` in Thai dictionary order (see `thai_sort_key`)."""
    return sorted(names, key=thai_sort_key)


def format_amount(amount: Decimal) -> str:
    """An amount as documents print it: thousands separators, two places (1,234.50)."""
    return f"{round_satang(amount):,.2f}"
