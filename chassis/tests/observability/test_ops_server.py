"""The ops endpoint: /metrics for Prometheus, /healthz and /readyz for Kubernetes probes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from chassis.observability import OpsServer
from chassis.observability import metrics as grpc_metrics
from prometheus_client import CONTENT_TYPE_LATEST


def get(port: int, path: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


class Switch:
    """A readiness check a test can flip."""

    def __init__(self, name: str, ok: bool = True) -> None:
        self.name = name
        self.ok = ok

    def __call__(self) -> tuple[bool, str]:
        return self.ok, "" if self.ok else f"{self.name} is down"


@pytest.fixture
def database_check() -> Switch:
    return Switch("database")


@pytest.fixture
def ops(database_check: Switch) -> Iterator[OpsServer]:
    def nats() -> bool:
        return True

    server = OpsServer("127.0.0.1", 0, readiness=[database_check, nats])
    server.start()
    yield server
    server.stop()


def test_start_returns_the_bound_port(ops: OpsServer) -> None:
    assert ops.port > 0


def test_metrics_are_served_in_the_prometheus_text_format(ops: OpsServer) -> None:
    grpc_metrics.GRPC_SERVER_HANDLED.labels("unary", "crm.test.v1.OpsProbe", "Get", "OK").inc()
    status, content_type, body = get(ops.port, "/metrics")
    assert status == 200
    assert content_type == CONTENT_TYPE_LATEST
    assert (
        'grpc_server_handled_total{grpc_code="OK",grpc_method="Get",grpc_service="crm.test.v1.OpsProbe",'
        'grpc_type="unary"} 1.0' in body
    )
    assert "# TYPE grpc_server_handling_seconds histogram" in body


def test_healthz_answers_ok_while_the_process_runs(ops: OpsServer, database_check: Switch) -> None:
    database_check.ok = False
    assert get(ops.port, "/healthz")[::2] == (200, "ok\n")


def test_readyz_is_200_when_every_check_passes(ops: OpsServer) -> None:
    status, _, body = get(ops.port, "/readyz")
    assert status == 200
    assert json.loads(body) == {"status": "ready"}


def test_readyz_is_503_and_names_the_failing_check(ops: OpsServer, database_check: Switch) -> None:
    database_check.ok = False
    status, content_type, body = get(ops.port, "/readyz")
    assert (status, content_type) == (503, "application/json")
    assert json.loads(body) == {
        "status": "not ready",
        "failing": [{"check": "database", "reason": "database is down"}],
    }
    database_check.ok = True
    assert get(ops.port, "/readyz")[0] == 200


def test_a_check_that_raises_counts_as_failing(ops: OpsServer) -> None:
    def broker() -> bool:
        raise ConnectionError("nats: no servers available")

    ops.add_readiness_check(broker)
    status, _, body = get(ops.port, "/readyz")
    assert status == 503
    assert json.loads(body)["failing"] == [
        {"check": "broker", "reason": "ConnectionError: nats: no servers available"}
    ]


def test_readyz_fails_once_shutdown_begins(ops: OpsServer) -> None:
    ops.begin_shutdown()
    status, _, body = get(ops.port, "/readyz")
    assert status == 503
    assert json.loads(body)["failing"][0]["check"] == "shutdown"


def test_unknown_paths_are_404(ops: OpsServer) -> None:
    assert get(ops.port, "/nope")[0] == 404


def test_stop_releases_the_port() -> None:
    server = OpsServer()
    port = server.start()
    server.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
