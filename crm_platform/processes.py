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


@dataclass
class Ports:
    nats: int
    contacts_grpc: int
    contacts_http: int
    gateway_http: int

    @classmethod
    def choose(cls, preferred: bool) -> Ports:
        def p(n: int) -> int:
            return pick_port(n if preferred else None)

        return cls(nats=p(14222), contacts_grpc=p(50061), contacts_http=p(9461), gateway_http=p(8080))


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
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.gateway_http}"

    def _base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "GRPC_", "HTTP_"))}
        env.update(
            NATS_URL=self.nats_url,
            VAR_DIR=str(self.var_dir),
            LOG_JSON="true",
            PYTHONUNBUFFERED="1",
            **self.extra_env,
        )
        return env

    def specs(self) -> dict[str, ProcessSpec]:
        base = self._base_env()
        contacts_env = dict(
            base,
            SERVICE_NAME="contacts",
            GRPC_PORT=str(self.ports.contacts_grpc),
            HTTP_PORT=str(self.ports.contacts_http),
            DATABASE_URL=f"sqlite:///{self.var_dir / 'contacts.db'}",
        )
        gateway_env = dict(
            base,
            SERVICE_NAME="gateway",
            DATABASE_URL=f"sqlite:///{self.var_dir / 'gateway.db'}",
            CONTACTS_TARGET=f"127.0.0.1:{self.ports.contacts_grpc}",
            JWT_SECRET=self.jwt_secret,
            ADMIN_EMAIL=self.admin_email,
            ADMIN_PASSWORD=self.admin_password,
            HTTP_PORT=str(self.ports.gateway_http),
            GUNICORN_WORKERS=str(self.gateway_workers),
        )
        return {
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
            "contacts": ProcessSpec(
                "contacts",
                [sys.executable, "-m", "contacts"],
                contacts_env,
                ready_url=f"http://127.0.0.1:{self.ports.contacts_http}/readyz",
            ),
            "gateway": ProcessSpec(
                "gateway",
                [str(BIN / "gunicorn"), "-c", str(ROOT / "gateway" / "gunicorn.conf.py"), "gateway.wsgi:app"],
                gateway_env,
                ready_url=f"{self.gateway_url}/readyz",
            ),
        }

    def migrate(self) -> None:
        """Schema migrations run once before the processes (never in each gunicorn worker)."""
        spec = self.specs()["gateway"]
        subprocess.run([sys.executable, "-m", "gateway", "migrate"], env=spec.env, check=True, cwd=ROOT)

    def start(self, timeout: float = 60.0) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.start_process("nats", timeout)
        self.migrate()
        for name in ("contacts", "gateway"):
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
        for name in ("gateway", "contacts", "nats"):
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
