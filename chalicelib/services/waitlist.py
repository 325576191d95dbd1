"""Joining the waitlist for a service over a range of days (offers are sent by the sweeps)."""
from datetime import date, datetime, timedelta

from ..domain.clock import local_today
from ..domain.errors import BookingRestricted, InvalidRequest
from ..domain.ids import new_id
from ..domain.values import frozen
from ..storage.repository import WaitlistEntry
from .clients import create_or_find, restricted_message
from .salons import load_salon, require_service, require_staff_for


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


def join(repo, request: WaitlistRequest, now: datetime) -> WaitlistEntry:
    salon, catalog = load_salon(repo, request.salon_id)
    service = require_service(catalog, request.service_id)
    if request.staff_id is not None:
        require_staff_for(catalog, request.staff_id, service)
    today = local_today(now, salon.tz)
    if request.last_day < request.first_day:
        raise InvalidRequest("date_to must not be before date_from.")
    if request.last_day < today:
        raise InvalidRequest("Those days are in the past. Pick days from today on.")
    if request.last_day > today + timedelta(days=salon.horizon_days):
        raise InvalidRequest(f"The waitlist covers at most {salon.horizon_days} days ahead.")
    client = create_or_find(repo, salon, request.name, request.phone, request.email, now)
    if not client.may_book_online(today):
        raise BookingRestricted(restricted_message(salon))
    entry = WaitlistEntry(id=new_id(), salon_id=salon.id, service_id=service.id, staff_id=request.staff_id,
                          client_id=client.id, first_day=max(request.first_day, today), last_day=request.last_day)
    repo.add_waitlist_entry(entry, now)
    return entry
