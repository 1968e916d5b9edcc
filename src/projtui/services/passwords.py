"""Passwords for `projtui serve`'s login: what one must be, and their Argon2 hashes (argon2-cffi).

Only the hash is ever stored. Its parameters are the library's defaults,
and they travel inside each hash, so when a new argon2-cffi raises them a
user's hash is renewed the next time they log in (`users.authenticate`).
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from projtui.domain.errors import NO_VALUE, InvalidInput, Problem

MIN_LENGTH = 8
MAX_LENGTH = 1024  # Argon2 takes any length; a bound keeps one login from costing the server much


def checked(password: str) -> str:
    """The password, when it may be one; InvalidInput otherwise (never quoting it)."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidInput([Problem("", "password", NO_VALUE, f"a password has {MIN_LENGTH} to {MAX_LENGTH} characters (got {len(password)})")])
    return password


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hashed(password: str) -> str:
    return _hasher().hash(password)


@cache
def _stand_in() -> str:
    """A hash to check a login that has none against, so an unknown login takes as long as a wrong password."""
    return hashed("not anyone's password")


def matches(stored: str | None, password: str) -> bool:
    """Whether `password` is the one `stored` was made from; with no stored hash, False after the same work."""
    try:
        return _hasher().verify(stored or _stand_in(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def outdated(stored: str) -> bool:
    """Whether the hash was made with other parameters than the library's current defaults."""
    return _hasher().check_needs_rehash(stored)
