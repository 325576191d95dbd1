"""A freed slot goes to the waitlist, one client at a time: the slot is held for them (a `held`
appointment with its locks, so nobody else books it) and offered by SMS with a claim link.
Unclaimed when the hold ends, it goes to the next waiting client."""
from dataclasses import replace
from datetime import datetime, timedelta

from .. import observability
from ..domain import availability, schedule
from ..domain.appointment import Appointment, CancelledBy, Status
from ..domain.clock import iso_utc, local_today
from ..domain.errors import DomainError, IllegalTransition, SlotTaken
from ..domain.ids import new_id
from ..domain.schedule import Due
from ..domain.sending_window import next_send_time
from . import notify
from .links import find_by_link


def offer_freed_slot(repo, salon, catalog, freed: Appointment, now: datetime, base_url: str) -> Appointment | None:
    """Offer `freed`'s time (same specialist) to the first waiting client it suits."""
    policy = salon.policy
    leaves_at = next_send_time(now, salon.tz, policy.send_from, policy.send_until)
    if leaves_at >= freed.start - timedelta(minutes=salon.min_notice_minutes):
        return None  # the offer could not leave (quiet hours) in time to be used
    staff = catalog.staff_member(freed.staff_id)
    if staff is None:
        return None
    today = local_today(now, salon.tz)
    day = freed.start.astimezone(salon.tz).date()
    for entry in sorted(repo.waitlist_for_day(salon.id, day, salon.horizon_days), key=lambda e: e["id"]):
        service = catalog.service(entry["service_id"])
        if (service is None or not staff.performs(service.id) or entry["staff_id"] not in (None, staff.id)
                or iso_utc(freed.start) in entry["passed"]
                or not availability.is_offered(salon, service, staff, freed.start, now)):
            continue
        client = repo.get_client(salon.id, entry["client_id"])
        if client is None or client.sms_opt_out or not client.may_book_online(today):
            continue
        hold_until = leaves_at + timedelta(minutes=policy.waitlist_hold_minutes)
        held = Appointment(
            id=new_id(), salon_id=salon.id, service_id=service.id, staff_id=staff.id, client_id=client.id,
            start=freed.start, end=freed.start + timedelta(minutes=service.duration_minutes),
            buffer_minutes=service.buffer_minutes, status=Status.HELD, created_at=now,
            due=Due("offer_expiry", hold_until), waitlist_entry=entry["sk"], price=service.price,
        )  # the claim link is made when the offer is sent, and lives until the hold ends
        offer = notify.message(salon, client, "waitlist_offer", now, appointment=held, start=held.start,
                               claim_url=notify.claim_url(base_url), hold_minutes=policy.waitlist_hold_minutes,
                               service_name=service.name)
        try:
            repo.create_hold(held, entry["key"], offer)
        except SlotTaken:
            return None  # booked by someone else meanwhile, or the entry changed
        observability.count("WaitlistOffers", salon=salon.id)
        return held
    return None


def claim(repo, token: str, now: datetime, base_url: str = "", guard=None) -> Appointment:
    """The waitlisted client takes the held slot: it becomes their booking, and the claim link
    becomes its manage link (it then lives as long as a manage link). `guard`: the public side's
    rate limits (services/rate_limit.RateGuard), counted per address, link and salon like a cancel."""
    from .salons import load_salon

    held, digest = find_by_link(repo, token, now)
    if guard is not None:
        guard.check(held.salon_id, link=digest)
    if held.status is not Status.HELD:
        if held.status in (Status.BOOKED, Status.CONFIRMED) and held.waitlist_entry:
            return held  # claimed already (a second tap)
        raise IllegalTransition("This offer has ended. You can still join the waitlist again or call the salon.",
                                "offer_expired")
    if held.due is not None and now >= held.due.at:
        raise IllegalTransition("This offer has ended. You can still join the waitlist again or call the salon.",
                                "offer_expired")
    salon, catalog = load_salon(repo, held.salon_id)
    booked = replace(held.claim(), due=schedule.first_due(salon, held.start, held.end, now))
    client = repo.get_client(salon.id, held.client_id)
    messages = notify.booking_confirmation(salon, catalog, client, booked, base_url, now, receipt=True) \
        if client else ()
    repo.add_link(held, booked, digest, messages)  # the claim link rewritten with a manage link's life
    repo.set_waitlist_status(salon.id, held.waitlist_entry, "booked")
    observability.count("WaitlistFills", salon=salon.id)
    return booked


def expire_hold(repo, salon, catalog, held: Appointment, now: datetime, base_url: str) -> Appointment | None:
    """The hold ended unclaimed: release it and offer the slot to the next client."""
    released = held.cancel(CancelledBy.OFFER_EXPIRED, now, held.start)
    try:
        repo.update_appointment(held, released, release_slot=True)
    except DomainError:
        return None  # claimed or changed a moment ago
    if held.waitlist_entry:
        repo.set_waitlist_status(salon.id, held.waitlist_entry, "waiting", passed_start=held.start)
    return offer_freed_slot(repo, salon, catalog, held, now, base_url)
