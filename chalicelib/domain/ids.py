"""Identifiers: sortable ULIDs for entities, unguessable manage tokens."""
import hashlib
import os
import secrets
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id(now_ms: int | None = None) -> str:
    """A ULID: 48 bits of milliseconds + 80 random bits, Crockford base32, sortable by time."""
    millis = int(time.time() * 1000) if now_ms is None else now_ms
    value = (millis << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_manage_token() -> str:
    """256 bits from `secrets`, URL-safe. Only its hash is ever stored."""
    return secrets.token_urlsafe(32)


def new_link_token() -> str:
    """128 bits from `secrets`, URL-safe: the token of a link in a text message. Unguessable as a
    manage token is, and 21 characters shorter, which in Italian, Spanish or Portuguese is the
    difference between one SMS part and two (docs/decisions.md). Only its hash is ever stored."""
    return secrets.token_urlsafe(16)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
