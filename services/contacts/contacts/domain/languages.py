"""The language a customer or contact person reads mail in. Only Thai and English templates
exist, so anything else is refused rather than silently mailed in Thai."""

from __future__ import annotations

LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"


def parse_language(raw: str) -> str:
    """ "th" or "en" (any case); empty means the default, Thai. Raises ValueError otherwise."""
    text = raw.strip().lower()
    if not text:
        return DEFAULT_LANGUAGE
    if text not in LANGUAGES:
        raise ValueError(f"{raw!r} is not a supported language (one of {', '.join(LANGUAGES)})")
    return text
