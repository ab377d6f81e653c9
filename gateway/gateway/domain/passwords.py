"""The password policy (NIST SP 800-63B: length over composition rules, no known-weak
passwords, nothing derived from the account name)."""

from __future__ import annotations

from dataclasses import dataclass

MIN_LENGTH = 10
# Argon2 hashes any length, but an unbounded input is a cheap denial-of-service lever.
MAX_LENGTH = 256
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password123",
        "1234567890",
        "12345678901",
        "123456789012",
        "qwertyuiop",
        "qwerty123456",
        "iloveyou123",
        "admin12345",
        "administrator",
        "letmein1234",
        "welcome1234",
        "changeme123",
        "passw0rd123",
    }
)


@dataclass(frozen=True)
class PasswordProblem:
    """Why a password is refused, in words a user can act on."""

    reason: str


def password_problems(password: str, *, email: str = "") -> list[PasswordProblem]:
    """Every rule the password breaks; an empty list means it is acceptable."""
    problems: list[PasswordProblem] = []
    if len(password) < MIN_LENGTH:
        problems.append(PasswordProblem(f"must have at least {MIN_LENGTH} characters"))
    if len(password) > MAX_LENGTH:
        problems.append(PasswordProblem(f"must have at most {MAX_LENGTH} characters"))
    if password and len(set(password)) == 1:
        problems.append(PasswordProblem("must not repeat one character"))
    if password.lower() in COMMON_PASSWORDS:
        problems.append(PasswordProblem("is a commonly used password"))
    if _mostly_account_name(password, email):
        problems.append(PasswordProblem("must not be made of the e-mail address"))
    return problems


def _mostly_account_name(password: str, email: str) -> bool:
    """The e-mail (or its name part) is half the password or more: guessable from the account."""
    lowered = password.lower()
    local_part = email.split("@", 1)[0].lower()
    for name in (email.lower(), local_part):
        if len(name) >= 3 and name in lowered and len(name) * 2 >= len(lowered):
            return True
    return False
