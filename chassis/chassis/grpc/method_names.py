"""Names of an RPC as metrics and traces spell them."""

from __future__ import annotations

# go-grpc-prometheus's `grpc_type` label values.
UNARY = "unary"
CLIENT_STREAM = "client_stream"
SERVER_STREAM = "server_stream"
BIDI_STREAM = "bidi_stream"


def split_method(full_method: str) -> tuple[str, str]:
    """ "/crm.contacts.v1.ContactsService/GetCustomer" -> ("crm.contacts.v1.ContactsService",
    "GetCustomer")."""
    service, _, method = full_method.lstrip("/").rpartition("/")
    return (service or "unknown"), (method or "unknown")


def grpc_type(request_streaming: bool, response_streaming: bool) -> str:
    if request_streaming:
        return BIDI_STREAM if response_streaming else CLIENT_STREAM
    return SERVER_STREAM if response_streaming else UNARY
