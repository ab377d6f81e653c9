"""gunicorn settings for the gateway: `gunicorn -c gateway/gunicorn.conf.py gateway.wsgi:app`.

Values come from GatewaySettings (HTTP_HOST, HTTP_PORT, GUNICORN_WORKERS, ...). The master
runs the migrations once before forking (never one per worker), and with several workers
Prometheus metrics are kept per process in a shared folder so /metrics adds them up.
"""

import os
import shutil

from gateway.settings import GatewaySettings

_settings = GatewaySettings()
_metrics_dir = _settings.var_dir.resolve() / "prometheus-gateway"
if _settings.gunicorn_workers > 1 and not _settings.prometheus_multiproc_dir:
    # Must be set before any worker imports prometheus_client.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_dir)

bind = f"{_settings.http_host}:{_settings.http_port}"
workers = _settings.gunicorn_workers
worker_class = "gthread"
threads = 4
# CSV imports stream for up to GRPC_IMPORT_TIMEOUT_SECONDS.
timeout = int(_settings.grpc_import_timeout_seconds) + 30
graceful_timeout = int(_settings.shutdown_grace_seconds) + 5
errorlog = "-"
loglevel = _settings.log_level.lower()
proc_name = "crm-gateway"
# gunicorn >= 25 opens a control socket, by default $HOME/.gunicorn/gunicorn.ctl, which every
# gunicorn of the user on the machine would share; keep ours under VAR_DIR (Unix socket paths
# are limited to ~100 bytes: too deep a VAR_DIR turns the socket off).
_control_socket = _settings.var_dir.resolve() / "gunicorn.ctl"
control_socket = str(_control_socket)
control_socket_disable = len(str(_control_socket).encode()) > 100


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)
    if _settings.migrate_on_start:
        from gateway.cli import run_migrations

        run_migrations(_settings)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def worker_exit(server, worker):
    from gateway.app import shutdown_app
    from gateway.context import EXTENSION

    # Only the gateway app has something to close (the bench serves a bare Flask app with
    # this same file).
    app = getattr(worker, "wsgi", None)
    extensions = getattr(app, "extensions", None)
    if app is not None and isinstance(extensions, dict) and EXTENSION in extensions:
        shutdown_app(app)
