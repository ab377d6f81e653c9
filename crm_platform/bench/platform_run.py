"""The platform (nats-server, contacts, gateway) as real processes on free 127.0.0.1 ports,
with its data and logs in a temp dir, for the gRPC and HTTP sections."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crm_platform.processes import Platform, Ports


@contextmanager
def running_platform() -> Iterator[Platform]:
    """Started platform; stopped and its temp dir removed when the block ends."""
    with tempfile.TemporaryDirectory(prefix="crm-bench-platform-") as tmp:
        platform = Platform(var_dir=Path(tmp) / "var", ports=Ports.choose(preferred=False))
        try:
            platform.start()
            yield platform
        finally:
            platform.stop()
