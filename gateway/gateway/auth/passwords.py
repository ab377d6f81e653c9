"""Argon2id password hashing (argon2-cffi). Parameters come from settings and must stay at
or above OWASP's minimum (m=19 MiB, t=2, p=1); hashes made with other parameters are
re-hashed at the next successful login."""

from __future__ import annotations

from dataclasses import dataclass, field

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


@dataclass(frozen=True)
class Verification:
    ok: bool
    # The new hash to store when the stored one used outdated parameters.
    new_hash: str | None = None


@dataclass
class PasswordHashing:
    time_cost: int
    memory_kib: int
    parallelism: int
    _hasher: PasswordHasher = field(init=False, repr=False)
    _dummy_hash: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.time_cost < 2 or self.memory_kib < 19 * 1024 or self.parallelism < 1:
            raise ValueError("argon2id parameters below m=19 MiB, t=2, p=1 are not allowed")
        self._hasher = PasswordHasher(
            time_cost=self.time_cost, memory_cost=self.memory_kib, parallelism=self.parallelism, type=Type.ID
        )
        # Verifying against this when the user does not exist keeps login timing uniform.
        self._dummy_hash = self._hasher.hash("not-a-password-of-anyone")

    def hash(self, password: str) -> str:
        return str(self._hasher.hash(password))

    def verify(self, stored_hash: str | None, password: str) -> Verification:
        """Checks a password; `new_hash` is set when the stored hash should be replaced."""
        try:
            self._hasher.verify(stored_hash or self._dummy_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return Verification(ok=False)
        if stored_hash is None:
            return Verification(ok=False)
        if self._hasher.check_needs_rehash(stored_hash):
            return Verification(ok=True, new_hash=self.hash(password))
        return Verification(ok=True)
