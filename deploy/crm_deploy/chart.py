"""The Helm chart rendered and validated with the real tools: helm-python-sdk (Helm's Go engine
over ctypes) lints and renders `deploy/helm/crm` for each values file; every manifest is
validated against the Kubernetes JSON schemas of kubernetes-validate (strict: unknown fields
fail), and the Prometheus Operator kinds against the schemas kept in deploy/schemas/.

`python -m crm_deploy.chart OUT_DIR` writes one rendered file per values file (for checkov)
and fails on any lint warning or schema error.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python as helm
import jsonschema
import kubernetes_validate  # type: ignore[import-untyped]
import yaml

DEPLOY = Path(__file__).resolve().parent.parent
CHART = DEPLOY / "helm" / "crm"
SCHEMAS = DEPLOY / "schemas"
VALUES_FILES = ("values.yaml", "values-production.yaml")
RELEASE = "crm"
NAMESPACE = "crm"
# The Kubernetes version the manifests are validated against (schemas shipped by the pinned
# kubernetes-validate), and the oldest one the chart supports (Chart.yaml kubeVersion).
KUBERNETES_VERSION = "1.30.0"
# Kinds of CustomResourceDefinitions: not in the Kubernetes schemas, validated against ours.
CRD_SCHEMAS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "servicemonitor-v1.json",
    ("monitoring.coreos.com/v1", "PrometheusRule"): "prometheusrule-v1.json",
}


@dataclass(frozen=True)
class Manifest:
    """One rendered Kubernetes object and the template it came from."""

    template: str
    body: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.body["kind"])

    @property
    def name(self) -> str:
        return str(self.body["metadata"]["name"])

    def __str__(self) -> str:
        return f"{self.kind}/{self.name} ({self.template})"


def values_of(values_file: str) -> dict[str, Any]:
    """The values a file adds over the chart's defaults (values.yaml itself: the defaults)."""
    loaded = yaml.safe_load((CHART / values_file).read_text())
    return dict(loaded or {})


def lint(values_file: str) -> list[str]:
    """`helm lint --strict` findings of warning severity or worse ("icon is recommended" and
    other info-level notes pass)."""
    report = helm.lint(
        CHART, values_of(values_file), strict=True, namespace=NAMESPACE, kube_version=f"v{KUBERNETES_VERSION}"
    )
    findings = [f"{m['path']}: {m['error']}" for m in report["messages"] if m["severity"] >= 2]
    return findings + [str(error) for error in report.get("errors") or []]


def render(values_file: str, overrides: dict[str, Any] | None = None) -> list[Manifest]:
    """Every object the chart renders for an install with `values_file` (plus `overrides`)."""
    values = values_of(values_file)
    if overrides:
        values = _merge(values, overrides)
    with helm.Chart.load(CHART) as chart:
        rendered = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
    manifests: list[Manifest] = []
    for template, text in sorted(rendered.items()):
        if not template.endswith((".yaml", ".yml")):
            continue
        manifests.extend(Manifest(template, doc) for doc in yaml.safe_load_all(text) if doc)
    return manifests


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def schema_errors(manifest: Manifest) -> list[str]:
    """Validation errors of one object: the Kubernetes schemas (strict) for built-in kinds, the
    schemas in deploy/schemas for the Prometheus Operator kinds; a kind with neither fails."""
    body = manifest.body
    crd_schema = CRD_SCHEMAS.get((str(body.get("apiVersion")), str(body.get("kind"))))
    if crd_schema is not None:
        schema = json.loads((SCHEMAS / crd_schema).read_text())
        validator = jsonschema.Draft202012Validator(schema)
        return [
            f"{manifest}: {'.'.join(map(str, error.path))}: {error.message}"
            for error in validator.iter_errors(body)
        ]
    try:
        kubernetes_validate.validate(body, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.SchemaNotFoundError as error:
        return [f"{manifest}: no schema: {error.message}"]
    except kubernetes_validate.ValidationError as error:
        return [f"{manifest}: {'.'.join(map(str, error.path))}: {error.message}"]
    return []


def main(argv: list[str]) -> int:
    """Lints, renders and validates for each values file; writes OUT_DIR/<values file>."""
    out_dir = Path(argv[0]) if argv else DEPLOY.parent / "var" / "deploy" / "rendered"
    out_dir.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    for values_file in VALUES_FILES:
        failures += [f"helm lint ({values_file}): {finding}" for finding in lint(values_file)]
        manifests = render(values_file)
        for manifest in manifests:
            failures += schema_errors(manifest)
        text = "".join(
            f"---\n# Source: {m.template}\n{yaml.safe_dump(m.body, sort_keys=False)}" for m in manifests
        )
        (out_dir / values_file).write_text(text)
        kinds = sorted({m.kind for m in manifests})
        print(f"{values_file}: {len(manifests)} objects ({', '.join(kinds)}) -> {out_dir / values_file}")
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
