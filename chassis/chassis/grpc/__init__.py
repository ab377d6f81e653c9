"""gRPC for every service: the server bootstrap (health, reflection, diagnostics, the chassis
interceptor), client channels (retries, deadlines, identity, trace context) and the one table
between domain errors and gRPC status codes.

This package is `chassis.grpc`; its modules import the `grpc` library absolutely.
"""

from chassis.grpc.client import ServiceClient, make_channel, retry_service_config
from chassis.grpc.client_interceptor import ClientCallInterceptor
from chassis.grpc.deadlines import bind_deadline, effective_timeout, remaining_time, reset_deadline
from chassis.grpc.diagnostics import DIAGNOSTICS_SERVICE_NAME, DiagnosticsServicer
from chassis.grpc.options import DEFAULT_MAX_MESSAGE_BYTES
from chassis.grpc.server import GrpcServer, create_server
from chassis.grpc.server_interceptor import ServerCallInterceptor
from chassis.grpc.status import (
    ERROR_DOMAIN,
    STATUS_CODES,
    RemoteStatus,
    from_rpc_error,
    raise_domain_error,
    remote_status,
    status_code_for,
    to_rpc_status,
)

__all__ = [
    "DEFAULT_MAX_MESSAGE_BYTES",
    "DIAGNOSTICS_SERVICE_NAME",
    "ERROR_DOMAIN",
    "STATUS_CODES",
    "ClientCallInterceptor",
    "DiagnosticsServicer",
    "GrpcServer",
    "RemoteStatus",
    "ServerCallInterceptor",
    "ServiceClient",
    "bind_deadline",
    "create_server",
    "effective_timeout",
    "from_rpc_error",
    "make_channel",
    "raise_domain_error",
    "remaining_time",
    "remote_status",
    "reset_deadline",
    "retry_service_config",
    "status_code_for",
    "to_rpc_status",
]
