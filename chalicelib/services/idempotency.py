"""Idempotency-Key support for bookings.

The record rides in the booking transaction itself (one request, committed atomically with the
booking). A retry must return the same manage token, yet the table must never hold a usable
token: the record keeps it sealed with a pad derived from the Idempotency-Key, which is stored
only as a hash. Whoever knows the key (the client retrying) can open it; a reader of the table
cannot.
"""
import hashlib
import json
from datetime import datetime, timedelta

RECORD_TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 200


def key_digest(salon_id: str, key: str) -> str:
    return hashlib.sha256(f"chairtime-idempotency-record\0{salon_id}\0{key}".encode()).hexdigest()


def request_hash(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _pad(salon_id: str, key: str, length: int) -> bytes:
    return hashlib.shake_256(f"chairtime-idempotency-seal\0{salon_id}\0{key}".encode()).digest(length)


def seal(token: str, salon_id: str, key: str) -> str:
    raw = token.encode()
    return bytes(a ^ b for a, b in zip(raw, _pad(salon_id, key, len(raw)))).hex()


def unseal(sealed: str, salon_id: str, key: str) -> str:
    raw = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(raw, _pad(salon_id, key, len(raw)))).decode(errors="replace")


def expires(now: datetime) -> datetime:
    return now + RECORD_TTL
