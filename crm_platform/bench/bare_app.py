"""The HTTP baseline: a bare Flask app with one small JSON endpoint, served by gunicorn with
the gateway's own gunicorn.conf.py, so the HTTP section compares the gateway's request path
(auth, gRPC, database, translation) against Flask + gunicorn alone."""

from __future__ import annotations

from flask import Flask, Response, jsonify

app = Flask(__name__)


@app.get("/bare/<item_id>")
def bare_item(item_id: str) -> Response:
    return jsonify(id=item_id, name="Benchmark Co., Ltd.", kind="juristic", version=1)


@app.get("/readyz")
def ready() -> Response:
    return jsonify(status="ok")
