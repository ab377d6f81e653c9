"""The operations HTTP endpoint of every service process: `/metrics` for Prometheus,
`/healthz` (liveness: the process answers) and `/readyz` (readiness: every check passes;
otherwise 503 naming the failing checks, so Kubernetes takes the pod out of the Service).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

_LOG = logging.getLogger("chassis.observability.http")

# A readiness check answers True/False, or (ok, reason) to say why it fails.
ReadinessCheck = Callable[[], "bool | tuple[bool, str]"]


def check_name(check: ReadinessCheck) -> str:
    return str(getattr(check, "__name__", None) or getattr(check, "name", None) or repr(check))


class OpsServer:
    """`/metrics`, `/healthz`, `/readyz` on a threaded HTTP server (port 0 picks a free port)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        readiness: Sequence[ReadinessCheck] = (),
        registry: CollectorRegistry = REGISTRY,
    ) -> None:
        self.host = host
        self.port = port
        self.registry = registry
        self._checks: list[ReadinessCheck] = list(readiness)
        self._draining = False
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def add_readiness_check(self, check: ReadinessCheck) -> None:
        self._checks.append(check)

    def begin_shutdown(self) -> None:
        """From now on `/readyz` answers 503 ("shutting down"), so no new traffic arrives."""
        self._draining = True

    def readiness(self) -> tuple[bool, list[dict[str, str]]]:
        """Runs every check; (all passed, the failing checks with their reasons)."""
        failing: list[dict[str, str]] = []
        if self._draining:
            failing.append({"check": "shutdown", "reason": "shutting down"})
        for check in self._checks:
            try:
                result = check()
            except Exception as exc:  # a check that crashes is a failing check
                _LOG.warning("readiness check %s raised", check_name(check), exc_info=True)
                result = (False, f"{type(exc).__name__}: {exc}")
            ok, reason = result if isinstance(result, tuple) else (bool(result), "")
            if not ok:
                failing.append({"check": check_name(check), "reason": reason or "not ready"})
        return not failing, failing

    def start(self) -> int:
        """Serves in a daemon thread; returns the bound port."""
        ops = self

        class Handler(_OpsHandler):
            server_ops = ops

        self._httpd = ThreadingHTTPServer((self.host, self.port), Handler)
        self._httpd.daemon_threads = True
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"ops-http-{self.port}", daemon=True
        )
        self._thread.start()
        return self.port

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None


class _OpsHandler(BaseHTTPRequestHandler):
    server_ops: OpsServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            self._send(200, CONTENT_TYPE_LATEST, generate_latest(self.server_ops.registry))
        elif path == "/healthz":
            self._send(200, "text/plain; charset=utf-8", b"ok\n")
        elif path == "/readyz":
            ready, failing = self.server_ops.readiness()
            body: dict[str, Any] = (
                {"status": "ready"} if ready else {"status": "not ready", "failing": failing}
            )
            self._send(200 if ready else 503, "application/json", json.dumps(body).encode())
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found\n")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        _LOG.debug("%s " + format, self.address_string(), *args)
