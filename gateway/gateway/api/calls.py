"""Small pieces every contacts view uses: the stub, a body as message fields, the update
mask of a PATCH, and the version ETag of a reply."""

from __future__ import annotations

from typing import Any

from google.protobuf import field_mask_pb2
from pydantic import BaseModel

from gateway.context import services

NOT_FIELDS = {"expected_version"}


def contacts() -> Any:
    """The crm.contacts.v1.ContactsService stub of this app."""
    return services().contacts


def fields(body: BaseModel) -> dict[str, Any]:
    """The fields the client sent, without request-only keys (for building a message)."""
    return body.model_dump(exclude_none=True, exclude=NOT_FIELDS, mode="json")


def update_mask(body: BaseModel) -> field_mask_pb2.FieldMask:
    """PATCH semantics: exactly the top-level fields present in the body change."""
    sent = body.model_dump(exclude_unset=True, exclude=NOT_FIELDS)
    return field_mask_pb2.FieldMask(paths=sorted(sent))


def changes(body: BaseModel) -> dict[str, Any]:
    """The fields a PATCH sent, with null kept out (protobuf has no null; "" clears a string)."""
    sent = body.model_dump(exclude_unset=True, exclude=NOT_FIELDS, mode="json")
    return {name: value for name, value in sent.items() if value is not None}


def version_etag(message: Any) -> dict[str, str]:
    """ETag of a resource carrying crm.common.v1.AuditInfo (or a version field)."""
    audit = getattr(message, "audit", None)
    version = audit.version if audit is not None else getattr(message, "version", 0)
    return {"ETag": f'"{version}"'} if version else {}
