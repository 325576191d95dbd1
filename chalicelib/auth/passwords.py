"""Passwords: Argon2id hashes only (argon2-cffi, RFC 9106 low-memory profile: 64 MiB, t=3, p=4).

The raw password is only ever hashed or verified: never stored, logged or put in an audit entry.
An unknown email is verified against a dummy hash, so it costs the same time as a wrong password
and the response time does not tell which emails have an account.
"""
import secrets
from functools import cache

from ..domain.text import ngettext

MIN_LENGTH = 10
MAX_LENGTH = 256  # Argon2 accepts more; a bound keeps a huge body from being hashed
_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read aloud or copied by hand


@cache
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return ngettext("Use at least %(num)s character.", "Use at least %(num)s characters.", MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return ngettext("Use at most %(num)s character.", "Use at most %(num)s characters.", MAX_LENGTH)
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """True when `password` matches. None (no such account) burns the same time and is False."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """The hash was made with weaker parameters than today's: store a new one at the next login."""
    return _hasher().check_needs_rehash(password_hash)


def generate() -> str:
    """A random password (4 groups of 5, ~100 bits), easy to read out and type on a phone."""
    groups = ("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(4))
    return "-".join(groups)
