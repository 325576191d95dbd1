"""Booking an appointment: validate against availability's rules, then one transaction that
locks every block of the slot (see domain/blocks.py)."""
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .. import observability
from ..domain import availability, schedule
from ..domain.appointment import Appointment
from ..domain.clock import local_today
from ..domain.errors import BookingRestricted, IdempotencyKeyReused, RateLimited, SlotTaken
from ..domain.ids import new_id, new_manage_token, token_hash
from ..domain.salon import Salon
from ..storage.errors import IdempotentReplay, PhoneTaken
from ..storage.repository import IdempotencyRecord
from . import idempotency, notify, rate_limit
from .clients import identify, restricted_message
from .rate_limit import RateGuard
from .salons import load_salon, require_service, require_staff_for


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    manage_token: str
    salon: Salon
    replayed: bool = False


def book(repo, request: BookingRequest, now: datetime, idempotency_key: str | None = None,
         base_url: str = "", by_salon: bool = False, guard: RateGuard | None = None) -> Booked:
    """`by_salon`: the owner or front desk books (by phone): the client's online restriction does
    not apply; the slot must still be one availability offers, and free. `guard`: the public
    side's rate limits, charged inside the booking's transaction (a failed booking counts nowhere)."""
    salon, catalog = load_salon(repo, request.salon_id)
    service = require_service(catalog, request.service_id)
    if request.staff_id is not None:
        candidates = [require_staff_for(catalog, request.staff_id, service)]
    else:
        candidates = list(catalog.staff_for(service.id))
    offered = [s for s in candidates if availability.is_offered(salon, service, s, request.start, now)]
    if not offered:
        raise availability.not_offered(salon, request.start, now)

    client, is_new = identify(repo, salon, request.name, request.phone, request.email)
    client = replace(client, recall_consent=request.recall_consent)
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
    while True:
        staff = offered[0]
        end = request.start + duration
        appt = Appointment(
            id=new_id(), salon_id=salon.id, service_id=service.id, staff_id=staff.id, client_id=client.id,
            start=request.start, end=end, buffer_minutes=service.buffer_minutes, notes=request.notes, created_at=now,
            due=schedule.first_due(salon, request.start, end, now), links=(token_hash(token),),
            price=service.price, first_visit=is_new,
        )
        messages = notify.booking_confirmation(salon, catalog, client, appt, base_url, now)
        charges = tuple(guard.charges(salon.id, phone=client.phone)) if guard else ()
        try:
            repo.create_booking(appt, token_hash(token), client, is_new, today, now,
                                record_for(appt) if record_for else None, messages, check_access=not by_salon,
                                rate_charges=charges)
            observability.count("Bookings", salon=salon.id)
            return Booked(appt, token, salon)
        except IdempotentReplay as replay:
            if replay.request_hash != fingerprint:
                raise IdempotencyKeyReused(
                    "This Idempotency-Key was already used for a different booking. Use a new key for a new booking.",
                ) from None
            token = idempotency.unseal(replay.sealed_token, salon.id, idempotency_key)
            return Booked(replay.appointment, token, salon, replayed=True)
        except BookingRestricted:
            raise BookingRestricted(restricted_message(salon)) from None
        except RateLimited as refusal:
            rate_limit.refused(refusal, salon.id)
            raise
        except PhoneTaken:
            # Someone created this client a moment ago (a double click): book as that client.
            client, is_new = identify(repo, salon, request.name, request.phone, request.email)
            client = replace(client, recall_consent=request.recall_consent)
        except SlotTaken:
            offered.pop(0)  # "anyone": try the next specialist free at that time
            if not offered:
                raise
