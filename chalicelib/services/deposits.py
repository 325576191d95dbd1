"""Deposits at booking: a service that asks one is booked `awaiting_payment` (its locks taken at
once) with a hosted checkout; unpaid when the deposit expires, the offers sweep releases it."""
import logging
from datetime import datetime, timedelta

from .. import observability
from ..domain.appointment import Appointment
from ..domain.catalog import Service
from ..domain.clock import iso_utc
from ..domain.errors import DomainError, PaymentUnavailable
from ..domain.money import Deposit
from ..domain.salon import Salon
from ..domain.schedule import Due
from ..payments.base import CheckoutRequest, ProviderError
from . import waitlist_offers

log = logging.getLogger(__name__)


def deposit_asked(salon: Salon, service: Service, by_salon: bool) -> int:
    """The deposit (minor units) an online booking of `service` must pay first; a booking the
    salon makes by phone asks none."""
    return 0 if by_salon else service.deposit.amount(service.price, salon.currency)


def open_checkout(provider, salon: Salon, service: Service, appointment_id: str, start: datetime, client_id: str,
                  amount: int, manage_url: str, now: datetime, card=None) -> tuple[Deposit, Due]:
    """The provider's hosted checkout for the deposit (one provider call). Back on the manage page
    either way: it says "paid, booked" or "not paid, held until...". PaymentUnavailable when the
    provider cannot be reached (nothing is booked then). The card paid with is saved for later
    fees, on the customer of the client's `card` on file when it is this provider's."""
    expires_at = now + timedelta(minutes=salon.policy.deposit_expiry_minutes)
    request = CheckoutRequest(
        salon_id=salon.id, appointment_id=appointment_id, appointment_start=iso_utc(start), currency=salon.currency,
        description=f"{salon.name}: {service.name}", success_url=f"{manage_url}?paid=1",
        cancel_url=f"{manage_url}?paid=0", expires_at=expires_at, country=salon.country, amount=amount,
        locale=salon.locale, client_id=client_id,
        customer=card.customer if card is not None and card.provider == provider.name else None,
    )
    try:
        checkout = provider.create_deposit_checkout(request)
    except ProviderError as error:
        log.warning("deposit checkout failed for salon %s: %s", salon.id, error)
        raise PaymentUnavailable("Online payment is not available right now; nothing was booked. "
                                 "Please try again in a few minutes or call the salon.") from None
    deposit = Deposit(amount, salon.currency, expires_at, provider.name, checkout.reference, checkout.url)
    return deposit, Due("payment_expiry", expires_at)


def needs_card(salon: Salon, client, by_salon: bool) -> bool:
    """The salon asks this client to leave a card before booking online (never, after the ladder's
    warning, or always) and none is on file yet."""
    return not by_salon and client.card is None and salon.policy.requires_card(client.no_show_count)


def open_card_checkout(provider, salon: Salon, service: Service, appointment_id: str, start: datetime, client_id: str,
                       manage_url: str, now: datetime) -> tuple[Deposit, Due]:
    """A setup-mode checkout: the client leaves a card (nothing is charged) and the booking is
    held until then like a deposit; the card's webhook books it. Recorded as a deposit of 0."""
    expires_at = now + timedelta(minutes=salon.policy.deposit_expiry_minutes)
    request = CheckoutRequest(
        salon_id=salon.id, appointment_id=appointment_id, appointment_start=iso_utc(start), currency=salon.currency,
        description=f"{salon.name}: {service.name}", success_url=f"{manage_url}?paid=1",
        cancel_url=f"{manage_url}?paid=0", expires_at=expires_at, country=salon.country, locale=salon.locale,
        client_id=client_id)
    try:
        checkout = provider.create_card_checkout(request)
    except ProviderError as error:
        log.warning("card checkout failed for salon %s: %s", salon.id, error)
        raise PaymentUnavailable("Online payment is not available right now; nothing was booked. "
                                 "Please try again in a few minutes or call the salon.") from None
    deposit = Deposit(0, salon.currency, expires_at, provider.name, checkout.reference, checkout.url)
    return deposit, Due("payment_expiry", expires_at)


def abandon_checkout(provider, deposit: Deposit | None) -> None:
    """The booking did not commit: its checkout must not be payable. Best effort (a payment that
    still arrives names no appointment and is ignored)."""
    if deposit is None or deposit.checkout_ref is None or provider is None:
        return
    try:
        provider.expire_checkout(deposit.checkout_ref)
    except ProviderError as error:
        log.warning("could not expire checkout: %s", error)


def expire_unpaid(repo, provider, salon, catalog, appt: Appointment, now: datetime, base_url: str) -> str:
    """The deposit was not paid in time: release the hold (locks go in the same transaction),
    stop the checkout, and offer the time to the waitlist."""
    try:
        repo.update_appointment(appt, appt.expire(), release_slot=True)
    except DomainError:
        return "skipped: changed meanwhile"  # paid or cancelled a moment ago
    observability.count("DepositsExpired", salon=salon.id)
    abandon_checkout(provider, appt.deposit)
    offered = waitlist_offers.offer_freed_slot(repo, salon, catalog, appt, now, base_url)
    return "expired, offered to the waitlist" if offered else "expired"
