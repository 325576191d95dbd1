"""The payment provider interface and the shapes it speaks in. Amounts are minor units (int)."""
from dataclasses import field
from datetime import datetime
from typing import Protocol

from ..domain.errors import DomainError
from ..domain.values import frozen


class InvalidSignature(DomainError):
    code = "invalid_signature"


class ProviderError(Exception):
    """The provider could not be reached or refused the request for a reason of its own."""


@frozen
class CheckoutRequest:
    """A hosted checkout for one appointment's deposit (mode `payment`) or for saving a card (`setup`)."""

    salon_id: str
    appointment_id: str
    appointment_start: str  # UTC ISO: with the id and the salon, the appointment's key
    currency: str
    description: str
    success_url: str
    cancel_url: str
    expires_at: datetime  # UTC
    country: str  # the salon's: which payment methods to offer
    amount: int = 0  # minor units; 0 for a card setup
    locale: str = "auto"
    client_id: str | None = None
    customer: str | None = None  # the provider's customer id, when the client has one
    job_id: str | None = None  # a fee the client pays themselves: the charge job it settles

    @property
    def metadata(self) -> dict[str, str]:
        data = {"salon_id": self.salon_id, "appointment_id": self.appointment_id,
                "appointment_start": self.appointment_start}
        if self.job_id:
            data["job_id"] = self.job_id
        return {**data, "client_id": self.client_id} if self.client_id else data


@frozen
class Checkout:
    reference: str  # the provider's checkout id (Stripe: cs_...)
    url: str  # where the client pays


@frozen
class PaymentEvent:
    """A verified webhook event, reduced to what the app acts on. `kind`: deposit_paid, card_saved
    or other (acknowledged, nothing to do)."""

    id: str
    kind: str
    metadata: dict = field(default_factory=dict)
    checkout_ref: str | None = None
    payment_ref: str | None = None  # payment intent
    amount: int | None = None
    currency: str | None = None  # upper case
    customer: str | None = None
    payment_method: str | None = None


@frozen
class ChargeOutcome:
    """An off-session charge: `succeeded`, `declined` or `authentication_required` (the client
    must confirm the payment themselves: they are sent a link)."""

    status: str
    reference: str | None = None  # payment intent id
    reason: str | None = None  # the provider's decline code, for the owner


@frozen
class StoredCard:
    customer: str
    payment_method: str


class PaymentProvider(Protocol):
    name: str

    def create_deposit_checkout(self, request: CheckoutRequest) -> Checkout: ...

    def create_card_checkout(self, request: CheckoutRequest) -> Checkout: ...

    def expire_checkout(self, reference: str) -> None: ...

    def charge_off_session(self, card: StoredCard, amount: int, currency: str, idempotency_key: str,
                           metadata: dict) -> ChargeOutcome: ...

    def refund(self, payment_ref: str, amount: int, idempotency_key: str) -> str: ...

    def parse_webhook(self, raw_body: bytes, headers: dict, now: datetime) -> PaymentEvent: ...
