"""E-mail intake: which case a message belongs to, and a case title from its subject.

A reply names its parents in In-Reply-To and References (RFC 5322 §3.6.4); any of them that is
the Message-ID of a message already on a case threads the reply there. The nearest parent is
tried first: In-Reply-To, then References from the last (newest) to the first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from service_desk.domain.cases import clean_title

_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
# Reply and forward prefixes of mail clients, English and Thai, possibly repeated: "Re: Fwd: …"
_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|ตอบกลับ|ส่งต่อ)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
NO_SUBJECT = "(no subject)"


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
    return clean_title(_PREFIX.sub("", subject or "")) or NO_SUBJECT
