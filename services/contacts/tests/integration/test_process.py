"""`python -m contacts` as the platform runs it: configured by environment variables, it
migrates its database, serves gRPC and /readyz, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import grpc
from chassis.testing import NatsServer, free_port
from contacts.testing import WEB_FORM, eventually
from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import contacts_service_pb2_grpc as pb_grpc
from crm.contacts.v1 import resources_pb2 as res


def ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (a local test URL)
            return bool(response.status == 200)
    except OSError:
        return False


def test_the_process_starts_serves_and_stops(
    database_url: str, nats_server: NatsServer, tmp_path: Path
) -> None:
    grpc_port, http_port = free_port(), free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        NATS_URL=nats_server.url,
        GRPC_PORT=str(grpc_port),
        HTTP_PORT=str(http_port),
        VAR_DIR=str(tmp_path),
        LEAD_DEFAULT_OWNER_ID="u-malee",
        LEAD_DEFAULT_TEAM_ID="team-bkk",
        LOG_JSON="true",
    )
    log = (tmp_path / "contacts.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "contacts"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        eventually(lambda: ready(f"http://127.0.0.1:{http_port}/readyz"), timeout=60, what="/readyz")
        with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
            stub = pb_grpc.ContactsServiceStub(channel)
            lead = stub.CreateLead(
                pb.CreateLeadRequest(
                    lead=res.Lead(
                        source=res.LEAD_SOURCE_WEB_FORM, contact_name="คุณวิไล", email="wilai@example.co.th"
                    )
                ),
                metadata=WEB_FORM.to_metadata(),
                timeout=10,
            ).lead
        assert (lead.owner_id, lead.team_id) == ("u-malee", "team-bkk")  # the configured default owner
    finally:
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=30)
        log.close()
    assert returncode == 0, (tmp_path / "contacts.log").read_text()
