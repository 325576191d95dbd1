"""Stripe, through the official `stripe` package: Checkout Sessions in payment mode (deposits) and
setup mode (a card on file), PaymentIntents off-session with an idempotency key (fees), Refunds.
A deposit's checkout also saves the card for later fees (`setup_future_usage=off_session`) on the
client's customer: the one they have, or one Checkout creates (no second call at booking).
The salon's own account (no Connect). Payment methods are Stripe's dynamic ones: those the salon
enabled in its Dashboard that suit the currency and the client's country (cards, iDEAL, Bancontact,
BLIK, Multibanco, MB WAY, Pix...), so nothing here lists them.

`stripe` is imported when the provider is built: only the functions that take payments pay its
import time."""
import time
from dataclasses import replace
from datetime import datetime

from . import events, signing
from .base import ChargeOutcome, Checkout, CheckoutRequest, PaymentEvent, ProviderError, StoredCard

# Stripe refuses a Checkout Session that expires sooner than 30 minutes after it is created; the
# app's own hold may be shorter (15 minutes by default) and is what counts: a payment that
# arrives after the hold ended is handled as a late payment (booked if still free, else refunded).
MIN_SESSION_SECONDS = 31 * 60
API_VERSION = None  # the account's default; pin here when upgrading deliberately


class StripeProvider:
    name = "stripe"

    def __init__(self, api_key: str, webhook_secret: str, api_base: str | None = None, http_client=None,
                 max_network_retries: int = 2):
        self._options = {"api_key": api_key, "api_base": api_base, "http_client": http_client,
                         "max_network_retries": max_network_retries}
        self._webhook_secret = webhook_secret
        self._built = None

    @property
    def _stripe(self):
        import stripe  # ~0.3 s: paid by the first payment call, not by every booking's cold start

        return stripe

    @property
    def _client(self):
        if self._built is None:
            options = self._options
            self._built = self._stripe.StripeClient(
                options["api_key"], base_addresses={"api": options["api_base"]} if options["api_base"] else None,
                http_client=options["http_client"], max_network_retries=options["max_network_retries"])
        return self._built

    def create_deposit_checkout(self, request: CheckoutRequest) -> Checkout:
        params = {
            "mode": "payment",
            "line_items": [{"quantity": 1, "price_data": {
                "currency": request.currency.lower(), "unit_amount": request.amount,
                "product_data": {"name": request.description}}}],
            "success_url": request.success_url, "cancel_url": request.cancel_url,
            "expires_at": self._session_expiry(request.expires_at),
            "client_reference_id": request.appointment_id,
            "metadata": request.metadata,
            "payment_intent_data": {"metadata": request.metadata, "description": request.description,
                                    "setup_future_usage": "off_session"},
            "locale": request.locale,
        }
        if request.customer:
            params["customer"] = request.customer
        else:
            params["customer_creation"] = "always"
        session = self._call(self._client.v1.checkout.sessions.create, params,
                             idempotency_key=f"deposit-{request.salon_id}-{request.appointment_id}")
        return Checkout(session.id, session.url)

    def create_card_checkout(self, request: CheckoutRequest) -> Checkout:
        customer = request.customer or self._call(self._client.v1.customers.create,
                                                  {"metadata": request.metadata}).id
        params = {
            "mode": "setup", "currency": request.currency.lower(), "customer": customer,
            "success_url": request.success_url, "cancel_url": request.cancel_url,
            "expires_at": self._session_expiry(request.expires_at),
            "metadata": request.metadata, "setup_intent_data": {"metadata": request.metadata},
            "locale": request.locale,
        }
        session = self._call(self._client.v1.checkout.sessions.create, params)
        return Checkout(session.id, session.url)

    def expire_checkout(self, reference: str) -> None:
        try:
            self._client.v1.checkout.sessions.expire(reference)
        except self._stripe.InvalidRequestError:
            pass  # already completed or expired: nothing to stop
        except self._stripe.StripeError as error:
            raise ProviderError(f"Stripe: {type(error).__name__}") from error

    def charge_off_session(self, card: StoredCard, amount: int, currency: str, idempotency_key: str,
                           metadata: dict) -> ChargeOutcome:
        params = {"amount": amount, "currency": currency.lower(), "customer": card.customer,
                  "payment_method": card.payment_method, "off_session": True, "confirm": True, "metadata": metadata}
        try:
            intent = self._client.v1.payment_intents.create(params=params,
                                                            options={"idempotency_key": idempotency_key})
        except self._stripe.CardError as error:
            code = getattr(error, "code", None) or "card_declined"
            if code == "authentication_required":
                return ChargeOutcome("authentication_required", _intent_id(error), code)
            return ChargeOutcome("declined", _intent_id(error), getattr(error, "decline_code", None) or code)
        except self._stripe.StripeError as error:
            raise ProviderError(f"Stripe: {type(error).__name__}") from error
        if intent.status == "succeeded":
            return ChargeOutcome("succeeded", intent.id)
        if intent.status == "requires_action":
            return ChargeOutcome("authentication_required", intent.id, "authentication_required")
        return ChargeOutcome("declined", intent.id, intent.status)

    def refund(self, payment_ref: str, amount: int, idempotency_key: str) -> str:
        refund = self._call(self._client.v1.refunds.create, {"payment_intent": payment_ref, "amount": amount},
                            idempotency_key=idempotency_key)
        return refund.id

    def parse_webhook(self, raw_body: bytes, headers: dict, now: datetime) -> PaymentEvent:
        signing.verify(raw_body, signing.header(headers), self._webhook_secret, now)
        event = events.parse_event(raw_body)
        if event.kind == "deposit_paid" and event.customer and event.payment_ref and not event.payment_method:
            # A session's event names its payment intent, not the card it saved: ask for it.
            intent = self._call(self._client.v1.payment_intents.retrieve, {}, target=event.payment_ref)
            method = intent.payment_method
            event = replace(event, payment_method=method if isinstance(method, str) else getattr(method, "id", None))
        return event

    def _call(self, method, params: dict, idempotency_key: str | None = None, target: str | None = None):
        options = {"idempotency_key": idempotency_key} if idempotency_key else {}
        try:
            if target is not None:  # retrieve/update calls name their object first
                return method(target, params=params, options=options)
            return method(params=params, options=options)
        except self._stripe.StripeError as error:
            # The class name says what went wrong; the message may echo client data, so it stays out.
            raise ProviderError(f"Stripe: {type(error).__name__}") from error

    @staticmethod
    def _session_expiry(expires_at: datetime) -> int:
        return max(int(expires_at.timestamp()), int(time.time()) + MIN_SESSION_SECONDS)


def _intent_id(error) -> str | None:
    intent = (getattr(error, "json_body", None) or {}).get("error", {}).get("payment_intent")
    return intent.get("id") if isinstance(intent, dict) else None
