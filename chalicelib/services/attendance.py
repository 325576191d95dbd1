"""Who came: arrived, completed (with the recall nudge), no-show (with the ladder), and the
owner's revert. Shared by the nightly sweep and the owner side."""
from dataclasses import replace
from datetime import datetime, time, timedelta

from .. import observability
from ..domain import ladder
from ..domain.appointment import Appointment, Status
from ..domain.client import Access
from ..domain.clock import local_to_utc, local_today
from ..domain.errors import IllegalTransition, NotFound
from ..domain.salon import Salon
from ..domain.schedule import next_opening
from ..domain.text import N_
from . import fees, notify

RECALL_TIME = time(10, 0)


def mark_no_show(repo, salon: Salon, catalog, appt: Appointment, now: datetime, base_url: str = "",
                 early: bool = False) -> Appointment:
    """Counts the no-show once, takes the ladder's step, queues its message for the next morning.
    `early`: the owner marks it during the day; the rest of the slot goes to the waitlist."""
    from .waitlist_offers import offer_freed_slot

    if early and now < appt.start:
        raise IllegalTransition(N_("An appointment can be marked as a no-show only once it has started."),
                                "not_started")
    client = repo.get_client(salon.id, appt.client_id)
    if client is None:
        raise NotFound(N_("The client of this appointment no longer exists."), "client_not_found")
    missed = fees.money_of_no_show(salon, appt.mark_no_show(), now)
    day = appt.start.astimezone(salon.tz).date()
    step = ladder.step_for([*client.no_show_days, day], local_today(now, salon.tz), salon.policy.ladder)
    updated = replace(client, no_show_count=client.no_show_count + 1, no_show_days=(*client.no_show_days, day))
    if step.restrict_until and client.access is Access.OK:
        updated = replace(updated, access=Access.RESTRICTED, restricted_until=step.restrict_until)
    if salon.policy.no_show_fee:
        updated = replace(updated, fees_owed=client.fees_owed + salon.policy.no_show_fee)
    fields = {"salon_phone": salon.phone}
    if step.message == "noshow_policy":
        fields["start"] = appt.start
    if step.message == "booking_restricted":
        fields["until"] = step.restrict_until
    message = notify.message(salon, client, step.message, now, not_before=next_opening(salon, now), **fields)
    repo.record_no_show(appt, missed, client, updated, message, release_slot=early)
    observability.count("NoShows", salon=salon.id)
    if early:
        offer_freed_slot(repo, salon, catalog, appt, now, base_url)
    return missed


def revert_no_show(repo, salon: Salon, appt: Appointment, now: datetime) -> Appointment:
    """The owner's correction: the client came. The counter goes back, the restriction the
    ladder set is undone, and its message is cancelled if it has not left yet."""
    if appt.status is not Status.NO_SHOW:
        raise IllegalTransition(N_("Only a no-show can be reverted."))
    client = repo.get_client(salon.id, appt.client_id)
    undo = repo.no_show_undo(appt) or {}
    if undo.get("message_id"):
        repo.cancel_message_if_pending(salon.id, undo["message_id"], "no-show reverted")
    day = appt.start.astimezone(salon.tz).date()
    days = list(client.no_show_days)
    if day in days:
        days.remove(day)
    restored = replace(client, no_show_count=max(client.no_show_count - 1, 0), no_show_days=tuple(days))
    if "access" in undo and client.access is not Access.BANNED:
        from datetime import date
        from decimal import Decimal

        until = undo.get("restricted_until")
        restored = replace(restored, access=Access(undo["access"]),
                           restricted_until=date.fromisoformat(until) if until else None,
                           fees_owed=Decimal(undo.get("fees_owed", str(client.fees_owed))))
    arrived = fees.without_no_show_fee(appt.revert_no_show())
    repo.revert_no_show(appt, arrived, restored)
    return arrived


def mark_arrived(repo, appt: Appointment) -> Appointment:
    arrived = appt.mark_arrived()
    repo.update_appointment(appt, arrived)
    return arrived


def complete(repo, salon: Salon, catalog, appt: Appointment, now: datetime, base_url: str = "") -> Appointment:
    """Completed; queues the service's recall nudge when the client agreed to receive them."""
    done = replace(appt.complete(), due=None)
    messages = ()
    service = catalog.service(appt.service_id)
    if service is not None and service.recall_days:
        client = repo.get_client(salon.id, appt.client_id)
        if client is not None and client.recall_consent:
            recall_day = appt.start.astimezone(salon.tz).date() + timedelta(days=service.recall_days)
            at = local_to_utc(recall_day, RECALL_TIME, salon.tz) or now
            messages = (notify.message(salon, client, "recall", now, not_before=at, service_name=service.name,
                                       book_url=f"{base_url}/book/{salon.id}?service={service.id}"),)
    repo.update_appointment(appt, done, messages)
    return done
