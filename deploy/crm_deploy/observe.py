"""`make observe`: a local Prometheus (Debian's package) that scrapes the processes of
`make run` on their default ports (crm_platform.processes.SERVICE_ENTRIES: the gateway on 8080,
each present service's ops port 9461...) with the platform's alert rules loaded, so the alerts
and the PromQL of the dashboards can be tried on a laptop. Jobs are named like the chart's
ServiceMonitors name them (the workload's name). Ctrl-C stops it; data stays under var/observe.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from crm_platform.processes import SERVICE_ENTRIES, pick_port

ROOT = Path(__file__).resolve().parent.parent.parent
RULES = ROOT / "deploy" / "helm" / "crm" / "rules" / "crm-alerts.yaml"
GATEWAY_PORT = 8080


def scrape_config() -> dict[str, Any]:
    """The Prometheus configuration (JSON is YAML): one job per process of `make run`."""
    jobs: list[dict[str, Any]] = [
        {"job_name": "gateway", "static_configs": [{"targets": [f"127.0.0.1:{GATEWAY_PORT}"]}]}
    ]
    jobs += [
        {"job_name": entry.name, "static_configs": [{"targets": [f"127.0.0.1:{entry.http_port}"]}]}
        for entry in SERVICE_ENTRIES
        if entry.present()
    ]
    return {
        "global": {"scrape_interval": "5s", "evaluation_interval": "5s"},
        "rule_files": [str(RULES)],
        "scrape_configs": jobs,
    }


def write_config(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "prometheus.yml"
    path.write_text(json.dumps(scrape_config(), indent=2) + "\n")
    return path


def main() -> int:
    """Writes the config, checks it with promtool, runs prometheus in the foreground."""
    directory = ROOT / "var" / "observe"
    config = write_config(directory)
    prometheus = shutil.which("prometheus")
    if prometheus is None:
        print("prometheus is not installed (Debian package `prometheus`)", file=sys.stderr)
        return 1
    subprocess.run(["promtool", "check", "config", str(config)], check=True)
    port = pick_port(9090)
    print(f"Prometheus: http://127.0.0.1:{port} (alerts: http://127.0.0.1:{port}/alerts)", flush=True)
    print("scraping: " + ", ".join(job["job_name"] for job in scrape_config()["scrape_configs"]), flush=True)
    process = subprocess.Popen(
        [
            prometheus,
            f"--config.file={config}",
            f"--storage.tsdb.path={directory / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ]
    )
    signal.signal(signal.SIGTERM, lambda *_: process.terminate())
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait()


if __name__ == "__main__":
    raise SystemExit(main())
