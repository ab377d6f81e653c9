"""The gRPC server bootstrap every service uses.

`create_server` returns a server bound to its port (port 0 picks a free one, for tests) with
the service's servicers, the health service, reflection, the diagnostics Echo and the chassis
interceptor (metrics, tracing, caller identity, deadline check, error mapping) in place.
Shutdown is graceful: health turns NOT_SERVING first, then in-flight calls get `grace` seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent import futures
from types import TracebackType

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from chassis.grpc.diagnostics import DIAGNOSTICS_SERVICE_NAME, register_diagnostics
from chassis.grpc.options import DEFAULT_MAX_MESSAGE_BYTES, SERVER_KEEPALIVE_OPTIONS, message_size_options
from chassis.grpc.server_interceptor import ServerCallInterceptor


class GrpcServer:
    """A created server: `.server`, the bound `.port`, the `.health` servicer."""

    def __init__(
        self,
        server: grpc.Server,
        port: int,
        health_servicer: health.HealthServicer,
        service_names: Sequence[str],
        host: str,
        executor: futures.ThreadPoolExecutor,
    ) -> None:
        self.server = server
        self.port = port
        self.health = health_servicer
        self.host = host
        self.service_names = tuple(service_names)
        self._executor = executor
        self._stopped = threading.Event()

    @property
    def address(self) -> str:
        """ "host:port" for clients."""
        return f"{_bracketed(self.host)}:{self.port}"

    def start(self) -> None:
        """Starts serving and reports SERVING for the server ("") and each service."""
        self.server.start()
        for name in ("", *self.service_names):
            self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    def stop(self, grace: float | None = 5.0, *, drain_seconds: float = 0.0) -> None:
        """Graceful shutdown: every service NOT_SERVING, `drain_seconds` for load balancers
        and probes to notice, then `grace` seconds for in-flight calls. Safe to call twice."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.health.enter_graceful_shutdown()
        if drain_seconds > 0:
            threading.Event().wait(drain_seconds)
        self.server.stop(grace).wait()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def wait_for_termination(self, timeout: float | None = None) -> bool:
        """Blocks until the server stops; True when it did within `timeout`."""
        return self.server.wait_for_termination(timeout)

    def __enter__(self) -> GrpcServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop(grace=0)


def create_server(
    *,
    service_name: str,
    register: Sequence[Callable[[grpc.Server], None]],
    service_names: Sequence[str],
    host: str = "127.0.0.1",
    port: int = 0,
    max_workers: int = 16,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    extra_interceptors: Sequence[grpc.ServerInterceptor] = (),  # type: ignore[type-arg]
) -> GrpcServer:
    """A bound, not yet started server. `register` callbacks add the service's servicers
    (e.g. `lambda s: pb_grpc.add_ContactsServiceServicer_to_server(servicer, s)`);
    `service_names` are their full names (health and reflection report them)."""
    executor = futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=f"grpc-{service_name}")
    options = [
        *message_size_options(max_message_bytes),
        # Two servers must never share a port by accident (a stale process, a parallel test).
        ("grpc.so_reuseport", 0),
        *SERVER_KEEPALIVE_OPTIONS,
    ]
    server = grpc.server(
        executor,
        interceptors=[ServerCallInterceptor(), *extra_interceptors],
        options=options,
    )
    for add_servicers in register:
        add_servicers(server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ("", *service_names):
        health_servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    register_diagnostics(server, service_name)
    reflection.enable_server_reflection(
        (*service_names, DIAGNOSTICS_SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server
    )
    bound = server.add_insecure_port(f"{_bracketed(host)}:{port}")
    if bound == 0:
        raise RuntimeError(f"could not bind gRPC port {host}:{port}")
    return GrpcServer(server, bound, health_servicer, service_names, host, executor)


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
