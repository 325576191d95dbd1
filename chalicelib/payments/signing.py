"""Webhook signatures in Stripe's scheme, for both providers: the header
`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, checked against the secret in constant
time, refused when older (or newer) than the tolerance so a captured event cannot be replayed
later. The clock is passed in, like everywhere else."""
import hashlib
import hmac
from datetime import datetime

from .base import InvalidSignature

TOLERANCE_SECONDS = 300


def signature_header(raw_body: bytes, secret: str, at: datetime) -> str:
    stamp = int(at.timestamp())
    return f"t={stamp},v1={_digest(raw_body, secret, stamp)}"


def verify(raw_body: bytes, header: str | None, secret: str, now: datetime,
           tolerance: int = TOLERANCE_SECONDS) -> None:
    """Raises InvalidSignature unless `header` signs `raw_body` with `secret` within the tolerance."""
    if not header or not secret:
        raise InvalidSignature("The webhook is not signed.")
    parts = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [value for key, value in parts if key.strip() == "t"]
    signatures = [value.strip() for key, value in parts if key.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].strip().isdigit() or not signatures:
        raise InvalidSignature("The webhook signature header is malformed.")
    stamp = int(stamps[0])
    expected = _digest(raw_body, secret, stamp)
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise InvalidSignature("The webhook signature does not match.")
    if abs(now.timestamp() - stamp) > tolerance:
        raise InvalidSignature("The webhook signature is too old (or from the future).")


def _digest(raw_body: bytes, secret: str, stamp: int) -> str:
    return hmac.new(secret.encode(), f"{stamp}.".encode() + raw_body, hashlib.sha256).hexdigest()


def header(headers: dict, name: str = "Stripe-Signature") -> str | None:
    """Header lookup that ignores case (API Gateway and Chalice keep the sender's)."""
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)
