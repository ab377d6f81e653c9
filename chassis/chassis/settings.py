"""Settings from environment variables (12-factor). Each service subclasses `ServiceSettings`;
environment variables are read here and nowhere else. Defaults serve a laptop run."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """What every service process needs. Variable names are the field names in upper case
    (DATABASE_URL, NATS_URL, GRPC_PORT, ...)."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    service_name: str = "service"
    # Folder for SQLite files and local state when DATABASE_URL is not set.
    var_dir: Path = Path("var")
    database_url: str = ""
    nats_url: str = "nats://127.0.0.1:4222"
    # Publish and consume events; off only for tools that must not touch NATS.
    events_enabled: bool = True
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 0
    grpc_max_workers: int = 16
    # Operational HTTP endpoints (/metrics, /healthz, /readyz).
    http_host: str = "127.0.0.1"
    http_port: int = 0
    log_level: str = "INFO"
    log_json: bool = True
    otel_exporter_otlp_endpoint: str = ""
    # Seconds given to in-flight RPCs on shutdown.
    shutdown_grace_seconds: float = 5.0
    # Outbox relay: how often it polls when nothing woke it, and how many rows per batch.
    outbox_poll_seconds: float = 0.05
    outbox_batch_size: int = 200
    # Consumers: deliveries before an event goes to the dead-letter subject.
    consumer_max_deliver: int = 5
    consumer_ack_wait_seconds: float = 30.0
    # Where the service's peers listen, "host:port" by service name (set by the runner / Helm).
    peers: dict[str, str] = Field(default_factory=dict)

    def resolved_database_url(self) -> str:
        """DATABASE_URL, or a SQLite file named for the service under VAR_DIR."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / (self.service_name.replace('-', '_') + '.db')}"
