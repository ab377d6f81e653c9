"""Protobuf <-> REST JSON, in one place for every resource.

REST JSON (DESIGN §4) differs from protobuf's canonical JSON in three ways, applied here by
walking the message descriptor, never per view:
- enums are lower-case short names ("web_form" for LEAD_SOURCE_WEB_FORM; UNSPECIFIED is null);
- money is {"amount": "1234.50", "currency": "THB"} (crm.common.v1.Money);
- 64-bit integers are JSON numbers, and unset sub-messages are null rather than missing.
`message_schema` describes the same shape as JSON Schema for the OpenAPI document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from google.protobuf import json_format

# Descriptors are typed Any in the walkers: their stubs type every sub-descriptor as optional.
from google.protobuf.descriptor import EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message

M = TypeVar("M", bound=Message)

MONEY = "crm.common.v1.Money"
TIMESTAMP = "google.protobuf.Timestamp"
FIELD_MASK = "google.protobuf.FieldMask"
_INT64 = {
    FieldDescriptor.TYPE_INT64,
    FieldDescriptor.TYPE_UINT64,
    FieldDescriptor.TYPE_SINT64,
    FieldDescriptor.TYPE_FIXED64,
    FieldDescriptor.TYPE_SFIXED64,
}
_INTEGERS = _INT64 | {
    FieldDescriptor.TYPE_INT32,
    FieldDescriptor.TYPE_UINT32,
    FieldDescriptor.TYPE_SINT32,
    FieldDescriptor.TYPE_FIXED32,
    FieldDescriptor.TYPE_SFIXED32,
}
_NUMBERS = {FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT}


def enum_prefix(enum: EnumDescriptor) -> str:
    """LeadSource -> "LEAD_SOURCE_", the prefix buf style puts on every value."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", enum.name).upper() + "_"


def enum_short_name(enum: EnumDescriptor, full_name: str) -> str | None:
    prefix = enum_prefix(enum)
    short = full_name[len(prefix) :] if full_name.startswith(prefix) else full_name
    return None if short == "UNSPECIFIED" else short.lower()


def enum_short_names(enum: EnumDescriptor) -> list[str]:
    """The REST names of an enum's values, without UNSPECIFIED."""
    names = (enum_short_name(enum, value.name) for value in enum.values)
    return [name for name in names if name is not None]


def enum_full_name(enum: EnumDescriptor, short: str) -> str:
    """ "web_form" -> "LEAD_SOURCE_WEB_FORM"; raises ValueError for an unknown name."""
    candidate = enum_prefix(enum) + short.upper()
    if candidate in enum.values_by_name:
        return candidate
    if short.upper() in enum.values_by_name:
        return short.upper()
    raise ValueError(f"{short!r} is not one of {', '.join(enum_short_names(enum))}")


def to_json(message: Message) -> dict[str, Any]:
    """A message as REST JSON."""
    raw = json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    return _out_message(message.DESCRIPTOR, raw)


def _out_message(descriptor: Any, raw: Mapping[str, Any]) -> dict[str, Any]:
    if descriptor.full_name == MONEY:
        return {"amount": raw.get("amount", ""), "currency": raw.get("currency_code", "")}
    result: dict[str, Any] = {}
    for name, shape, convert in _out_plan(descriptor):
        if name not in raw:
            result[name] = [] if shape is not _SINGLE else None
            continue
        value = raw[name]
        if convert is None:
            result[name] = value
        elif shape is _MAP:
            result[name] = {k: convert(v) for k, v in value.items()}
        elif shape is _REPEATED:
            result[name] = [convert(item) for item in value]
        else:
            result[name] = convert(value)
    return result


_SINGLE, _REPEATED, _MAP = "single", "repeated", "map"
# Per message type: (field name, shape, converter or None) for each field, worked out once
# (descriptor lookups such as GetOptions() cost more than the conversion itself).
_OUT_PLANS: dict[Any, tuple[tuple[str, str, Callable[[Any], Any] | None], ...]] = {}


def _out_plan(descriptor: Any) -> tuple[tuple[str, str, Callable[[Any], Any] | None], ...]:
    plan = _OUT_PLANS.get(descriptor)
    if plan is None:
        steps = []
        for field in descriptor.fields:
            if field.message_type is not None and field.message_type.GetOptions().map_entry:
                value_field = field.message_type.fields_by_name["value"]
                steps.append((field.name, _MAP, _out_converter(value_field)))
            else:
                shape = _REPEATED if _is_repeated(field) else _SINGLE
                steps.append((field.name, shape, _out_converter(field)))
        plan = _OUT_PLANS.setdefault(descriptor, tuple(steps))
    return plan


