"""Update masks (google.protobuf.FieldMask semantics, AIP-134): the masked fields of the
request overlay the current record, then the whole result is validated again, so an update
can never store what a create would refuse.

Without a mask every field the request populated (non-empty) is taken.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from typing import Any, TypeVar

from contacts.domain.validation import Fields

F = TypeVar("F")


def _is_populated(value: Any) -> bool:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value != type(value)()
    return bool(value)


def overlay(
    current: F,
    given: F,
    paths: Sequence[str],
    allowed: frozenset[str],
    fields: Fields,
    *,
    mask_field: str = "update_mask",
) -> F:
    """A copy of the `current` form with the fields named in `paths` taken from `given`.
    `allowed` lists top-level names and dotted sub-fields ("sales_conditions.credit_limit");
    a path outside it is a violation of `mask_field`."""
    if not paths:
        top_level = sorted(name for name in allowed if "." not in name)
        paths = [name for name in top_level if _is_populated(getattr(given, name))]
    result = copy.deepcopy(current)
    for index, path in enumerate(paths):
        if path not in allowed:
            fields.add(f"{mask_field}.paths[{index}]", f"{path!r} cannot be updated")
            continue
        *parents, leaf = path.split(".")
        source: Any = given
        target: Any = result
        for name in parents:
            source = getattr(source, name)
            target = getattr(target, name)
        setattr(target, leaf, copy.deepcopy(getattr(source, leaf)))
    return result
