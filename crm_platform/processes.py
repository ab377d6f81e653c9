"""The platform as real processes: nats-server with JetStream, every service and the gateway.

One `Platform` describes where each process listens and keeps its data; `start()` runs the
migrations, starts everything and waits until each process reports ready; single processes
can be stopped and started again (the fault tests restart NATS and the consumers).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from chassis.testing import nats_server_binary

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def pick_port(preferred: int | None = None) -> int:
    if preferred and port_is_free(preferred):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ServiceEntry:
    """One service of the platform as a process: its folder under services/, its Python package
    (run as `python -m <package>`), its default ports for `make run`, and the gateway's
    environment variable that points at its gRPC port. A service whose `__main__.py` does not
    exist yet is left out, so a half-built service never breaks the others' runs."""

    name: str
    folder: str
    package: str
    grpc_port: int
    http_port: int
    gateway_target_env: str

    def present(self) -> bool:
        return (ROOT / "services" / self.folder / self.package / "__main__.py").exists()


# Adding a service to the local platform is one entry here (and one in the Helm values).
SERVICE_ENTRIES = (
    ServiceEntry("contacts", "contacts", "contacts", 50061, 9461, "CONTACTS_TARGET"),
    ServiceEntry("pricing", "pricing", "pricing", 50062, 9462, "PRICING_TARGET"),
    ServiceEntry("approvals", "approvals", "approvals", 50063, 9463, "APPROVALS_TARGET"),
    ServiceEntry("sales-docs", "sales-docs", "sales_docs", 50064, 9464, "SALES_DOCS_TARGET"),
    ServiceEntry("activities", "activities", "activities", 50065, 9465, "ACTIVITIES_TARGET"),
    ServiceEntry("service-desk", "service-desk", "service_desk", 50066, 9466, "SERVICE_DESK_TARGET"),
)


def present_services() -> tuple[ServiceEntry, ...]:
    return tuple(entry for entry in SERVICE_ENTRIES if entry.present())


@dataclass
class Ports:
    """Where each process listens: NATS, the gateway, and per service its gRPC and ops (HTTP)
    ports, keyed by service name."""

    nats: int
    gateway_http: int
    grpc: dict[str, int]
    http: dict[str, int]
    # The local SMTP sink (crm_platform.mail_sink) every service sends mail to.
    smtp: int = 1025
    # The service desk's inbound SMTP listener (e-mail intake: customers' mail becomes cases).
    inbound_smtp: int = 2526

    @classmethod
    def choose(cls, preferred: bool) -> Ports:
        def p(n: int) -> int:
            return pick_port(n if preferred else None)

        return cls(
            nats=p(14222),
            gateway_http=p(8080),
            grpc={e.name: p(e.grpc_port) for e in SERVICE_ENTRIES},
            http={e.name: p(e.http_port) for e in SERVICE_ENTRIES},
            smtp=p(1025),
            inbound_smtp=p(2526),
        )

    @property
    def contacts_grpc(self) -> int:
        return self.grpc["contacts"]

    @property
    def contacts_http(self) -> int:
        return self.http["contacts"]


@dataclass
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str]
    ready_url: str | None = None
    ready_port: int | None = None


