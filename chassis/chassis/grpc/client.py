"""Client channels to other services: retries on UNAVAILABLE, deadlines always, identity and
trace context passed on (see chassis.grpc.client_interceptor).

    contacts = ServiceClient(settings.peers["contacts"], contacts_service_pb2_grpc.ContactsServiceStub)
    customer = contacts.stub.GetCustomer(request)        # deadline: min(5 s, caller's remaining)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Generic, TypeVar

import grpc

from chassis.grpc.client_interceptor import ClientCallInterceptor
from chassis.grpc.options import CLIENT_CONNECTION_OPTIONS, DEFAULT_MAX_MESSAGE_BYTES, message_size_options

DEFAULT_TIMEOUT_SECONDS = 5.0
# gRPC caps a retry policy at 5 attempts (the first call and 4 retries).
MAX_ATTEMPTS = 5

_StubT = TypeVar("_StubT")


def retry_service_config(service_names: Sequence[str] = (), retries: int = 4) -> str:
    """The service config JSON: retry on UNAVAILABLE with exponential backoff (0.05 s doubling
    to 1 s) for the named services, or for every method when none are named."""
    names = [{"service": name} for name in service_names] or [{}]
    method_config: dict[str, object] = {"name": names}
    if retries > 0:
        method_config["retryPolicy"] = {
            "maxAttempts": min(retries + 1, MAX_ATTEMPTS),
            "initialBackoff": "0.05s",
            "maxBackoff": "1s",
            "backoffMultiplier": 2,
            "retryableStatusCodes": ["UNAVAILABLE"],
        }
    return json.dumps({"methodConfig": [method_config]})


def make_channel(
    target: str,
    *,
    service_names: Sequence[str] = (),
    retries: int = 4,
    default_timeout: float = DEFAULT_TIMEOUT_SECONDS,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
) -> grpc.Channel:
    """An insecure channel to `target` ("host:port") with the retry policy and the chassis
    client interceptor; calls without a timeout get `default_timeout`."""
    options: list[tuple[str, str | int]] = [
        ("grpc.enable_retries", 1 if retries > 0 else 0),
        ("grpc.service_config", retry_service_config(service_names, retries)),
        *message_size_options(max_message_bytes),
        *CLIENT_CONNECTION_OPTIONS,
    ]
    channel = grpc.insecure_channel(target, options=options)
    return grpc.intercept_channel(channel, ClientCallInterceptor(default_timeout))


class ServiceClient(Generic[_StubT]):
    """A channel and a stub for one peer service; close it when the process stops."""

    def __init__(
        self,
        target: str,
        stub_class: Callable[[grpc.Channel], _StubT],
        *,
        default_timeout: float = DEFAULT_TIMEOUT_SECONDS,
        service_names: Sequence[str] = (),
        retries: int = 4,
    ) -> None:
        self.target = target
        self.channel = make_channel(
            target, service_names=service_names, retries=retries, default_timeout=default_timeout
        )
        self.stub: _StubT = stub_class(self.channel)

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> ServiceClient[_StubT]:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
