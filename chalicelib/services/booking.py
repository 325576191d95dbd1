"""Booking an appointment: validate against availability's rules, then one transaction that
locks every block of the slot (see domain/blocks.py)."""
from dataclasses import replace
from datetime import datetime, timedelta

from .. import observability
from ..domain import availability, schedule
from ..domain.appointment import Appointment, Status
from ..domain.client import check_channel_choice, normalize_email
from ..domain.clock import local_today
from ..domain.errors import BookingRestricted, IdempotencyKeyReused, RateLimited, SlotTaken
from ..domain.ids import new_id, new_manage_token, token_hash
from ..domain.salon import Salon
from ..domain.values import frozen
from ..storage.errors import IdempotentReplay, PhoneTaken
from ..storage.repository import IdempotencyRecord
from . import deposits, idempotency, notify, rate_limit
from .clients import identify, restricted_message
from .rate_limit import RateGuard
from .salons import load_salon, require_service, require_staff_for


@frozen
class BookingRequest:
    salon_id: str
    service_id: str
    start: datetime  # aware
    name: str
    phone: str
    staff_id: str | None = None
    email: str | None = None
    notes: str = ""
    recall_consent: bool = False
    channel: str | None = None  # how the client wants to be reached (None: the salon's order decides)
    whatsapp_consent: bool = False
    marketing_consent: bool = False  # offers and news: a separate, unticked box


@frozen
class Booked:
    appointment: Appointment
    manage_token: str
    salon: Salon
    replayed: bool = False


