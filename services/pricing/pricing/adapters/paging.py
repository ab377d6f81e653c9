"""Keyset paging by `seq` (creation order): `page_token` is the opaque base64 of the last row's
seq, so rules created while a client pages neither repeat nor vanish."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chassis.errors import InvalidArgument
from sqlalchemy import Column, Connection, Select
from sqlalchemy.orm import Session

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class PageRequest:
    size: int
    after: int | None = None

    @classmethod
    def parse(cls, page_size: int, page_token: str) -> PageRequest:
        """page_size 0 = 50, at most 500; a token we did not issue is refused."""
        if page_size < 0:
            raise InvalidArgument("page_size", "must not be negative")
        size = min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        return cls(size, decode_token(page_token) if page_token else None)


@dataclass(frozen=True)
class Page:
    next_token: str


def encode_token(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")


def decode_token(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        if not text.startswith("seq:"):
            raise ValueError(text)
        return int(text[4:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidArgument("page_token", "is not a token from a previous page") from None


def seq_page(
    session: Session | Connection, query: Select[Any], seq: Column[Any], page: PageRequest
) -> tuple[Sequence[Any], Page]:
    """One page of `query` in seq order."""
    if page.after is not None:
        query = query.where(seq > page.after)
    rows = list(session.execute(query.order_by(seq).limit(page.size + 1)))
    if len(rows) <= page.size:
        return rows, Page("")
    rows = rows[: page.size]
    return rows, Page(encode_token(int(rows[-1].seq)))
