"""NATS subject rules shared by the outbox, the consumers and replay: what a valid event
subject is, and whether a subscription pattern (with `*` and `>`) matches a subject."""

from __future__ import annotations

import re

EVENT_PREFIX = "crm."
DEAD_LETTER_PREFIX = "dlq."
_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")


def validate_event_subject(subject: str) -> None:
    """An event subject is `crm.<service>.<aggregate>.<event>`: literal tokens only, so a typo
    fails at `record_event` instead of blocking the relay on a subject no stream captures."""
    tokens = subject.split(".")
    if not subject.startswith(EVENT_PREFIX) or len(tokens) < 4:
        raise ValueError(f"event subject {subject!r} must look like crm.<service>.<aggregate>.<event>")
    for token in tokens:
        if not _TOKEN.match(token):
            raise ValueError(f"event subject {subject!r} has an invalid token {token!r}")


def validate_consumer_name(name: str) -> None:
    """A durable name is one subject token (it is also part of the dead-letter subject)."""
    if not _TOKEN.match(name):
        raise ValueError(f"consumer name {name!r} may hold only letters, digits, '_' and '-'")


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS matching: `*` is one token, a final `>` is one or more tokens."""
    wanted = pattern.split(".")
    tokens = subject.split(".")
    for index, part in enumerate(wanted):
        if part == ">":
            return len(tokens) > index
        if index >= len(tokens) or part not in ("*", tokens[index]):
            return False
    return len(tokens) == len(wanted)


def covers(pattern: str, other: str) -> bool:
    """Whether every subject `other` (itself a pattern) can match is matched by `pattern`."""
    wanted = pattern.split(".")
    tokens = other.split(".")
    for index, part in enumerate(wanted):
        if part == ">":
            return len(tokens) > index
        if index >= len(tokens) or tokens[index] == ">":
            return False
        if part != "*" and part != tokens[index]:
            return False
    return len(tokens) == len(wanted)


def filter_subjects(patterns: list[str]) -> list[str]:
    """The patterns without duplicates and without those another one covers: JetStream
    refuses a consumer whose filter subjects overlap."""
    unique = list(dict.fromkeys(patterns))
    return [p for p in unique if not any(o != p and covers(o, p) for o in unique)]


def dead_letter_subject(consumer: str, subject: str) -> str:
    """Where a consumer parks an event it gave up on: `dlq.<consumer>.<original subject>`."""
    return f"{DEAD_LETTER_PREFIX}{consumer}.{subject}"
