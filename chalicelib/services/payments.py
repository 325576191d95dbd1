"""The payment provider's webhook: the signature first, then each event once, and nothing trusted
that does not match an appointment of the salon the event names (its checkout, amount and
currency as the booking recorded them).

A paid deposit confirms the appointment in one transaction that keeps its locks. A payment that
arrives after the hold was released books the time if it is still free (the locks are taken
again in the same transaction), and otherwise is refunded and the client told."""
import logging
from dataclasses import replace
from datetime import datetime

from .. import observability
from ..domain import schedule
from ..domain.appointment import Appointment, Status
from ..domain.clock import parse_iso_utc
from ..domain.errors import DomainError, NotFound, SlotTaken
from ..domain.money import Movement, MovementKind, SavedCard, format_amount
from ..payments.base import PaymentEvent
from ..storage.payments_store import DuplicateEvent
from . import notify
from .salons import checked_salon_id, load_salon

log = logging.getLogger(__name__)
PROVIDERS = ("stripe", "local")


def handle_webhook(repo, provider, provider_name: str, raw_body: bytes, headers: dict, now: datetime,
                   base_url: str) -> str:
    """What the event did: paid, paid_late, refunded, duplicate, or ignored (with why). Raises
    NotFound for a provider this deployment does not use and InvalidSignature (400) for a
    missing, wrong or stale signature, whatever the body."""
    if provider_name not in PROVIDERS or provider_name != provider.name:
        raise NotFound("No such payment provider here.", "provider_not_found")
    event = provider.parse_webhook(raw_body, headers, now)
    if event.kind == "deposit_paid":
        outcome = _deposit_paid(repo, provider, event, now, base_url)
    elif event.kind == "card_saved":
        outcome = _card_saved(repo, provider, event, now, base_url)
    else:  # acknowledged and kept once, so support can see what arrived
        outcome = _ignored(repo, provider, event, "nothing to do", now)
    observability.count("PaymentEvents", outcome=outcome.split(":")[0])
    return outcome


def _deposit_paid(repo, provider, event: PaymentEvent, now: datetime, base_url: str) -> str:
    if event.metadata.get("job_id"):
        return _fee_paid(repo, provider, event, now)
    appt, client = _named_appointment(repo, event)
    why_not = _mismatch(appt, client, event)
    if why_not:
        return _ignored(repo, provider, event, why_not, now)
    if appt.deposit.paid:
        return "duplicate"  # the same payment told twice (another event id for it)
    salon, catalog = load_salon(repo, appt.salon_id)
    names = notify.names(catalog, appt)
    card = _card_paid_with(provider, client, event, now)
    try:
        if appt.status is Status.AWAITING_PAYMENT:
            paid = _paid(salon, appt, event, now)
            messages = notify.booking_confirmation(salon, catalog, client, paid, base_url, now)
            repo.settle_payment(appt, paid, provider.name, event.id, "paid", now, messages, card=card,
                                phone=client.phone)
            observability.count("DepositsPaid", salon=salon.id)
            return "paid"
        if appt.status is Status.EXPIRED:
            paid = _paid(salon, appt, event, now)
            messages = notify.booking_confirmation(salon, catalog, client, paid, base_url, now)
            try:
                repo.settle_payment(appt, paid, provider.name, event.id, "paid_late", now, messages, relock=True,
                                    card=card, phone=client.phone)
                return "paid_late"
            except SlotTaken:
                pass  # the time went to someone else: refund below
        return _refund_late_payment(repo, provider, salon, client, appt, event, now, base_url, names)
    except DuplicateEvent:
        return "duplicate"


def _card_paid_with(provider, client, event: PaymentEvent, now: datetime) -> SavedCard | None:
    """The deposit's checkout saved the card it was paid with: it becomes the client's card on
    file (fees are charged to it off-session), as a setup checkout's card does."""
    if client.erased or not event.customer or not event.payment_method:
        return None
    return SavedCard(provider.name, event.customer, event.payment_method, now)


def _card_for_booking(repo, provider, event: PaymentEvent, card: SavedCard, now: datetime, base_url: str) -> str:
    """The card a booking waited for: on file for the client and the appointment booked, in one
    transaction with the event record. Only a card-only hold (a deposit of 0) of that salon, for
    that client, awaiting it, matches."""
    appt, client = _named_appointment(repo, event)
    if (appt is None or client is None or appt.client_id != client.id or appt.deposit is None
            or appt.deposit.amount != 0 or appt.deposit.provider != provider.name):
        return _ignored(repo, provider, event, "no such appointment", now)
    if appt.status is not Status.AWAITING_PAYMENT:
        try:  # left too late or cancelled: the card is still the client's
            repo.save_card(appt.salon_id, client.id, card, provider.name, event.id, now, phone=client.phone)
        except DuplicateEvent:
            return "duplicate"
        return "card_saved"
    salon, catalog = load_salon(repo, appt.salon_id)
    booked = _paid(salon, appt, replace(event, payment_ref=None), now)
    messages = notify.booking_confirmation(salon, catalog, client, booked, base_url, now)
    try:
        repo.settle_payment(appt, booked, provider.name, event.id, "card_saved", now, messages, card=card,
                            phone=client.phone)
    except DuplicateEvent:
        return "duplicate"
    return "card_saved"


