"""E-mail intake: which case a message belongs to, and a case title from its subject.

A reply names its parents in In-Reply-To and References (RFC 5322 §3.6.4); any of them that is
the Message-ID of a message already on a case threads the reply there. The nearest parent is
tried first: In-Reply-To, then References from the last (newest) to the first.

Clients that drop those headers still keep the subject, so mail the desk sends carries the
case reference "[#SD-1A2B3C4D]" in its subject: "SD-" and the first eight hex digits of the
case id ("case_1a2b3c4d…"), upper case. It is the fallback when no parent is known.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from service_desk.domain.cases import clean_title

_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
# Reply and forward prefixes of mail clients, English and Thai, possibly repeated: "Re: Fwd: …"
_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|ตอบกลับ|ส่งต่อ)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
NO_SUBJECT = "(no subject)"
_REFERENCE = re.compile(r"\[#\s*(SD-[0-9A-Za-z]{8})\s*\]", re.IGNORECASE)
_REFERENCE_LENGTH = 8


def case_reference(case_id: str) -> str:
    """The case's reference for subjects: "SD-" and the first 8 letters or digits after the id's
    prefix ("case_1a2b3c4d…" → "SD-1A2B3C4D")."""
    tail = case_id.partition("_")[2] or case_id
    return "SD-" + re.sub(r"[^0-9A-Za-z]", "", tail)[:_REFERENCE_LENGTH].upper()


def subject_tag(case_id: str) -> str:
    """The reference as it stands in a subject: "[#SD-1A2B3C4D]"."""
    return f"[#{case_reference(case_id)}]"


def reference_in_subject(subject: str) -> str | None:
    """The last case reference in `subject` ("SD-1A2B3C4D"), or None."""
    found = _REFERENCE.findall(subject or "")
    return found[-1].upper() if found else None


def case_id_prefix(reference: str) -> str:
    """What the ids of the case with `reference` start with (ids are "case_" + lower hex)."""
    return "case_" + reference.upper().removeprefix("SD-").lower()


def message_ids(header: str) -> list[str]:
    """The ids in a Message-ID / In-Reply-To / References header, without angle brackets, in
    order; a bare id without brackets is accepted too."""
    found = _MESSAGE_ID.findall(header or "")
    if not found and header and header.strip() and " " not in header.strip():
        found = [header.strip().strip("<>")]
    return found


def thread_keys(in_reply_to: str, references: str) -> list[str]:
    """The parent ids to look up, nearest first, without repeats."""
    keys: list[str] = []
    for key in [*message_ids(in_reply_to), *reversed(message_ids(references))]:
        if key not in keys:
            keys.append(key)
    return keys


def threaded_case(in_reply_to: str, references: str, known: Mapping[str, str]) -> str | None:
    """The case id of the nearest known parent (`known`: Message-ID → case id), else None
    (a new case)."""
    for key in thread_keys(in_reply_to, references):
        if key in known:
            return known[key]
    return None


def title_from_subject(subject: str) -> str:
    """The subject without reply/forward prefixes, on one line, as a case title."""
    without_reference = _REFERENCE.sub(" ", subject or "")
    return clean_title(_PREFIX.sub("", without_reference.strip())) or NO_SUBJECT
