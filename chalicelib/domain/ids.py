"""Identifiers: sortable ULIDs for entities, unguessable manage tokens, signed session tokens."""
import base64
import hashlib
import hmac
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


def new_signed_token(key: bytes, purpose: bytes) -> tuple[str, str]:
    """A session id (256 bits from `secrets`) and the token that carries it, `<id>.<tag>`: the tag is
    the id's HMAC under the deployment's `key` for `purpose`, so an owner's session token is no
    client's, and a forged id is refused before any read. Only `token_hash(id)` is stored."""
    session_id = secrets.token_urlsafe(32)
    return session_id, f"{session_id}.{_tag(key, purpose, session_id)}"


def signed_token_id(key: bytes, purpose: bytes, token: str | None) -> str | None:
    """The session id a token made by `new_signed_token` for `purpose` carries; None if it is not one."""
    if not token or len(token) > 200 or not token.isascii():
        return None
    session_id, _, tag = token.partition(".")
    if len(session_id) != 43 or not hmac.compare_digest(_tag(key, purpose, session_id), tag):
        return None
    return session_id


def _tag(key: bytes, purpose: bytes, session_id: str) -> str:
    mac = hmac.new(key, purpose + b"\x00" + session_id.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")
