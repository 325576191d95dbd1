"""What a manage link can do: see, cancel, reschedule one appointment."""
from dataclasses import replace
from datetime import datetime, timedelta

from .. import observability
from ..domain import availability, schedule
from ..domain.appointment import Appointment, CancelledBy, Status
from ..domain.catalog import Catalog
from ..domain.errors import RateLimited
from ..domain.salon import Salon
from ..domain.values import frozen
from . import deposits, notify, payment_jobs, rate_limit, waitlist_offers
from .fees import money_of_cancel
from .links import find_by_link, link_digest, link_not_found
from .rate_limit import RateGuard
from .salons import load_salon, require_service, require_staff_for


@frozen
class ManagedBooking:
    appointment: Appointment
    salon: Salon
    catalog: Catalog

    @property
    def free_cancellation_until(self) -> datetime:
        return self.salon.free_cancellation_until(self.appointment.start)


def view(repo, token: str, now: datetime) -> ManagedBooking:
    appt, _ = find_by_link(repo, token, now)
    salon, catalog = load_salon(repo, appt.salon_id)
    return ManagedBooking(appt, salon, catalog)


def cancel(repo, token: str, now: datetime, base_url: str = "", payments=None,
           guard: RateGuard | None = None) -> ManagedBooking:
    """Free before the cutoff; after it allowed, flagged `late` and counted on the client (with
    the salon's late-cancel fee, if it has one). The freed slot goes to the waitlist.
    4 requests: the link, appointment + client (one BatchGetItem), the salon, the transaction.
    `guard`: the public side's rate limits (per address, per link, per salon); its counters ride in
    the cancel's own transaction."""
    digest = link_digest(token)
    found = repo.booking_for_token(digest, now) if digest else None
    if found is None:
        raise link_not_found()
    appt, client = found
    salon, catalog = load_salon(repo, appt.salon_id)
    charges = tuple(guard.charges(salon.id, link=digest)) if guard is not None else ()
    cancelled = cancel_appointment(repo, salon, catalog, appt, CancelledBy.CLIENT, now, base_url, client=client,
                                   payments=payments, rate_charges=charges)
    return ManagedBooking(cancelled, salon, catalog)


_UNREAD = object()


def cancel_appointment(repo, salon, catalog, appt: Appointment, by: CancelledBy, now: datetime,
                       base_url: str, by_reply: bool = False, client=_UNREAD, payments=None,
                       rate_charges: tuple = ()) -> Appointment:
    """Shared by the manage link, the SMS reply "2" (`by_reply`) and the owner: one transaction with
    the texts it causes (and, from the manage link, the rate limits' counters). The freed slot is
    offered to the waitlist by the offers sweep: the cancelled appointment enters the offer lane of
    the due index in that same transaction, so the offer cannot be lost and the cancel does not
    wait for it. `client`: the file, if already read. A paid deposit: refunded on a timely cancel
    (a job written in that same transaction, run after it through `payments` or else by the
    payment-jobs sweep), kept toward the fee on a late one (recorded as the fee's movement)."""
    cancelled = money_of_cancel(salon, appt.cancel(by, now, salon.free_cancellation_until(appt.start)), now)
    if appt.start > now:
        cancelled = replace(cancelled, due=schedule.Due("freed", now))
    refund = payment_jobs.refund_for_cancel(cancelled, now)
    if client is _UNREAD:
        client = repo.get_client(salon.id, appt.client_id)
    fee = None
    if cancelled.late and salon.policy.late_cancel_fee and client is not None:
        fee = client.fees_owed + salon.policy.late_cancel_fee
    holding = appt.status is Status.AWAITING_PAYMENT  # never confirmed: no text, nothing paid, no fee
    online = by is CancelledBy.CLIENT and not by_reply  # on the manage page or in the client's area
    messages = notify.cancellation_confirmation(salon, catalog, client, cancelled, now, receipt=online) \
        if client and not holding else ()
    if by_reply and client is not None and not messages:  # with confirmations off, the reply still gets an answer
        messages = (notify.message(salon, client, "reply_cancelled", now, start=appt.start, late=cancelled.late),)
    try:
        repo.cancel(appt, cancelled, count_late=cancelled.late, fee=fee, messages=messages,
                    jobs=(refund,) if refund else (), rate_charges=rate_charges)
    except RateLimited as refusal:
        rate_limit.refused(refusal, salon.id)
        raise
    observability.count("LateCancellations" if cancelled.late else "Cancellations", salon=salon.id)
    if refund is not None and payments is not None:
        payment_jobs.run(repo, payments, refund, now, salon)
    if holding:  # its checkout must not take money any more (a payment that still lands is refunded)
        deposits.abandon_checkout(payments, appt.deposit)
    return cancelled


def planned_move(salon, catalog, appt: Appointment, start: datetime, staff_id: str | None,
                 now: datetime) -> Appointment:
    """`appt` moved to `start` (and to `staff_id`, by default its own specialist) under the booking
    rules, with its sweep times anew; `appt` itself when nothing changes. Shared by the client's
    reschedule and the salon's move. Raises NotFound or SlotNotOffered."""
    service = require_service(catalog, appt.service_id)
    staff = require_staff_for(catalog, staff_id or appt.staff_id, service)
    if not availability.is_offered(salon, service, staff, start, now):
        raise availability.not_offered(salon, start, now)
    moved = appt.moved_to(start, start + timedelta(minutes=service.duration_minutes), staff.id, now)
    if moved == appt:
        return appt
    return replace(moved, due=schedule.first_due(salon, moved.start, moved.end, now))


def reschedule(repo, token: str, start: datetime, now: datetime, staff_id: str | None = None,
               base_url: str = "", guard: RateGuard | None = None) -> ManagedBooking:
    """Move to a new start (and optionally another specialist; by default the same one).
    `guard`: the public side's rate limits (per address, per link, per salon)."""
    appt, digest = find_by_link(repo, token, now)
    salon, catalog = load_salon(repo, appt.salon_id)
    moved = move_appointment(repo, salon, catalog, appt, start, staff_id, now, base_url, digest,
                             lambda client: guard.charges(salon.id, link=digest) if guard is not None else ())
    return ManagedBooking(moved, salon, catalog)


def move_appointment(repo, salon, catalog, appt: Appointment, start: datetime, staff_id: str | None,
                     now: datetime, base_url: str, token_digest: str | None = None,
                     charges_for=lambda client: ()) -> Appointment:
    """Shared by the manage link and the client's area: the booking rules, one transaction that
    locks the new blocks, releases the old ones and queues the confirmation (with the rate
    counters `charges_for(client)` returns), then the freed slot goes to the waitlist."""
    moved = planned_move(salon, catalog, appt, start, staff_id, now)
    if moved == appt:
        return appt
    client = repo.get_client(salon.id, appt.client_id)
    messages = notify.booking_confirmation(salon, catalog, client, moved, base_url, now, receipt=True) \
        if client else ()
    try:
        repo.reschedule(appt, moved, token_digest, messages, rate_charges=tuple(charges_for(client)))
    except RateLimited as refusal:
        rate_limit.refused(refusal, salon.id)
        raise
    waitlist_offers.offer_freed_slot(repo, salon, catalog, appt, now, base_url)
    return moved
