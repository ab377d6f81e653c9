"""Duplicate customers: how likely two records are the same customer, 0-100, with reasons.

Signals and their scores:
- the same tax id and branch: certainly the same (100);
- the same normalised phone (85) or e-mail (85);
- similar names after removing legal-form affixes (บริษัท … จำกัด (มหาชน), Co., Ltd., …):
  0.9 * the rapidfuzz similarity, counted from a similarity of 70.
Independent signals combine like probabilities: 100 * (1 - prod(1 - s_i / 100)).
Two valid tax ids that differ are strong evidence of two legal persons: the score is capped
at 60; the same tax id at another branch (the same company, another branch) at 70.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

CERTAIN = 100
PHONE_SCORE = 85
EMAIL_SCORE = 85
NAME_WEIGHT = 0.9
MIN_NAME_SIMILARITY = 70
CAP_OTHER_TAX_ID = 60
CAP_OTHER_BRANCH = 70

# Legal-form words before and after Thai and English company names, and honorifics of people.
# Longest first, so "ห้างหุ้นส่วนจำกัด" goes before "จำกัด".
_PREFIXES = sorted(
    [
        "บริษัทมหาชนจำกัด",
        "บริษัท",
        "บจก.",
        "บจก",
        "บมจ.",
        "บมจ",
        "ห้างหุ้นส่วนจำกัด",
        "ห้างหุ้นส่วนสามัญ",
        "หจก.",
        "หจก",
        "หสน.",
        "ร้าน",
        "คุณ",
        "นางสาว",
        "นาง",
        "นาย",
        "the ",
        "mr. ",
        "mrs. ",
        "ms. ",
        "mr ",
        "mrs ",
        "ms ",
        "dr. ",
    ],
    key=len,
    reverse=True,
)
_SUFFIXES = sorted(
    [
        "จำกัด(มหาชน)",
        "จำกัด (มหาชน)",
        "(มหาชน)",
        "มหาชน",
        "จำกัด",
        "จก.",
        "public company limited",
        "company limited",
        "co., ltd.",
        "co.,ltd.",
        "co. ltd.",
        "co ltd",
        "co., ltd",
        "ltd., part.",
        "ltd. part.",
        "limited partnership",
        "limited",
        "ltd.",
        "ltd",
        "pcl.",
        "pcl",
        "plc.",
        "plc",
        "inc.",
        "inc",
        "corp.",
        "corporation",
        "corp",
        "company",
        "co.",
        "co",
        "part.",
    ],
    key=len,
    reverse=True,
)
_PUNCTUATION = re.compile(r"[\s\.,\-_/&()\"'\u2019]+")


@dataclass(frozen=True)
class DuplicateProbe:
    """What duplicate scoring looks at in a customer (all normalised already)."""

    customer_id: str
    name: str
    name_en: str = ""
    tax_id: str = ""
    branch_code: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class DuplicateReason:
    field: str
    detail: str


@dataclass(frozen=True)
class DuplicateMatch:
    customer_id: str
    score: int
    reasons: tuple[DuplicateReason, ...]


def normalise_name(name: str) -> str:
    """A company or person name without legal-form affixes, punctuation, case and spacing:
    "บริษัท สยามเทคโนโลยี จำกัด (มหาชน)" and "บริษัทสยามเทคโนโลยีจำกัด" both give "สยามเทคโนโลยี"."""
    text = unicodedata.normalize("NFC", name).lower().strip()
    text = " ".join(text.split())
    changed = True
    while changed and text:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text = text[len(prefix) :].strip(" ,.")
                changed = True
                break
        for suffix in _SUFFIXES:
            # Latin words end a name only at a word boundary ("Costco" keeps its "co").
            boundary = not suffix.isascii() or text[-len(suffix) - 1 : -len(suffix)] in (" ", ",", ".", "(")
            if text.endswith(suffix) and len(text) > len(suffix) and boundary:
                text = text[: -len(suffix)].strip(" ,.")
                changed = True
                break
    return _PUNCTUATION.sub("", text)


def name_similarity(a: str, b: str) -> float:
    """0-100 similarity of two normalised names (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return float(fuzz.ratio(a, b))


def similar_names(key: str, choices: Mapping[str, str], limit: int = 50) -> list[str]:
    """Ids whose normalised name is at least MIN_NAME_SIMILARITY similar to `key`."""
    if not key:
        return []
    found = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=MIN_NAME_SIMILARITY, limit=limit)
    return [str(choice_key) for _choice, _score, choice_key in found]


def score_pair(probe: DuplicateProbe, other: DuplicateProbe) -> DuplicateMatch:
    """How likely `other` is the customer `probe` describes."""
    reasons: list[DuplicateReason] = []
    signals: list[float] = []
    cap = CERTAIN
    if probe.tax_id and other.tax_id:
        if probe.tax_id == other.tax_id and probe.branch_code == other.branch_code:
            branch = f", branch {probe.branch_code}" if probe.branch_code else ""
            reasons.append(DuplicateReason("tax_id", f"same tax id {probe.tax_id}{branch}"))
            signals.append(CERTAIN)
        elif probe.tax_id == other.tax_id:
            reasons.append(
                DuplicateReason("tax_id", f"same tax id {probe.tax_id}, other branch ({other.branch_code})")
            )
            cap = CAP_OTHER_BRANCH
        else:
            cap = CAP_OTHER_TAX_ID
    if probe.phone and probe.phone == other.phone:
        reasons.append(DuplicateReason("phone", f"same phone {probe.phone}"))
        signals.append(PHONE_SCORE)
    if probe.email and probe.email == other.email:
        reasons.append(DuplicateReason("email", f"same e-mail {probe.email}"))
        signals.append(EMAIL_SCORE)
    similarity = max(
        name_similarity(normalise_name(probe.name), normalise_name(other.name)),
        name_similarity(normalise_name(probe.name_en), normalise_name(other.name_en)),
    )
    if similarity >= MIN_NAME_SIMILARITY:
        reasons.append(DuplicateReason("name", f"similar name {other.name!r} ({similarity:.0f}%)"))
        signals.append(similarity * NAME_WEIGHT)
    miss = 1.0
    for signal in signals:
        miss *= 1 - signal / 100
    score = round(100 * (1 - miss))
    return DuplicateMatch(other.customer_id, min(score, cap), tuple(reasons))


def rank_duplicates(
    probe: DuplicateProbe, others: Iterable[DuplicateProbe], min_score: int
) -> list[DuplicateMatch]:
    """Matches at or above `min_score`, best first (the probe itself left out)."""
    matches = [score_pair(probe, other) for other in others if other.customer_id != probe.customer_id]
    kept = [m for m in matches if m.score >= min_score]
    return sorted(kept, key=lambda m: (-m.score, m.customer_id))
