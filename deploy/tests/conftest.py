"""Fixtures of the deploy tests: the chart rendered by the real Helm engine (helm-python-sdk)
once per values file, and the deploy tooling (deploy/crm_deploy) on the import path."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent
if str(DEPLOY) not in sys.path:
    sys.path.insert(0, str(DEPLOY))

from crm_deploy import chart  # noqa: E402

_RENDERED: dict[str, list[chart.Manifest]] = {}


def rendered(values_file: str) -> list[chart.Manifest]:
    """The chart's objects for an install with `values_file` (rendered once per session)."""
    if values_file not in _RENDERED:
        _RENDERED[values_file] = chart.render(values_file)
    return _RENDERED[values_file]


@pytest.fixture(params=chart.VALUES_FILES)
def manifests(request: pytest.FixtureRequest) -> list[chart.Manifest]:
    return rendered(str(request.param))
