"""Which metrics the dashboards and alert rules use, read out of their PromQL, and which ones a
scrape of /metrics exports, so a test can prove every panel and alert has data to show.

The PromQL reader is deliberately small: it drops strings, label matchers, range selectors and
grouping clauses, and takes the remaining identifiers that are not functions, keywords or
Grafana variables. Histogram series (`_bucket`, `_sum`, `_count`) count as their family.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml
from prometheus_client.parser import text_string_to_metric_families

DEPLOY = Path(__file__).resolve().parent.parent
DASHBOARDS = DEPLOY / "helm" / "crm" / "dashboards"
RULES = DEPLOY / "helm" / "crm" / "rules" / "crm-alerts.yaml"
EXTERNAL = DEPLOY / "prometheus" / "external-metrics.txt"
PENDING = DEPLOY / "prometheus" / "pending-metrics.txt"

_KEYWORDS = frozenset(
    [
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "bool",
        "and",
        "or",
        "unless",
        "offset",
        "atop",
        "inf",
        "nan",
    ]
)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_IDENTIFIER = re.compile(r"(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()")
_HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def metrics_in(expr: str) -> set[str]:
    """The metric names one PromQL expression selects."""
    text = _STRING.sub(" ", expr)
    text = _MATCHERS.sub(" ", text)
    text = _RANGE.sub(" ", text)
    text = _GROUPING.sub(" ", text)
    text = re.sub(r"\$\w+", " ", text)
    names = set()
    for match in _IDENTIFIER.finditer(text):
        name = match.group(1)
        if name.lower() not in _KEYWORDS and not re.fullmatch(r"[0-9.e+-]+", name):
            names.add(name)
    return names


def _dashboard_exprs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "expr" and isinstance(value, str):
                yield value
            else:
                yield from _dashboard_exprs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _dashboard_exprs(item)


def dashboard_exprs() -> dict[str, list[str]]:
    """PromQL of every panel, by dashboard file."""
    return {
        path.name: list(_dashboard_exprs(json.loads(path.read_text())))
        for path in sorted(DASHBOARDS.glob("*.json"))
    }


def rule_exprs() -> dict[str, str]:
    """PromQL of every alert (and recording rule), by name."""
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return {rule.get("alert") or rule["record"]: rule["expr"] for group in groups for rule in group["rules"]}


def used_metrics() -> dict[str, set[str]]:
    """Metric name -> where it is used ("dashboard business.json", "alert CrmOutboxBacklog")."""
    used: dict[str, set[str]] = {}
    for dashboard, exprs in dashboard_exprs().items():
        for expr in exprs:
            for name in metrics_in(expr):
                used.setdefault(name, set()).add(f"dashboard {dashboard}")
    for alert, expr in rule_exprs().items():
        for name in metrics_in(expr):
            used.setdefault(name, set()).add(f"alert {alert}")
    return used


def _table(path: Path) -> dict[str, str]:
    rows = (
        line.split(None, 1) for line in path.read_text().splitlines() if line and not line.startswith("#")
    )
    return {row[0]: row[1].strip() if len(row) > 1 else "" for row in rows}


def external_metrics() -> dict[str, str]:
    """Metrics from outside the platform (Prometheus, kube-state-metrics) and their source."""
    return _table(EXTERNAL)


def pending_metrics() -> dict[str, str]:
    """Metrics a service not yet on the platform will export, and that service's folder."""
    return _table(PENDING)


def exported_names(exposition: str) -> set[str]:
    """Every name a /metrics page exports: sample names, family names (a labelled metric with
    no child yet still declares its family) and a counter family's `_total` name."""
    names: set[str] = set()
    for family in text_string_to_metric_families(exposition):
        names.add(family.name)
        if family.type == "counter":
            names.add(family.name + "_total")
        if family.type == "histogram":
            names.update(family.name + suffix for suffix in _HISTOGRAM_SUFFIXES)
        names.update(sample.name for sample in family.samples)
    return names


def missing(used: Iterable[str], exported: set[str]) -> set[str]:
    """The used names that no scrape exports."""
    return {name for name in used if name not in exported}
