"""Figures as the benchmarks report them: one table line each while running (figure, target,
met or not), and one Markdown table at the end for the README (also saved under var/)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """A bound the figure must stay under (`at_most`) or reach (`at_least`)."""

    value: float
    at_most: bool

    def met_by(self, figure: float) -> bool:
        return figure < self.value if self.at_most else figure >= self.value

    def describe(self, unit: str) -> str:
        return f"{'<' if self.at_most else '≥'} {_number(self.value)}{_suffix(unit)}"


def under(value: float) -> Target:
    return Target(value, at_most=True)


def at_least(value: float) -> Target:
    return Target(value, at_most=False)


@dataclass(frozen=True)
class Figure:
    """One measured number; `target` None means reported for context only."""

    section: str
    name: str
    value: float
    unit: str
    target: Target | None = None
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None or math.isnan(self.value):
            return None if self.target is None else False
        return self.target.met_by(self.value)

    @property
    def shown_value(self) -> str:
        return "n/a" if math.isnan(self.value) else f"{_number(self.value)}{_suffix(self.unit)}"

    @property
    def shown_target(self) -> str:
        return self.target.describe(self.unit) if self.target else "—"

    @property
    def verdict(self) -> str:
        return {True: "met", False: "MISSED", None: "—"}[self.met]

    def line(self) -> str:
        note = f"  ({self.note})" if self.note else ""
        return (
            f"  {self.section:<7} {self.name:<46} {self.shown_value:>16}   "
            f"target {self.shown_target:<10} {self.verdict}{note}"
        )


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (NaN for no samples): p99 of 10,000 is the 9,900th smallest."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples) if samples else math.nan


def markdown(figures: Sequence[Figure], header: str) -> str:
    """The results block for the README."""
    rows = [
        header,
        "",
        "| section | figure | measured | target | met | conditions |",
        "| --- | --- | ---: | --- | --- | --- |",
    ]
    for figure in figures:
        rows.append(
            f"| {figure.section} | {figure.name} | {figure.shown_value} | {figure.shown_target} "
            f"| {figure.verdict} | {figure.note} |"
        )
    return "\n".join(rows) + "\n"


def save(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _number(value: float) -> str:
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _suffix(unit: str) -> str:
    if not unit:
        return ""
    return unit if unit == "x" else f" {unit}"
