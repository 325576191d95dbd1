"""The local payment provider (`make run`, tests): its "hosted checkout" is a page of the app
(`/pay/local/<ticket>`, api/pay_pages.py) with "pay" and "fail" buttons. Paying builds the event
Stripe would send, signs it with the local secret, and hands it to the very webhook handler the
real provider's events go through, signature check included.

The ticket in the URL carries the checkout itself, signed with the same secret, so the provider
keeps no state; a forged or altered ticket is refused."""
import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

from ..domain.clock import iso_utc, parse_iso_utc
from ..domain.values import frozen
from . import events, signing
from .base import ChargeOutcome, Checkout, CheckoutRequest, InvalidSignature, PaymentEvent, StoredCard

DECLINED_CARD = "pm_local_declined"  # an off-session charge on this card is declined
AUTHENTICATION_CARD = "pm_local_3ds"  # ... needs the client to authenticate
SAVED_CARD = "pm_local_card"  # what a local checkout saves: charges on it succeed


@frozen
class LocalCheckout:
    """What a local checkout page shows and what its buttons do."""

    reference: str
    mode: str  # payment | setup
    amount: int
    currency: str
    description: str
    success_url: str
    cancel_url: str
    expires_at: datetime
    metadata: dict
    customer: str | None = None  # the client's customer, when the checkout was opened for one


class LocalProvider:
    name = "local"

    def __init__(self, secret: str):
        self._secret = secret
        self.refunds: list[tuple[str, int, str]] = []  # (payment ref, amount, idempotency key): read back by tests
        self.charges: list[tuple[StoredCard, int, str, str]] = []

    # --- the provider interface ---------------------------------------------------------------
    def create_deposit_checkout(self, request: CheckoutRequest) -> Checkout:
        return self._checkout(request, "payment")

    def create_card_checkout(self, request: CheckoutRequest) -> Checkout:
        return self._checkout(request, "setup")

    def expire_checkout(self, reference: str) -> None:
        """Nothing to do: a local ticket past its expiry is refused by the page."""

    def charge_off_session(self, card: StoredCard, amount: int, currency: str, idempotency_key: str,
                           metadata: dict) -> ChargeOutcome:
        self.charges.append((card, amount, currency, idempotency_key))
        if card.payment_method == DECLINED_CARD:
            return ChargeOutcome("declined", reason="card_declined")
        if card.payment_method == AUTHENTICATION_CARD:
            return ChargeOutcome("authentication_required", reason="authentication_required")
        return ChargeOutcome("succeeded", "pi_local_" + _digest(idempotency_key))

    def refund(self, payment_ref: str, amount: int, idempotency_key: str) -> str:
        self.refunds.append((payment_ref, amount, idempotency_key))
        return "re_local_" + _digest(idempotency_key)  # the same key gives the same refund, like Stripe's

    def parse_webhook(self, raw_body: bytes, headers: dict, now: datetime) -> PaymentEvent:
        signing.verify(raw_body, signing.header(headers), self._secret, now)
        event = events.parse_event(raw_body)
        if event.kind == "deposit_paid" and event.customer and not event.payment_method:
            # Stripe's provider asks the payment intent which card it saved; a local one saves this card.
            event = replace(event, payment_method=SAVED_CARD)
        return event

    # --- the checkout page ----------------------------------------------------------------------
    def open_ticket(self, ticket: str) -> LocalCheckout:
        """The checkout a page URL stands for; InvalidSignature if the ticket was not made here."""
        body, _, mac = ticket.rpartition(".")
        if not body or not hmac.compare_digest(self._mac(body), mac):
            raise InvalidSignature("This payment link is not valid.")
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            return LocalCheckout(data["ref"], data["mode"], int(data["amount"]), data["currency"], data["description"],
                                 data["success_url"], data["cancel_url"], parse_iso_utc(data["expires_at"]),
                                 dict(data["metadata"]), data.get("customer"))
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidSignature("This payment link is not valid.") from exc

    def completed_event(self, checkout: LocalCheckout, now: datetime) -> tuple[bytes, dict]:
        """The signed webhook Stripe would send for this checkout, paid (or the card saved)."""
        event_id = "evt_local_" + secrets.token_hex(12)
        if checkout.mode == "payment":  # the card is saved for later fees, as Stripe's checkout does
            obj = {"object": "checkout.session", "id": checkout.reference, "mode": "payment", "payment_status": "paid",
                   "amount_total": checkout.amount, "currency": checkout.currency.lower(),
                   "customer": checkout.customer or _customer(checkout),
                   "payment_intent": "pi_local_" + secrets.token_hex(12), "metadata": checkout.metadata}
            event = {"id": event_id, "type": "checkout.session.completed", "data": {"object": obj}}
        else:
            obj = {"object": "setup_intent", "id": "seti_local_" + secrets.token_hex(12),
                   "customer": checkout.customer or _customer(checkout), "payment_method": SAVED_CARD,
                   "metadata": checkout.metadata}
            event = {"id": event_id, "type": "setup_intent.succeeded", "data": {"object": obj}}
        raw = json.dumps(event).encode()
        return raw, {"Stripe-Signature": signing.signature_header(raw, self._secret, now)}

    def _checkout(self, request: CheckoutRequest, mode: str) -> Checkout:
        reference = "cs_local_" + secrets.token_hex(12)
        data = {"ref": reference, "mode": mode, "amount": request.amount, "currency": request.currency,
                "description": request.description, "success_url": request.success_url,
                "cancel_url": request.cancel_url, "expires_at": iso_utc(request.expires_at),
                "metadata": request.metadata, **({"customer": request.customer} if request.customer else {})}
        body = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")
        origin = urlsplit(request.success_url)
        return Checkout(reference, f"{origin.scheme}://{origin.netloc}/pay/local/{body}.{self._mac(body)}")

    def _mac(self, body: str) -> str:
        return hmac.new(self._secret.encode(), b"local-checkout\0" + body.encode(), hashlib.sha256).hexdigest()[:32]


def _customer(checkout: LocalCheckout) -> str:
    return "cus_local_" + _digest(checkout.metadata.get("client_id", ""))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]
