"""What a manage link can do: see, cancel, reschedule one appointment."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain import availability
from ..domain.appointment import Appointment, CancelledBy
from ..domain.catalog import Catalog
from ..domain.errors import NotFound, SlotNotOffered
from ..domain.ids import token_hash
from ..domain.salon import Salon
from .salons import load_salon, require_service, require_staff_for

MAX_TOKEN_LENGTH = 128


@dataclass(frozen=True)
class ManagedBooking:
    appointment: Appointment
    salon: Salon
    catalog: Catalog

    @property
    def free_cancellation_until(self) -> datetime:
        return self.salon.free_cancellation_until(self.appointment.start)


def _find(repo, token: str) -> tuple[Appointment, str]:
    digest = token_hash(token) if 0 < len(token) <= MAX_TOKEN_LENGTH else None
    appt = repo.appointment_for_token(digest) if digest else None
    if appt is None:
        raise NotFound("This booking link is not valid. Check the link in your confirmation.", "booking_not_found")
    return appt, digest


def view(repo, token: str) -> ManagedBooking:
    appt, _ = _find(repo, token)
    salon, catalog = load_salon(repo, appt.salon_id)
    return ManagedBooking(appt, salon, catalog)


def cancel(repo, token: str, now: datetime) -> ManagedBooking:
    """Free before the cutoff; after it allowed, flagged `late` and counted on the client."""
    appt, _ = _find(repo, token)
    salon, catalog = load_salon(repo, appt.salon_id)
    cancelled = appt.cancel(CancelledBy.CLIENT, now, salon.free_cancellation_until(appt.start))
    repo.cancel(appt, cancelled, count_late=cancelled.late)
    return ManagedBooking(cancelled, salon, catalog)


def reschedule(repo, token: str, start: datetime, now: datetime, staff_id: str | None = None) -> ManagedBooking:
    """Move to a new start (and optionally another specialist; by default the same one)."""
    appt, digest = _find(repo, token)
    salon, catalog = load_salon(repo, appt.salon_id)
    service = require_service(catalog, appt.service_id)
    staff = require_staff_for(catalog, staff_id or appt.staff_id, service)
    if not availability.is_offered(salon, service, staff, start, now):
        raise SlotNotOffered(availability.why_not_offered(salon, start, now))
    moved = appt.moved_to(start, start + timedelta(minutes=service.duration_minutes), staff.id, now)
    if moved == appt:
        return ManagedBooking(appt, salon, catalog)
    repo.reschedule(appt, moved, digest)
    return ManagedBooking(moved, salon, catalog)
