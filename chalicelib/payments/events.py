"""Stripe-shaped webhook events (the local provider sends the same shape) -> PaymentEvent."""
from ..api.http import parse_json
from ..domain.errors import InvalidRequest
from ..domain.text import N_
from .base import InvalidSignature, PaymentEvent

MAX_BODY_BYTES = 256 * 1024  # Stripe's events are a few kilobytes


def parse_event(raw_body: bytes) -> PaymentEvent:
    """Called after the signature was verified on the raw bytes: the body is then read by the
    API's bounded parser (size and nesting checked before json.loads). Only what the app acts on
    is read; the rest is acknowledged as `other`."""
    try:
        event = parse_json(raw_body, max_bytes=MAX_BODY_BYTES)
    except InvalidRequest as error:
        raise InvalidSignature(N_("The webhook body is not an event: %(problem)s", problem=error.message)) from None
    try:
        obj = event["data"]["object"]
        event_id, kind = str(event["id"]), str(event["type"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidSignature("The webhook body is not an event.") from exc
    if not isinstance(obj, dict):
        raise InvalidSignature("The webhook body is not an event.")
    metadata = {k: str(v) for k, v in (obj.get("metadata") or {}).items()} if isinstance(obj.get("metadata"), dict) \
        else {}
    paid_session = (kind == "checkout.session.completed" and obj.get("payment_status") == "paid"
                    or kind == "checkout.session.async_payment_succeeded")
    if paid_session and obj.get("mode") == "payment":
        intent = obj.get("payment_intent")
        return PaymentEvent(event_id, "deposit_paid", metadata, checkout_ref=_text(obj.get("id")),
                            payment_ref=_ref(intent), amount=_int(obj.get("amount_total")),
                            currency=(_text(obj.get("currency")) or "").upper() or None,
                            customer=_ref(obj.get("customer")),
                            payment_method=_ref(intent.get("payment_method")) if isinstance(intent, dict) else None)
    if kind == "setup_intent.succeeded":
        return PaymentEvent(event_id, "card_saved", metadata, customer=_ref(obj.get("customer")),
                            payment_method=_ref(obj.get("payment_method")))
    return PaymentEvent(event_id, "other", metadata)


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def _ref(value) -> str | None:
    """An id, or an expanded object's id."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
