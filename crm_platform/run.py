"""`make run`: the platform on this machine with demo data. Ctrl-C stops everything; data
stays under var/ so the next run starts where this one ended."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

from crm_platform.demo_data import DemoLoader
from crm_platform.processes import ROOT, Platform, Ports, present_services


def main() -> None:
    var_dir = ROOT / "var"
    platform = Platform(var_dir=var_dir, ports=Ports.choose(preferred=True), echo_output=True)
    stopping = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        platform.start()
        marker = var_dir / "demo-loaded.json"
        if not marker.exists():
            print("loading demo data through the API ...", flush=True)
            loaded = DemoLoader(platform.gateway_url, platform.admin_email, platform.admin_password).load()
            marker.write_text(json.dumps(loaded, ensure_ascii=False, indent=2))
        _print_banner(platform, json.loads(marker.read_text()))
        stopping.wait()
    finally:
        print("\nstopping ...", flush=True)
        platform.stop()


def _print_banner(platform: Platform, demo: dict[str, object]) -> None:
    url = platform.gateway_url
    users = demo.get("users")
    logins = ", ".join(str(u) for u in users) if isinstance(users, list) else ""
    lines = [
        "",
        "CRM platform is running",
        f"  REST API      {url}/api/v1",
        f"  API docs      {url}/api/docs   (OpenAPI: {url}/api/v1/openapi.json)",
        f"  gateway ops   {url}/metrics  {url}/healthz  {url}/readyz",
        *(
            f"  {e.name:<13} gRPC 127.0.0.1:{platform.ports.grpc[e.name]}  "
            f"(metrics http://127.0.0.1:{platform.ports.http[e.name]}/metrics)"
            for e in present_services()
        ),
        f"  NATS          {platform.nats_url}   data: {Path(platform.var_dir).relative_to(ROOT)}/",
        f"  mail          SMTP 127.0.0.1:{platform.ports.smtp}   mail: "
        f"{platform.mail_dir.relative_to(ROOT)}/  (one .eml file per message)",
        f"  admin login   {platform.admin_email} / {platform.admin_password}",
        f"  demo logins   {logins} / {demo.get('password')}",
        "  try: curl -s -X POST "
        f"{url}/api/v1/auth/token -H 'Content-Type: application/json' "
        f'-d \'{{"grant_type":"password","username":"{platform.admin_email}",'
        f'"password":"{platform.admin_password}"}}\'',
        "Ctrl-C stops everything.",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
