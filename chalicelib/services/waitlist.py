"""Joining the waitlist for a service over a range of days (offers are sent by the sweeps).

One phone waits once per service: a join that overlaps (or touches) an entry the client already
has for that service widens that entry to cover both ranges instead of adding another, and a
repeated join changes nothing. A phone waits for at most MAX_WAITING services at a salon at once
(the salon itself may add more). A restricted or banned number gets the booking's own answer."""
from dataclasses import replace
from datetime import date, datetime, timedelta

from ..domain.client import normalize_phone
from ..domain.clock import local_today
from ..domain.errors import BookingRestricted, IllegalTransition, InvalidRequest
from ..domain.ids import new_id
from ..domain.text import N_, ngettext
from ..domain.values import frozen
from ..storage.repository import WaitlistEntry
from .clients import create_or_find, restricted_message
from .rate_limit import RateGuard
from .salons import load_salon, require_service, require_staff_for

MAX_WAITING = 3  # waiting entries of one phone at one salon, joined from the public side


@frozen
class WaitlistRequest:
    salon_id: str
    service_id: str
    first_day: date
    last_day: date
    name: str
    phone: str
    staff_id: str | None = None
    email: str | None = None


def join(repo, request: WaitlistRequest, now: datetime, guard: RateGuard | None = None,
         by_salon: bool = False) -> WaitlistEntry:
    """The entry that now covers the request (new, widened or unchanged). `guard`: the public
    side's rate limits; `by_salon`: the salon adds the entry (no MAX_WAITING)."""
    salon, catalog = load_salon(repo, request.salon_id)
    service = require_service(catalog, request.service_id)
    if request.staff_id is not None:
        require_staff_for(catalog, request.staff_id, service)
    today = local_today(now, salon.tz)
    if request.last_day < request.first_day:
        raise InvalidRequest(N_("date_to must not be before date_from."))
    if request.last_day < today:
        raise InvalidRequest(N_("Those days are in the past. Pick days from today on."))
    if request.last_day > today + timedelta(days=salon.horizon_days):
        raise InvalidRequest(ngettext("The waitlist covers at most %(num)s day ahead.",
                                      "The waitlist covers at most %(num)s days ahead.", salon.horizon_days))
    if guard is not None:
        guard.check(salon.id, phone=normalize_phone(request.phone, salon.country))
    client = create_or_find(repo, salon, request.name, request.phone, request.email, now)
    if not client.may_book_online(today):
        raise BookingRestricted(restricted_message(salon))  # word for word what a booking answers
    first_day = max(request.first_day, today)
    waiting = repo.waiting_entries_of_client(salon.id, client.id, today, salon.horizon_days)
    same = [e for e in waiting if e.service_id == service.id and _overlap_or_touch(e, first_day, request.last_day)]
    if same:
        return _widened(repo, same[0], first_day, request.last_day, request.staff_id, now)
    if not by_salon and len(waiting) >= MAX_WAITING:
        raise IllegalTransition(N_(
            "This phone number is already on %(salon)s's waitlist for %(most)s services, the most at "
            "one time. Call the salon on %(phone)s to change them.", salon=salon.name, most=MAX_WAITING,
            phone=salon.phone), "waitlist_full")
    entry = WaitlistEntry(id=new_id(), salon_id=salon.id, service_id=service.id, staff_id=request.staff_id,
                          client_id=client.id, first_day=first_day, last_day=request.last_day)
    repo.add_waitlist_entry(entry, now)
    return entry


def _overlap_or_touch(entry: WaitlistEntry, first: date, last: date) -> bool:
    return entry.first_day <= last + timedelta(days=1) and first <= entry.last_day + timedelta(days=1)


def _widened(repo, entry: WaitlistEntry, first: date, last: date, staff_id: str | None,
             now: datetime) -> WaitlistEntry:
    """Both ranges in one entry; asked for another specialist than before: anyone who does it."""
    wider = replace(entry, first_day=min(entry.first_day, first), last_day=max(entry.last_day, last),
                    staff_id=entry.staff_id if entry.staff_id == staff_id else None)
    if wider == entry:
        return entry  # already covered: a repeated join changes nothing
    return wider if repo.widen_waitlist_entry(entry, wider, now) else entry
