"""The route registry: every REST operation is declared once with its method, path, summary,
request and response models; the same declaration parses requests and writes the OpenAPI
document (gateway.openapi), so the spec cannot drift from the code.

A view receives its path parameters plus `body` and/or `query` as validated pydantic models
and returns a Flask response (see `json_response`). Declaring `idempotent=True` gives the
operation Idempotency-Key handling (gateway.idempotency).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from chassis.errors import FieldViolation
from flask import Blueprint, Response, g, request
from google.protobuf.message import Message
from pydantic import BaseModel, ValidationError

from gateway.problems import ProblemError, from_validation_error, validation_problem
from gateway.translate import to_json

# A response is described by a pydantic model or a protobuf message class (REST JSON of it).
ResponseModel = type[BaseModel] | type[Message] | None
View = Callable[..., Response]
T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: ResponseModel = None
    status: int = 200
    public: bool = False
    idempotent: bool = False
    # Request media types other than JSON (CSV uploads) and streamed responses (NDJSON).
    request_media: tuple[str, ...] = ()
    response_media: str = "application/json"
    headers: tuple[str, ...] = ()
    description: str = ""


OPERATIONS: list[Operation] = []


@dataclass
class ApiBlueprint:
    """A Flask blueprint whose routes are also recorded in the registry."""

    name: str
    import_name: str
    tag: str
    url_prefix: str = "/api/v1"
    blueprint: Blueprint = field(init=False)

    def __post_init__(self) -> None:
        self.blueprint = Blueprint(self.name, self.import_name, url_prefix=self.url_prefix)

    def route(
        self,
        method: str,
        rule: str,
        *,
        summary: str,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: ResponseModel = None,
        status: int = 200,
        public: bool = False,
        idempotent: bool = False,
        body_field: str | None = None,
        form: bool = False,
        request_media: tuple[str, ...] = (),
        response_media: str = "application/json",
        headers: tuple[str, ...] = (),
        description: str = "",
    ) -> Callable[[View], View]:
        """Registers `view` for `method rule`. `body_field` names the request message field
        that holds the body, so service field errors ("lead.email") read as REST ("email")."""

        def decorator(view: View) -> View:
            @functools.wraps(view)
            def endpoint(**path_params: Any) -> Response:
                g.body_field = body_field

                def run() -> Response:
                    kwargs: dict[str, Any] = dict(path_params)
                    if query is not None:
                        kwargs["query"] = parse_query(query)
                    if body is not None:
                        kwargs["body"] = parse_body(body, allow_form=form)
                    return view(**kwargs)

                if idempotent:
                    from gateway.idempotency import run_idempotent

                    return run_idempotent(run)
                return run()

            self.blueprint.add_url_rule(rule, view.__name__, endpoint, methods=[method])
            OPERATIONS.append(
                Operation(
                    method=method.upper(),
                    rule=self.url_prefix + rule,
                    endpoint=f"{self.name}.{view.__name__}",
                    summary=summary,
                    tag=self.tag,
                    body=body,
                    query=query,
                    response=response,
                    status=status,
                    public=public,
                    idempotent=idempotent,
                    request_media=request_media,
                    response_media=response_media,
                    headers=headers,
                    description=description or (view.__doc__ or "").strip(),
                )
            )
            return endpoint

        return decorator


def public_endpoints() -> set[str]:
    return {operation.endpoint for operation in OPERATIONS if operation.public}


def parse_body(model: type[T], *, allow_form: bool = False) -> T:
    """The JSON body as `model`; malformed JSON is 400, a wrong shape 422 naming fields.
    `allow_form` also takes application/x-www-form-urlencoded (OAuth 2 clients send that)."""
    if allow_form and request.mimetype == "application/x-www-form-urlencoded":
        try:
            return model.model_validate(request.form.to_dict())
        except ValidationError as error:
            raise from_validation_error(error) from None
    if not request.is_json:
        raise ProblemError(415, "send the body as application/json", slug="unsupported-media-type")
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw or b"null")
    except ValueError as error:
        raise ProblemError(400, f"the body is not valid JSON: {error}", slug="malformed-json") from None
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as error:
        raise from_validation_error(error) from None


def parse_query(model: type[T]) -> T:
    """Query parameters as `model`; list fields take repeated parameters (?status=a&status=b)."""
    data: dict[str, Any] = {}
    for name in request.args:
        values = request.args.getlist(name)
        info = model.model_fields.get(name)
        is_list = info is not None and getattr(info.annotation, "__origin__", None) is list
        data[name] = values if is_list else values[-1]
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise from_validation_error(error) from None


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response; protobuf messages and pydantic models are translated to REST JSON."""
    if isinstance(payload, Message):
        payload = to_json(payload)
    elif isinstance(payload, BaseModel):
        payload = payload.model_dump(mode="json")
    response = Response(
        json.dumps(payload, ensure_ascii=False), status=status, content_type="application/json"
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def no_content() -> Response:
    return Response(status=204)


def expected_version(from_body: int | None = None) -> int | None:
    """Optimistic concurrency: `If-Match: "7"` (the ETag of a GET) or `expected_version`."""
    header = request.headers.get("If-Match")
    if header and header.strip() != "*":
        text = header.strip().removeprefix("W/").strip('"')
        if not text.isdigit():
            raise validation_problem([FieldViolation("If-Match", 'must be a version ETag such as "3"')])
        return int(text)
    return from_body


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}
