"""`python -m crm_platform.mail_sink --port 1025 --folder var/mail`: the local SMTP server of
`make run` (aiosmtpd). Every message the services send is saved as <folder>/<time>-<n>.eml
(open it with any mail program) and logged in one line. Nothing is relayed anywhere."""

from __future__ import annotations

import argparse
import email
import email.policy
import signal
import threading
from pathlib import Path
from types import FrameType

from chassis.mail.testing import SmtpSink


def _log(path: Path) -> None:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    print(f"mail to {message['To']}: {message['Subject']} -> {path}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--folder", type=Path, default=Path("var/mail"))
    args = parser.parse_args()
    sink = SmtpSink(args.port, args.folder, on_message=_log)
    stopping = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sink.start()
    print(f"mail sink: SMTP 127.0.0.1:{sink.port}, saving to {args.folder}/", flush=True)
    stopping.wait()
    sink.stop()


if __name__ == "__main__":
    main()