def book(repo, request: BookingRequest, now: datetime, idempotency_key: str | None = None,
         base_url: str = "", by_salon: bool = False, payments=None, guard: RateGuard | None = None) -> Booked:
    """`by_salon`: the owner or front desk books (by phone): the client's online restriction does
    not apply, nor a deposit; the slot must still be one availability offers, and free.
    A service that asks a deposit is booked `awaiting_payment` through `payments` (the provider):
    the locks are taken now, the appointment's `deposit.url` is where the client pays. `guard`: the
    public side's rate limits, charged inside the booking's transaction (a failed booking counts
    nowhere)."""
    salon, catalog = load_salon(repo, request.salon_id)
    service = require_service(catalog, request.service_id)
    if request.staff_id is not None:
        candidates = [require_staff_for(catalog, request.staff_id, service)]
    else:
        candidates = list(catalog.staff_for(service.id))
    offered = [s for s in candidates if availability.is_offered(salon, service, s, request.start, now)]
    if not offered:
        raise availability.not_offered(salon, request.start, now)

    request = _with_channel_checked(salon, request)
    client, is_new = identify(repo, salon, request.name, request.phone, request.email)
    client = _with_choices(client, request)
    token = new_manage_token()
    record_for = None
    if idempotency_key is not None:
        digest = idempotency.key_digest(salon.id, idempotency_key)
        fingerprint = idempotency.request_hash({**request.__dict__, "phone": client.phone})
        sealed = idempotency.seal(token, salon.id, idempotency_key)

        def record_for(appt):  # noqa: E306 - built per attempt: it snapshots the appointment
            return IdempotencyRecord(digest, fingerprint, appt, sealed, idempotency.expires(now))

    today = local_today(now, salon.tz)
    duration = timedelta(minutes=service.duration_minutes)
    appointment_id = new_id()
    deposit_amount = deposits.deposit_asked(salon, service, by_salon)
    deposit = None
    if deposit_amount:  # the one provider call, before the transaction that carries its reference
        deposit, expiry = deposits.open_checkout(payments, salon, service, appointment_id, request.start, client.id,
                                                 deposit_amount, f"{base_url}/manage/{token}", now, client.card)
    elif deposits.needs_card(salon, _on_file(repo, salon, client, is_new), by_salon):  # a card on file first
        deposit, expiry = deposits.open_card_checkout(payments, salon, service, appointment_id, request.start,
                                                      client.id, f"{base_url}/manage/{token}", now)
    while True:
        staff = offered[0]
        end = request.start + duration
        appt = Appointment(
            id=appointment_id, salon_id=salon.id, service_id=service.id, staff_id=staff.id, client_id=client.id,
            start=request.start, end=end, buffer_minutes=service.buffer_minutes, notes=request.notes, created_at=now,
            due=schedule.first_due(salon, request.start, end, now), links=(token_hash(token),),
            price=service.price, first_visit=is_new,
        )
        if deposit is not None:  # confirmed by the payment, not now
            appt = replace(appt, status=Status.AWAITING_PAYMENT, due=expiry, deposit=deposit)
            messages = ()
        else:
            messages = notify.booking_confirmation(salon, catalog, client, appt, base_url, now, receipt=not by_salon)
        charges = tuple(guard.charges(salon.id, phone=client.phone)) if guard else ()
        try:
            repo.create_booking(appt, token_hash(token), client, is_new, today, now,
                                record_for(appt) if record_for else None, messages, check_access=not by_salon,
                                rate_charges=charges)
            observability.count("Bookings", salon=salon.id)
            return Booked(appt, token, salon)
        except IdempotentReplay as replay:
            deposits.abandon_checkout(payments, deposit)  # the first answer's checkout stands
            if replay.request_hash != fingerprint:
                raise IdempotencyKeyReused(
                    "This Idempotency-Key was already used for a different booking. Use a new key for a new booking.",
                ) from None
            token = idempotency.unseal(replay.sealed_token, salon.id, idempotency_key)
            return Booked(replay.appointment, token, salon, replayed=True)
        except BookingRestricted:
            deposits.abandon_checkout(payments, deposit)
            raise BookingRestricted(restricted_message(salon)) from None
        except RateLimited as refusal:
            deposits.abandon_checkout(payments, deposit)
            rate_limit.refused(refusal, salon.id)
            raise
        except PhoneTaken:
            # Someone created this client a moment ago (a double click): book as that client.
            client, is_new = identify(repo, salon, request.name, request.phone, request.email)
            client = _with_choices(client, request)
            if deposit is not None:  # the checkout names the client: open it again for this one
                deposits.abandon_checkout(payments, deposit)
                deposit, expiry = deposits.open_checkout(payments, salon, service, appointment_id, request.start,
                                                         client.id, deposit_amount, f"{base_url}/manage/{token}", now,
                                                         client.card)
        except SlotTaken:
            offered.pop(0)  # "anyone": try the next specialist free at that time
            if not offered:
                deposits.abandon_checkout(payments, deposit)
                raise


def _with_channel_checked(salon: Salon, request: BookingRequest) -> BookingRequest:
    """The e-mail normalized and the channel checked against what the salon enabled and what the
    client gave (a bad one is a 400 that names the problem, before anything is written)."""
    email = normalize_email(request.email)
    channel = check_channel_choice(request.channel, salon.channels_enabled, email, request.whatsapp_consent)
    return replace(request, email=email, channel=channel)


def _with_choices(client, request: BookingRequest):
    """A new client's file carries every choice of the form. A returning client's file is not
    rewritten from the public side (anyone may type a phone number): the consents given with this
    booking are added (create_booking), never withdrawn, and e-mail and channel change only in the
    client's area or the salon's client file (docs/decisions.md)."""
    return replace(client, recall_consent=request.recall_consent, whatsapp_consent=request.whatsapp_consent,
                   marketing_consent=request.marketing_consent, preferred_channel=request.channel)


def _on_file(repo, salon, client, is_new: bool):
    """The stored file of a returning client, read only when the salon may ask for a card (its
    counters and card decide): one GetItem more for those salons, none for the others."""
    from ..domain.money import CardOnFile

    if is_new or salon.policy.card_on_file is CardOnFile.NEVER:
        return client
    return repo.get_client(salon.id, client.id) or client
