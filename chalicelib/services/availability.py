"""Free slots for a service: one Query for the salon's configuration, one for appointments."""
from datetime import date, datetime, time, timedelta

from ..domain import availability
from ..domain.appointment import HOLDS_SLOT
from ..domain.catalog import Catalog, Service
from ..domain.errors import InvalidRequest
from ..domain.salon import Salon
from ..domain.text import N_, ngettext
from .salons import load_salon, require_service, require_staff_for

MAX_RANGE_DAYS = 31


def find_slots(repo, salon_id: str, service_id: str, first_day: date, last_day: date,
               now: datetime, staff_id: str | None = None) -> tuple[Salon, list[availability.Slot]]:
    """The public availability query: validates ids and the range, then computes."""
    salon, catalog = load_salon(repo, salon_id)
    service = require_service(catalog, service_id)
    if staff_id is not None:
        require_staff_for(catalog, staff_id, service)
    return salon, slots_for(repo, salon, catalog, service, first_day, last_day, now, staff_id)


def slots_for(repo, salon: Salon, catalog: Catalog, service: Service, first_day: date, last_day: date,
              now: datetime, staff_id: str | None = None, moving: str | None = None) -> list[availability.Slot]:
    """Free slots of an already loaded salon. `moving`: the id of an appointment being
    rescheduled, whose own time counts as free (it is released by the same transaction)."""
    if last_day < first_day:
        raise InvalidRequest(N_("date_to must not be before date_from."))
    if (last_day - first_day).days + 1 > MAX_RANGE_DAYS:
        raise InvalidRequest(ngettext("Ask for at most %(num)s day at a time.",
                                      "Ask for at most %(num)s days at a time.", MAX_RANGE_DAYS))
    first = datetime.combine(first_day, time.min, salon.tz)
    last = datetime.combine(last_day + timedelta(days=1), time.min, salon.tz)
    appointments = repo.appointments_overlapping(salon.id, first, last)
    booked = availability.busy_blocks(
        (a.staff_id, a.start, a.occupied_until) for a in appointments if a.status in HOLDS_SLOT and a.id != moving)
    return availability.free_slots(salon, catalog, service, first_day, last_day, now, booked, staff_id)