@dataclass
class Platform:
    """Where the platform keeps its data and listens. `jwt_secret` and the admin login are
    for local runs and tests only; production reads them from Secrets."""

    var_dir: Path
    ports: Ports
    admin_email: str = "admin@example.co.th"
    admin_password: str = "admin-Passw0rd!"
    jwt_secret: str = "local-development-secret-change-me-0123456789"
    gateway_workers: int = 2
    extra_env: dict[str, str] = field(default_factory=dict)
    echo_output: bool = False
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    @property
    def nats_url(self) -> str:
        return f"nats://127.0.0.1:{self.ports.nats}"

    @property
    def mail_dir(self) -> Path:
        """Where the local SMTP sink saves every message (.eml files)."""
        return self.var_dir / "mail"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.gateway_http}"

    def _base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "GRPC_", "HTTP_"))}
        # Mail goes to the local sink; links in it point at the gateway (extra_env may override).
        env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(self.ports.smtp), PUBLIC_BASE_URL=self.gateway_url)
        env.update(
            NATS_URL=self.nats_url,
            VAR_DIR=str(self.var_dir),
            LOG_JSON="true",
            PYTHONUNBUFFERED="1",
            **self.extra_env,
        )
        return env

    def service_env(self, entry: ServiceEntry) -> dict[str, str]:
        env = dict(
            self._base_env(),
            SERVICE_NAME=entry.name,
            GRPC_PORT=str(self.ports.grpc[entry.name]),
            HTTP_PORT=str(self.ports.http[entry.name]),
            DATABASE_URL=f"sqlite:///{self.var_dir / (entry.name + '.db')}",
            **self.targets(),
        )
        if entry.name == "service-desk":
            env["INBOUND_SMTP_PORT"] = str(self.ports.inbound_smtp)
        return env

    def targets(self) -> dict[str, str]:
        """`<SERVICE>_TARGET` for every present service, for the gateway and for services that
        call others."""
        return {e.gateway_target_env: f"127.0.0.1:{self.ports.grpc[e.name]}" for e in present_services()}

    def specs(self) -> dict[str, ProcessSpec]:
        base = self._base_env()
        gateway_env = dict(
            base,
            SERVICE_NAME="gateway",
            DATABASE_URL=f"sqlite:///{self.var_dir / 'gateway.db'}",
            JWT_SECRET=self.jwt_secret,
            ADMIN_EMAIL=self.admin_email,
            ADMIN_PASSWORD=self.admin_password,
            HTTP_PORT=str(self.ports.gateway_http),
            GUNICORN_WORKERS=str(self.gateway_workers),
            **self.targets(),
        )
        specs = {
            "nats": ProcessSpec(
                "nats",
                [
                    nats_server_binary(),
                    "-a",
                    "127.0.0.1",
                    "-p",
                    str(self.ports.nats),
                    "-js",
                    "-sd",
                    str(self.var_dir / "nats"),
                ],
                base,
                ready_port=self.ports.nats,
            ),
        }
        specs["mail"] = ProcessSpec(
            "mail",
            [
                sys.executable,
                "-m",
                "crm_platform.mail_sink",
                "--port",
                str(self.ports.smtp),
                "--folder",
                str(self.mail_dir),
            ],
            base,
            ready_port=self.ports.smtp,
        )
        for entry in present_services():
            specs[entry.name] = ProcessSpec(
                entry.name,
                [sys.executable, "-m", entry.package],
                self.service_env(entry),
                ready_url=f"http://127.0.0.1:{self.ports.http[entry.name]}/readyz",
            )
        specs["gateway"] = ProcessSpec(
            "gateway",
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gateway" / "gunicorn.conf.py"), "gateway.wsgi:app"],
            gateway_env,
            ready_url=f"{self.gateway_url}/readyz",
        )
        return specs

    def service_names(self) -> list[str]:
        """The started processes in start order (NATS and the mail sink first, the gateway last)."""
        return ["nats", "mail", *(e.name for e in present_services()), "gateway"]

    def migrate(self) -> None:
        """Schema migrations run once before the processes (never in each gunicorn worker)."""
        spec = self.specs()["gateway"]
        subprocess.run([sys.executable, "-m", "gateway", "migrate"], env=spec.env, check=True, cwd=ROOT)

    def start(self, timeout: float = 60.0) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.start_process("nats", timeout)
        self.migrate()
        for name in self.service_names()[1:]:
            self.start_process(name, timeout)

    def start_process(self, name: str, timeout: float = 60.0) -> None:
        spec = self.specs()[name]
        log_path = self.var_dir / "logs" / f"{name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.logs[name] = log_path
        output: int | IO[bytes] = subprocess.PIPE if self.echo_output else log_path.open("ab")
        process = subprocess.Popen(
            spec.argv, env=spec.env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = process
        if self.echo_output and process.stdout is not None:
            threading.Thread(target=_relay_output, args=(name, process.stdout, log_path), daemon=True).start()
        self._wait_ready(spec, process, timeout)

    def _wait_ready(self, spec: ProcessSpec, process: subprocess.Popen[bytes], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{spec.name} exited with {process.returncode}; see {self.logs[spec.name]}"
                )
            if spec.ready_port is not None:
                with suppress(OSError), socket.create_connection(("127.0.0.1", spec.ready_port), 0.5):
                    return
            elif spec.ready_url is not None:
                with (
                    suppress(urllib.error.URLError, OSError),
                    urllib.request.urlopen(spec.ready_url, timeout=1) as response,  # noqa: S310 (http only)
                ):
                    if response.status == 200:
                        return
            time.sleep(0.1)
        raise TimeoutError(f"{spec.name} not ready after {timeout}s; see {self.logs[spec.name]}")

    def stop_process(self, name: str, timeout: float = 15.0) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self) -> None:
        for name in reversed(self.service_names()):
            self.stop_process(name)

    def describe(self) -> dict[str, object]:
        return {
            "gateway": self.gateway_url,
            "nats": self.nats_url,
            "ports": self.ports.__dict__,
            "var_dir": str(self.var_dir),
        }

    def running(self) -> Iterator[str]:
        return (name for name, p in self.processes.items() if p.poll() is None)


def _relay_output(name: str, stream: IO[bytes], log_path: Path) -> None:
    with log_path.open("ab") as log:
        for line in iter(stream.readline, b""):
            log.write(line)
            log.flush()
            sys.stdout.write(f"{name:>9} | {_short(line)}\n")
            sys.stdout.flush()


def _short(line: bytes) -> str:
    text = line.decode(errors="replace").rstrip()
    with suppress(ValueError):
        record = json.loads(text)
        if isinstance(record, dict) and "message" in record:
            return f"{record.get('levelname', record.get('level', ''))} {record['message']}"
    return text
