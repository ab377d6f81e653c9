"""CPU time used by a process group (a platform process and its children, e.g. gunicorn's
master and workers), from /proc, so a section can say how many milliseconds of server CPU
one request costs. Linux only; elsewhere the figures are left out."""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def group_cpu_seconds(pgid: int) -> float | None:
    """User + system CPU seconds of every live process in group `pgid`, or None off Linux."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    total = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (field 2) may hold spaces; the fields after it are fixed.
        fields = stat.rpartition(")")[2].split()
        if int(fields[2]) == pgid:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


class CpuMeter:
    """CPU seconds spent by some process groups between `start()` and `stop()`."""

    def __init__(self, groups: dict[str, int]) -> None:
        self._groups = groups
        self._before: dict[str, float | None] = {}
        self.used: dict[str, float] = {}

    def start(self) -> None:
        self._before = {name: group_cpu_seconds(pgid) for name, pgid in self._groups.items()}

    def stop(self) -> None:
        for name, pgid in self._groups.items():
            before, after = self._before.get(name), group_cpu_seconds(pgid)
            if before is not None and after is not None:
                self.used[name] = after - before

    def per_request(self, requests: int) -> str:
        """'contacts 1.20 ms, gateway 2.10 ms' of CPU per request, or '' when unknown."""
        if not requests or not self.used:
            return ""
        return ", ".join(f"{name} {seconds / requests * 1000:.2f} ms" for name, seconds in self.used.items())
