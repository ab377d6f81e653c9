"""POST /api/v1/imports/{leads|customers}: a CSV file (text/csv body, or multipart field
`file`) imported by the contacts service, with its progress streamed back as NDJSON, one
JSON object per line, the last with "done": true.

The first progress message is awaited before the response starts, so a refused import
(bad header row, no permission) is an ordinary problem response; a failure later in the
stream can only be reported in-band, as a last line {"problem": {...}}.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import grpc
from chassis.errors import FieldViolation
from crm.contacts.v1 import contacts_service_pb2 as pb
from flask import Response, request, stream_with_context

from gateway.api.calls import contacts
from gateway.api.models import ImportQuery
from gateway.context import services
from gateway.problems import ProblemError, from_rpc_error, validation_problem
from gateway.routing import ApiBlueprint
from gateway.translate import to_json

api = ApiBlueprint("imports", __name__, tag="imports")

KINDS = {"leads": pb.IMPORT_KIND_LEADS, "customers": pb.IMPORT_KIND_CUSTOMERS}
CSV_TYPES = {"text/csv", "application/csv", "text/plain", "application/octet-stream"}
NDJSON = "application/x-ndjson"


def _upload() -> bytes:
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise validation_problem([FieldViolation("file", "attach the CSV file as the form field `file`")])
        content = bytes(upload.read())
    elif request.mimetype in CSV_TYPES:
        content = request.get_data()
    else:
        raise ProblemError(
            415,
            "send the CSV as text/csv or as multipart/form-data with a field `file`",
            slug="unsupported-media-type",
        )
    limit = services().settings.import_max_bytes
    if len(content) > limit:
        raise ProblemError(
            413,
            f"the file has {len(content)} bytes; at most {limit} are accepted per import",
            slug="file-too-large",
        )
    if not content.strip():
        raise validation_problem([FieldViolation("file", "is empty")])
    return content


@api.route(
    "POST",
    "/imports/<kind>",
    summary="Import leads or customers from CSV (progress as NDJSON)",
    query=ImportQuery,
    response=pb.ImportCsvResponse,
    request_media=("text/csv", "multipart/form-data"),
    response_media=NDJSON,
)
def import_csv(kind: str, query: ImportQuery) -> Response:
    """`kind` is `leads` or `customers`. Re-sending the same file imports nothing twice."""
    if kind not in KINDS:
        raise ProblemError(404, f"there is no import of {kind!r}; use leads or customers", slug="not-found")
    call = pb.ImportCsvRequest(
        kind=KINDS[kind], content=_upload(), batch_size=query.batch_size, validate_only=query.validate_only
    )
    stream = contacts().ImportCsv(call, timeout=services().settings.grpc_import_timeout_seconds)
    first = next(iter(stream), None)
    return Response(
        stream_with_context(_lines(first, stream)),
        mimetype=NDJSON,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _lines(first: pb.ImportCsvResponse | None, rest: Any) -> Iterator[str]:
    if first is None:
        return
    yield _line(to_json(first))
    try:
        for progress in rest:
            yield _line(to_json(progress))
    except grpc.RpcError as error:
        yield _line({"problem": from_rpc_error(error).body()})


def _line(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False) + "\n"