def _out_converter(field: Any) -> Callable[[Any], Any] | None:
    """How a field's JSON value becomes REST JSON: enum short names, nested messages, int64
    strings as numbers (None: the value as it is)."""
    if field.type == FieldDescriptor.TYPE_ENUM:
        enum = field.enum_type
        return lambda value: enum_short_name(enum, value) if isinstance(value, str) else value
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        if field.message_type.full_name in (TIMESTAMP, FIELD_MASK):
            return None
        message_type = field.message_type
        return lambda value: _out_message(message_type, value)
    if field.type in _INT64:
        return int
    return None


def from_json(data: Mapping[str, Any], message_class: type[M]) -> M:
    """REST JSON (already validated for shape) as a message; unknown fields are an error."""
    message = message_class()
    json_format.ParseDict(_in_message(message.DESCRIPTOR, data), message, ignore_unknown_fields=False)
    return message


def _in_message(descriptor: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    if descriptor.full_name == MONEY:
        return {"amount": str(data.get("amount", "")), "currency_code": data.get("currency", "")}
    result: dict[str, Any] = {}
    for name, value in data.items():
        field = descriptor.fields_by_name.get(name)
        if field is None or value is None:
            if field is None:
                result[name] = value  # ParseDict reports it as an unknown field
            continue
        if _is_repeated(field) and not (field.message_type and field.message_type.GetOptions().map_entry):
            result[name] = [_in_value(field, item) for item in value]
        else:
            result[name] = _in_value(field, value)
    return result


def _in_value(field: Any, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM and isinstance(value, str):
        return enum_full_name(field.enum_type, value)
    if field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type.full_name not in (
        TIMESTAMP,
        FIELD_MASK,
    ):
        if field.message_type.GetOptions().map_entry:
            return value
        return _in_message(field.message_type, value)
    return value


def _is_repeated(field: Any) -> bool:
    return (
        bool(field.is_repeated)
        if hasattr(field, "is_repeated")
        else field.label == FieldDescriptor.LABEL_REPEATED
    )


def schema_name(descriptor: Any) -> str:
    """Component name of a message in the OpenAPI document (package without "crm." and "v1")."""
    parts = [p for p in descriptor.full_name.split(".") if p not in ("crm", "v1")]
    return ".".join(parts)


def message_schema(descriptor: Any, components: dict[str, Any]) -> dict[str, Any]:
    """A $ref to the JSON Schema of a message's REST JSON, adding components as needed."""
    name = schema_name(descriptor)
    if name not in components:
        components[name] = {}  # placeholder first: messages may refer to themselves
        components[name] = _build_schema(descriptor, components)
    return {"$ref": f"#/components/schemas/{name}"}


def _build_schema(descriptor: Any, components: dict[str, Any]) -> dict[str, Any]:
    if descriptor.full_name == MONEY:
        return {
            "type": "object",
            "properties": {
                "amount": {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "examples": ["1234.50"]},
                "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "examples": ["THB"]},
            },
            "required": ["amount", "currency"],
        }
    properties = {}
    for field in descriptor.fields:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value_field = field.message_type.fields_by_name["value"]
            properties[field.name] = {
                "type": "object",
                "additionalProperties": _field_schema(value_field, components),
            }
        elif _is_repeated(field):
            properties[field.name] = {"type": "array", "items": _field_schema(field, components)}
        else:
            properties[field.name] = _field_schema(field, components)
    return {"type": "object", "properties": properties}


def _field_schema(field: Any, components: dict[str, Any]) -> dict[str, Any]:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return {"type": ["string", "null"], "enum": [*enum_short_names(field.enum_type), None]}
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        full_name = field.message_type.full_name
        if full_name == TIMESTAMP:
            return {"type": ["string", "null"], "format": "date-time"}
        if full_name == FIELD_MASK:
            return {"type": "string"}
        return {"anyOf": [message_schema(field.message_type, components), {"type": "null"}]}
    if field.type in _INTEGERS:
        return {"type": "integer"}
    if field.type in _NUMBERS:
        return {"type": "number"}
    if field.type == FieldDescriptor.TYPE_BOOL:
        return {"type": "boolean"}
    if field.type == FieldDescriptor.TYPE_BYTES:
        return {"type": "string", "contentEncoding": "base64"}
    return {"type": "string"}
