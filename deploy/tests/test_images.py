"""Every Dockerfile has the same shape: a build stage and a slim Python 3.11 runtime stage,
only protos/, chassis/, requirements.txt and its own folder copied, a numeric non-root user, a
healthcheck, and the entrypoint the chart and `make run` use. (hadolint and checkov lint them in
`make deploy-check`.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crm_platform.processes import SERVICE_ENTRIES

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = {entry.folder: entry.package for entry in SERVICE_ENTRIES}
FOLDERS = sorted(p.name for p in (ROOT / "services").iterdir() if p.is_dir() and not p.name.startswith("."))


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", path.read_text())
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            rows.append((keyword.upper(), rest.strip()))
    return rows


def check_shape(path: Path, own_folder: str) -> list[tuple[str, str]]:
    rows = instructions(path)
    froms = [args for keyword, args in rows if keyword == "FROM"]
    assert froms == ["python:3.11-slim-bookworm AS build", "python:3.11-slim-bookworm"], path
    copies = [args.split() for keyword, args in rows if keyword == "COPY"]
    sources = {parts[0] for parts in copies if not parts[0].startswith("--from=")}
    assert sources == {"requirements.txt", "protos/", "chassis/", f"{own_folder}/"}, path
    runtime = rows[[i for i, (keyword, _) in enumerate(rows) if keyword == "FROM"][1] :]
    users = [args for keyword, args in runtime if keyword == "USER"]
    assert users == ["10001:10001"], path
    assert any(keyword == "HEALTHCHECK" for keyword, _ in runtime), path
    env = " ".join(args for keyword, args in runtime if keyword == "ENV")
    assert "VAR_DIR=/tmp/var" in env, path
    assert "PYTHONDONTWRITEBYTECODE=1" in env, path
    return rows


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_service_image_runs_its_package(folder: str) -> None:
    rows = check_shape(ROOT / "services" / folder / "Dockerfile", f"services/{folder}")
    command = json.loads(next(args for keyword, args in rows if keyword == "CMD"))
    assert command == ["python", "-m", PACKAGES.get(folder, folder.replace("-", "_"))]
    health = next(args for keyword, args in rows if keyword == "HEALTHCHECK")
    assert "grpc_health" in health  # the same health service the Kubernetes gRPC probes ask


def test_the_gateway_image_runs_gunicorn() -> None:
    rows = check_shape(ROOT / "gateway" / "Dockerfile", "gateway")
    command = json.loads(next(args for keyword, args in rows if keyword == "CMD"))
    assert command == ["gunicorn", "-c", "/opt/gateway/gunicorn.conf.py", "gateway.wsgi:app"]
    assert "/healthz" in next(args for keyword, args in rows if keyword == "HEALTHCHECK")


def test_the_build_context_leaves_tests_and_local_state_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignored[ignored.index("**") + 1 :][:5] == [
        "!requirements.txt",
        "!protos/",
        "!chassis/",
        "!services/",
        "!gateway/",
    ]
    assert {"**/tests/", "**/var/", "**/__pycache__/"} <= set(ignored)
