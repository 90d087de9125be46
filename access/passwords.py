"""Password hashing (argon2id) and the strength rule GB/T 22239 level 2-3 asks for."""

from __future__ import annotations

import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from access.errors import InvalidAccount

MIN_LENGTH = 10
_HASHER = PasswordHasher()
_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


def check_strength(password: str) -> None:
    """Raise InvalidAccount unless the password is long enough and mixes three kinds of character."""
    if len(password) < MIN_LENGTH:
        raise InvalidAccount(f"password: at least {MIN_LENGTH} characters, got {len(password)}")
    kinds = sum(any(c in cls for c in password) for cls in _CLASSES) + any(not c.isalnum() for c in password)
    if kinds < 3:
        raise InvalidAccount("password: mix at least three of lower case, upper case, digits and symbols")


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password that passes the strength rule."""
    check_strength(password)
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Return whether password matches the hash, in constant time for the hash's cost."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified against when the user does not exist, so a missing account takes as long as a wrong password.
DUMMY_HASH = _HASHER.hash("not-a-real-password-Aa1!")
