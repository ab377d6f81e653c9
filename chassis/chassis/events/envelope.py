"""What a handler receives: the decoded protobuf message and the event's metadata, so
handlers never touch NATS messages or headers themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

from google.protobuf.message import Message

M = TypeVar("M", bound=Message)

HEADER_MSG_ID = "Nats-Msg-Id"
HEADER_EVENT_TYPE = "Crm-Event-Type"
HEADER_OCCURRED_AT = "Crm-Occurred-At"
HEADER_AGGREGATE_TYPE = "Crm-Aggregate-Type"
HEADER_AGGREGATE_ID = "Crm-Aggregate-Id"
HEADER_TRACEPARENT = "traceparent"
HEADER_DEAD_LETTER_REASON = "Crm-Dead-Letter-Reason"
HEADER_CONSUMER = "Crm-Consumer"
HEADER_EVENT_ID = "Crm-Event-Id"
HEADER_DELIVERIES = "Crm-Deliveries"


@dataclass(frozen=True)
class Envelope(Generic[M]):
    """One event as a handler sees it. `delivery` is JetStream's delivery count (1 first)."""

    event_id: str
    subject: str
    event_type: str
    occurred_at: datetime
    message: M
    headers: dict[str, str] = field(default_factory=dict)
    delivery: int = 1


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, as in every header and REST payload."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_timestamp(text: str | None, default: datetime) -> datetime:
    """The `Crm-Occurred-At` header, or `default` when it is missing or malformed."""
    if not text:
        return default
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return default
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
