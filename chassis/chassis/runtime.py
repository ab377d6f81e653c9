"""One service process: gRPC server, operational HTTP endpoints, outbox relay and event
consumer, and the service's own background work (schedulers, mail dispatchers), started
together and stopped together (SIGTERM/SIGINT → NOT_SERVING, drain, exit).

Events run on one asyncio loop in a background thread (nats-py is asyncio); the service's
background work on a second one, so a slow SMTP server never holds up the event relay; gRPC
handlers run in the gRPC thread pool with synchronous SQLAlchemy sessions.

`service_main` is every service's `python -m <service> [migrate]`.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import TypeVar

import grpc
import sqlalchemy as sa

from chassis.background import BackgroundLoop, Task
from chassis.db import Database
from chassis.events import EventConsumer, EventTables, Handler, OutboxRelay
from chassis.grpc import GrpcServer, create_server
from chassis.observability import OpsServer, configure_logging, configure_tracing
from chassis.settings import ServiceSettings

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], "bool | tuple[bool, str]"]
S = TypeVar("S", bound=ServiceSettings)


@dataclass
class ServiceRuntime:
    """Everything one service process runs. `start()` returns once all parts listen."""

    settings: ServiceSettings
    database: Database
    tables: EventTables
    register: Sequence[Callable[[grpc.Server], None]]
    service_names: Sequence[str]
    handlers: Sequence[Handler] = ()
    durable: str = ""
    readiness: Sequence[ReadinessCheck] = ()
    # The service's own loops (reminder schedulers, mail dispatchers, escalation checks), each
    # told to end by one stop event; `commit_listeners` are woken after every commit (e.g. a
    # mail dispatcher's `wake`, so queued mail leaves at once instead of at the next poll).
    background: Sequence[Task] = ()
    commit_listeners: Sequence[Callable[[], None]] = ()
    # Called last when the process stops (e.g. channels to other services).
    closers: Sequence[Callable[[], None]] = ()
    grpc_server: GrpcServer | None = field(default=None, init=False)
    ops_server: OpsServer | None = field(default=None, init=False)
    relay: OutboxRelay | None = field(default=None, init=False)
    consumer: EventConsumer | None = field(default=None, init=False)
    _events: BackgroundLoop | None = field(default=None, init=False)
    _background: BackgroundLoop | None = field(default=None, init=False)

    @property
    def grpc_port(self) -> int:
        assert self.grpc_server is not None
        return self.grpc_server.port

    @property
    def http_port(self) -> int:
        assert self.ops_server is not None
        return self.ops_server.port

    def start(self) -> None:
        s = self.settings
        configure_logging(s.service_name, s.log_level, s.log_json)
        configure_tracing(s.service_name, s.otel_exporter_otlp_endpoint)
        if s.events_enabled:
            self._start_events()
        if self.background:
            for listener in self.commit_listeners:
                self.database.add_commit_listener(listener)
            self._background = BackgroundLoop(f"{s.service_name}-background", self.background)
            self._background.start()
        self.grpc_server = create_server(
            service_name=s.service_name,
            register=self.register,
            service_names=self.service_names,
            host=s.grpc_host,
            port=s.grpc_port,
            max_workers=s.grpc_max_workers,
        )
        self.grpc_server.start()
        checks: list[ReadinessCheck] = [self._database_ready, *self.readiness]
        if s.events_enabled:
            checks.append(self._events_ready)
        if self._background is not None:
            checks.append(self._background_ready)
        self.ops_server = OpsServer(s.http_host, s.http_port, readiness=checks)
        self.ops_server.start()
        log.info("service started", extra={"grpc_port": self.grpc_port, "http_port": self.http_port})

    def _start_events(self) -> None:
        s = self.settings
        self.relay = OutboxRelay(
            self.database,
            self.tables,
            s.nats_url,
            poll_seconds=s.outbox_poll_seconds,
            batch_size=s.outbox_batch_size,
            service=s.service_name,
        )
        self.database.add_commit_listener(self.relay.wake)
        if self.handlers:
            self.consumer = EventConsumer(
                self.database,
                self.tables,
                s.nats_url,
                durable=self.durable or s.service_name,
                handlers=self.handlers,
                max_deliver=s.consumer_max_deliver,
                ack_wait=s.consumer_ack_wait_seconds,
            )
        tasks = [part.run for part in (self.relay, self.consumer) if part is not None]
        self._events = BackgroundLoop(f"{s.service_name}-events", tasks)
        self._events.start()

    def _database_ready(self) -> tuple[bool, str]:
        try:
            with self.database.read() as session:
                session.execute(sa.text("SELECT 1"))
            return True, "database"
        except Exception as error:
            return False, f"database: {error.__class__.__name__}"

    def _events_ready(self) -> tuple[bool, str]:
        return self._events is not None and self._events.alive(), "events"

    def _background_ready(self) -> tuple[bool, str]:
        return self._background is not None and self._background.alive(), "background"

    def stop(self) -> None:
        grace = self.settings.shutdown_grace_seconds
        if self.grpc_server is not None:
            self.grpc_server.stop(grace)
        if self._background is not None:
            self._background.stop(timeout=grace + 5)
            self._background = None
        if self._events is not None:
            self._events.stop(timeout=grace + 5)
        if self.ops_server is not None:
            self.ops_server.stop()
        self.database.dispose()
        for close in self.closers:
            try:
                close()
            except Exception:
                log.exception("error while closing")
        log.info("service stopped")


def serve(runtime: ServiceRuntime) -> None:
    """Starts `runtime` and blocks until SIGTERM or SIGINT, then shuts down gracefully."""
    stopping = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    runtime.start()
    settings = runtime.settings
    print(
        f"{settings.service_name}: gRPC {settings.grpc_host}:{runtime.grpc_port}, "
        f"HTTP http://{settings.http_host}:{runtime.http_port}",
        flush=True,
    )
    stopping.wait()
    runtime.stop()


def service_main(
    package: str,
    settings: S,
    *,
    migrate: Callable[[S], None],
    build: Callable[[S], ServiceRuntime],
    argv: Sequence[str] | None = None,
) -> None:
    """`python -m <package>`: migrate (idempotent), build, serve until SIGTERM/SIGINT.
    `python -m <package> migrate` only migrates and exits: the Helm chart's migration Job runs
    it before the pods of a new version start."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args not in ([], ["migrate"]):
        raise SystemExit(f"usage: python -m {package} [migrate]")
    migrate(settings)
    if args == ["migrate"]:
        print(f"migrated {settings.resolved_database_url().split('@')[-1]}", flush=True)
        return
    serve(build(settings))
