"""A small persistent (copy-on-write) map for the rule book.

A rule change must produce a new rule book while evaluations on other threads keep reading the old
one, and it must not copy 100,000 price-list items to change one. The map is split into a fixed
number of shards (plain dicts); a change copies only the shards it touches and shares the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

DEFAULT_SHARDS = 64


class PersistentMap(Generic[K, V]):
    """An immutable mapping; `evolve` returns a new map sharing the untouched shards."""

    __slots__ = ("_length", "_mask", "_shards")

    def __init__(self, shards: tuple[dict[K, V], ...], length: int) -> None:
        self._shards = shards
        self._mask = len(shards) - 1
        self._length = length

    @classmethod
    def of(cls, pairs: Iterable[tuple[K, V]], shards: int = DEFAULT_SHARDS) -> PersistentMap[K, V]:
        """Builds a map from pairs (a later pair for the same key wins); `shards` is a power of 2."""
        if shards < 1 or shards & (shards - 1):
            raise ValueError("shards must be a power of two")
        parts: list[dict[K, V]] = [{} for _ in range(shards)]
        mask = shards - 1
        for key, value in pairs:
            parts[hash(key) & mask][key] = value
        return cls(tuple(parts), sum(len(p) for p in parts))

    def get(self, key: K, default: V | None = None) -> V | None:
        return self._shards[hash(key) & self._mask].get(key, default)

    def __getitem__(self, key: K) -> V:
        return self._shards[hash(key) & self._mask][key]

    def __contains__(self, key: object) -> bool:
        return key in self._shards[hash(key) & self._mask]

    def __len__(self) -> int:
        return self._length

    def keys(self) -> Iterator[K]:
        for shard in self._shards:
            yield from shard

    def values(self) -> Iterator[V]:
        for shard in self._shards:
            yield from shard.values()

    def items(self) -> Iterator[tuple[K, V]]:
        for shard in self._shards:
            yield from shard.items()

    def evolve(self, sets: Mapping[K, V], deletes: Iterable[K] = ()) -> PersistentMap[K, V]:
        """A new map with `sets` written and `deletes` removed (missing keys are ignored); only the
        touched shards are copied, so the cost follows the size of the change."""
        copies: dict[int, dict[K, V]] = {}
        length = self._length
        mask = self._mask
        for key in deletes:
            index = hash(key) & mask
            shard = copies.get(index)
            if shard is None:
                if key not in self._shards[index]:
                    continue
                shard = copies[index] = dict(self._shards[index])
            if key in shard:
                del shard[key]
                length -= 1
        for key, value in sets.items():
            index = hash(key) & mask
            shard = copies.get(index)
            if shard is None:
                shard = copies[index] = dict(self._shards[index])
            if key not in shard:
                length += 1
            shard[key] = value
        if not copies:
            return self
        shards = list(self._shards)
        for index, shard in copies.items():
            shards[index] = shard
        return PersistentMap(tuple(shards), length)
