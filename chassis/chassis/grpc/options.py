"""gRPC channel and server options shared by the chassis's servers and clients."""

from __future__ import annotations

# gRPC's own default receive limit is 4 MiB (RESOURCE_EXHAUSTED above it); documents with
# many lines and attachments' metadata need more.
DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024

# Servers ping idle clients every minute and drop dead peers, and let clients ping every
# 10 s or slower, also between calls, without answering with GOAWAY ("too many pings").
SERVER_KEEPALIVE_OPTIONS: tuple[tuple[str, int], ...] = (
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
)

# Clients reconnect quickly after a peer restarts (gRPC's default backoff starts at 1 s and
# grows to 120 s) and ping every 30 s during calls to find dead connections.
CLIENT_CONNECTION_OPTIONS: tuple[tuple[str, int], ...] = (
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 5_000),
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
)


def message_size_options(max_message_bytes: int) -> tuple[tuple[str, int], ...]:
    return (
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes),
    )
