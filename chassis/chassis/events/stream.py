"""The JetStream streams the platform relies on, created or brought up to date by whoever
connects first (relay, consumer), so no service depends on another having started."""

from __future__ import annotations

import logging

from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

log = logging.getLogger(__name__)

EVENTS_STREAM = "CRM_EVENTS"
DEAD_LETTER_STREAM = "CRM_DEAD_LETTERS"
ADVISORY_STREAM = "CRM_ADVISORIES"
# JetStream drops a re-sent Nats-Msg-Id seen within this window (the relay's retries).
DUPLICATE_WINDOW_SECONDS = 120.0
# The server's only trace of a message that ran out of deliveries without our consumer
# dead-lettering it (a crash during its last delivery); kept a week for operators.
MAX_DELIVERIES_ADVISORY = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>"
ADVISORY_MAX_AGE_SECONDS = 7 * 24 * 3600.0


def stream_configs() -> list[StreamConfig]:
    """Events are kept without an age limit: replay rebuilds read models from the start."""
    return [
        StreamConfig(
            name=EVENTS_STREAM,
            subjects=["crm.>"],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
        ),
        StreamConfig(
            name=DEAD_LETTER_STREAM,
            subjects=["dlq.>"],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
        ),
        StreamConfig(
            name=ADVISORY_STREAM,
            subjects=[MAX_DELIVERIES_ADVISORY],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            max_age=ADVISORY_MAX_AGE_SECONDS,
        ),
    ]


async def ensure_streams(js: JetStreamContext) -> None:
    """Creates the streams, or updates them when their configuration drifted. Creating a
    stream with an identical configuration is a no-op on the server, so this is idempotent
    and safe when several processes start at once."""
    for config in stream_configs():
        try:
            await js.add_stream(config)
        except BadRequestError:
            # "stream name already in use with a different configuration"
            log.info("updating the configuration of stream %s", config.name)
            await js.update_stream(config)
