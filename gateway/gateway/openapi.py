"""The OpenAPI 3.1 document, generated from the route registry (gateway.routing): pydantic
models give request and query schemas (`model_json_schema()`), protobuf descriptors give
response schemas in their REST JSON shape (gateway.translate). Served at
/api/v1/openapi.json; /api/docs renders it as a plain HTML page (no CDN assets: the
gateway may run without internet access)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Any

from flask import Blueprint, Response
from google.protobuf.message import Message
from pydantic import BaseModel

from gateway.routing import OPERATIONS, Operation, ResponseModel
from gateway.translate import message_schema

blueprint = Blueprint("openapi", __name__)
_PATH_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string", "description": "The gRPC status code name, when a service refused."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "reason": {"type": "string"}},
                "required": ["field", "reason"],
            },
        },
    },
    "required": ["type", "title", "status"],
}


def build_spec(
    operations: Sequence[Operation] = OPERATIONS, *, title: str = "CRM platform API", version: str = "1.0.0"
) -> dict[str, Any]:
    components: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for operation in operations:
        path = _PATH_PARAM.sub(r"{\1}", operation.rule)
        paths.setdefault(path, {})[operation.method.lower()] = _operation(operation, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "REST API of the CRM platform. Errors are application/problem+json (RFC 9457).",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": tag} for tag in dict.fromkeys(op.tag for op in operations)],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


def _operation(operation: Operation, components: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "operationId": operation.endpoint.split(".")[-1],
        "summary": operation.summary,
        "tags": [operation.tag],
        "parameters": _parameters(operation, components),
        "responses": _responses(operation, components),
    }
    if operation.description:
        result["description"] = operation.description
    if operation.public:
        result["security"] = []
    body = _request_body(operation, components)
    if body is not None:
        result["requestBody"] = body
    return result


def _parameters(operation: Operation, components: dict[str, Any]) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PATH_PARAM.findall(operation.rule)
    ]
    if operation.query is not None:
        schema = _model_schema(operation.query, components, inline=True)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
            if "description" in prop:
                parameter["description"] = prop["description"]
            parameters.append(parameter)
    if operation.idempotent:
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "Retries with the same key and body return the first response.",
                "schema": {"type": "string", "maxLength": 255},
            }
        )
    parameters.extend(
        {"name": header, "in": "header", "required": False, "schema": {"type": "string"}}
        for header in operation.headers
    )
    return parameters


def _request_body(operation: Operation, components: dict[str, Any]) -> dict[str, Any] | None:
    content: dict[str, Any] = {}
    if operation.body is not None:
        content["application/json"] = {"schema": _model_schema(operation.body, components)}
    for media in operation.request_media:
        if media == "multipart/form-data":
            content[media] = {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "contentMediaType": "text/csv"}},
                    "required": ["file"],
                }
            }
        else:
            content[media] = {"schema": {"type": "string"}}
    return {"required": True, "content": content} if content else None


def _responses(operation: Operation, components: dict[str, Any]) -> dict[str, Any]:
    problem = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    success: dict[str, Any] = {"description": operation.summary}
    schema = _response_schema(operation.response, components)
    if schema is not None and operation.status != 204:
        success["content"] = {operation.response_media: {"schema": schema}}
    responses: dict[str, Any] = {str(operation.status): success}
    if not operation.public:
        responses["401"] = {"description": "Missing, expired or invalid bearer token", **problem}
    responses["422"] = {"description": "Invalid request; `errors` names the fields", **problem}
    responses["default"] = {"description": "Problem details", **problem}
    return responses


def _response_schema(response: ResponseModel, components: dict[str, Any]) -> dict[str, Any] | None:
    if response is None:
        return None
    if isinstance(response, type) and issubclass(response, Message):
        return message_schema(response.DESCRIPTOR, components)
    return _model_schema(response, components, mode="serialization")


def _model_schema(
    model: type[BaseModel], components: dict[str, Any], *, inline: bool = False, mode: str = "validation"
) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)  # type: ignore[arg-type]
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    if inline:
        return schema
    components.setdefault(model.__name__, schema)
    return {"$ref": f"#/components/schemas/{model.__name__}"}


@blueprint.get("/api/v1/openapi.json")
def spec() -> Response:
    return Response(json.dumps(build_spec(), ensure_ascii=False), content_type="application/json")


@blueprint.get("/api/docs")
def docs() -> Response:
    return Response(render_docs(build_spec()), content_type="text/html; charset=utf-8")


def render_docs(document: dict[str, Any]) -> str:
    """A readable page of every operation, grouped by tag, with its parameters and schemas."""
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(document['info']['title'])}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}"
        "code,pre{background:#f4f4f4}pre{padding:.5rem;overflow:auto}"
        ".op{border-top:1px solid #ddd;padding:.5rem 0}"
        ".m{display:inline-block;min-width:4.5rem;font-weight:bold}</style></head><body>",
        f"<h1>{esc(document['info']['title'])}</h1><p>{esc(document['info']['description'])}</p>",
        "<p>Machine-readable: <a href='/api/v1/openapi.json'>/api/v1/openapi.json</a> (OpenAPI 3.1). "
        "Authenticate with <code>POST /api/v1/auth/token</code>, then send "
        "<code>Authorization: Bearer &lt;access_token&gt;</code>.</p>",
    ]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            by_tag.setdefault(op["tags"][0], []).append((method, path, op))
    for tag, ops in by_tag.items():
        parts.append(f"<h2>{esc(tag)}</h2>")
        for method, path, op in ops:
            auth = " (public)" if op.get("security") == [] else ""
            parts.append(
                f"<div class='op' id='{esc(op['operationId'])}'><span class='m'>{method.upper()}</span>"
                f"<code>{esc(path)}</code> — {esc(op['summary'])}{auth}"
            )
            if op.get("description"):
                parts.append(f"<p>{esc(op['description'])}</p>")
            params = [
                f"<code>{esc(p['name'])}</code> ({p['in']}{', required' if p['required'] else ''})"
                for p in op["parameters"]
            ]
            if params:
                parts.append("<p>Parameters: " + ", ".join(params) + "</p>")
            for media, item in op.get("requestBody", {}).get("content", {}).items():
                parts.append(f"<p>Body ({esc(media)}): {esc(_schema_label(item['schema']))}</p>")
            for status, response in op["responses"].items():
                for media, item in response.get("content", {}).items():
                    if status != "default" and not status.startswith("4"):
                        parts.append(f"<p>{status} ({esc(media)}): {esc(_schema_label(item['schema']))}</p>")
            parts.append("</div>")
    parts.append("<h2>Schemas</h2>")
    for name, schema in document["components"]["schemas"].items():
        parts.append(
            f"<details id='schema-{esc(name)}'><summary><code>{esc(name)}</code></summary>"
            f"<pre>{esc(json.dumps(schema, indent=2, ensure_ascii=False))}</pre></details>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def _schema_label(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else json.dumps(schema)