def _fee_paid(repo, provider, event: PaymentEvent, now: datetime) -> str:
    """A fee the client paid on the link they were sent (their bank wanted them to confirm it):
    matched to the failed charge job of that salon, its checkout, amount and currency."""
    from ..domain.money import JobKind, JobStatus
    from ..storage.payments_store import JobExists

    meta = event.metadata
    try:
        salon_id = checked_salon_id(meta.get("salon_id", ""))
    except DomainError:
        return _ignored(repo, provider, event, "no such fee", now)
    job_id = meta.get("job_id", "")
    job = repo.get_payment_job(salon_id, job_id) if 0 < len(job_id) <= 128 else None
    if (job is None or job.kind is not JobKind.CHARGE or job.checkout_ref != event.checkout_ref
            or job.amount != event.amount or job.currency != event.currency or not event.payment_ref):
        return _ignored(repo, provider, event, "no such fee", now)
    if job.status is JobStatus.DONE:
        return "duplicate"
    appt = repo.get_appointment(salon_id, job.appointment_start, job.appointment_id)
    if appt is None:
        return _ignored(repo, provider, event, "no such fee", now)
    movement = Movement(MovementKind.CHARGE, job.amount, job.currency, now, event.payment_ref, provider.name)
    done = replace(job, status=JobStatus.DONE, result_ref=event.payment_ref, reason=None)
    try:
        repo.settle_fee_checkout(job, done, appt, appt.with_movement(movement), provider.name, event.id, now)
    except (DuplicateEvent, JobExists):
        return "duplicate"
    return "fee_paid"


def _card_saved(repo, provider, event: PaymentEvent, now: datetime, base_url: str) -> str:
    """A setup checkout finished: the card is on file for the client the checkout was made for."""
    meta = event.metadata
    try:
        salon_id = checked_salon_id(meta.get("salon_id", ""))
    except DomainError:
        return _ignored(repo, provider, event, "no such client", now)
    client_id = meta.get("client_id", "")
    if not client_id or len(client_id) > 64 or not event.customer or not event.payment_method:
        return _ignored(repo, provider, event, "no such client", now)
    card = SavedCard(provider.name, event.customer, event.payment_method, now)
    if meta.get("appointment_id"):  # asked at booking: the card books the held appointment
        return _card_for_booking(repo, provider, event, card, now, base_url)
    try:
        repo.save_card(salon_id, client_id, card, provider.name, event.id, now)
    except DuplicateEvent:
        return "duplicate"
    except NotFound:
        return _ignored(repo, provider, event, "no such client", now)
    return "card_saved"


def _paid(salon, appt: Appointment, event: PaymentEvent, now: datetime) -> Appointment:
    """Booked by its payment. The confirmation's manage link is made when the text leaves
    (services/dispatch.py), so nothing here holds a token."""
    due = schedule.first_due(salon, appt.start, appt.end, now)
    return appt.pay_deposit(event.payment_ref, now, due)


def _refund_late_payment(repo, provider, salon, client, appt: Appointment, event: PaymentEvent, now: datetime,
                         base_url: str, names: dict) -> str:
    """Paid for a hold that is gone (expired and taken, or cancelled): the money goes back, both
    movements are recorded on the appointment, and the client is told. The refund's idempotency key
    is the payment's, so a retried event never refunds twice."""
    deposit = appt.deposit
    refund_ref = provider.refund(event.payment_ref, deposit.amount, f"refund-{event.payment_ref}")
    refunded = appt.with_movement(Movement(MovementKind.DEPOSIT, deposit.amount, deposit.currency, now,
                                           event.payment_ref, provider.name))
    refunded = refunded.with_movement(Movement(MovementKind.REFUND, deposit.amount, deposit.currency, now,
                                               refund_ref, provider.name))
    refunded = replace(refunded, deposit=deposit.settled(event.payment_ref, now))
    message = notify.message(salon, client, "payment_too_late", now, start=appt.start,
                             amount=f"{format_amount(deposit.amount, deposit.currency)} {deposit.currency}",
                             book_url=f"{base_url}/book/{salon.id}", **names)
    # Changed meanwhile: the error answers the provider, which sends the event again; the refund's
    # key makes that retry harmless and the records catch up.
    repo.settle_payment(appt, refunded, provider.name, event.id, "refunded", now, messages=(message,))
    observability.count("DepositsRefunded", salon=salon.id)
    return "refunded"


def _named_appointment(repo, event: PaymentEvent):
    meta = event.metadata
    try:
        salon_id = checked_salon_id(meta.get("salon_id", ""))
        start = parse_iso_utc(meta.get("appointment_start", ""))
        appointment_id, client_id = meta["appointment_id"], meta["client_id"]
    except (DomainError, ValueError, KeyError, TypeError):
        return None, None
    if not appointment_id or not client_id or len(appointment_id) > 64 or len(client_id) > 64:
        return None, None
    return repo.appointment_and_client(salon_id, start, appointment_id, client_id)


def _mismatch(appt: Appointment | None, client, event: PaymentEvent) -> str | None:
    """Why this event cannot be this appointment's deposit; None when everything matches."""
    if appt is None or client is None or appt.client_id != client.id:
        return "no such appointment"
    deposit = appt.deposit
    if deposit is None or deposit.checkout_ref != event.checkout_ref:
        return "not this appointment's checkout"
    if event.amount != deposit.amount or event.currency != deposit.currency:
        return "amount or currency differs"
    if not event.payment_ref:
        return "no payment reference"
    return None


def _ignored(repo, provider, event: PaymentEvent, why: str, now: datetime) -> str:
    log.warning("payment event %s ignored: %s", event.id, why)
    try:
        repo.record_payment_event(provider.name, event.id, f"ignored: {why}", now)
    except DuplicateEvent:
        return "duplicate"
    return f"ignored: {why}"
