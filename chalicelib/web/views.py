"""What the manage pages show about one appointment, decided once here rather than in templates."""
from datetime import datetime

from ..domain.appointment import Appointment, CancelledBy, Status
from ..domain.catalog import Service, Staff
from ..domain.salon import Salon
from ..domain.values import frozen


@frozen
class BookingView:
    appointment: Appointment
    salon: Salon
    service: Service | None  # None if the salon has since retired it
    staff: Staff | None
    free_until: datetime
    can_change: bool  # still active and not yet started
    free_now: bool  # a cancellation now is free

    @property
    def cancelled_by_salon(self) -> bool:
        return self.appointment.cancelled_by is CancelledBy.SALON

    @property
    def awaiting_payment(self) -> bool:
        """An unpaid hold: its client may pay, pick another time, or drop it (free, nothing to refund)."""
        return self.appointment.status is Status.AWAITING_PAYMENT

    @property
    def can_cancel(self) -> bool:
        return self.can_change or self.awaiting_payment


def booking_view(managed, now: datetime) -> BookingView:
    appt, salon, catalog = managed.appointment, managed.salon, managed.catalog
    free_until = managed.free_cancellation_until
    return BookingView(
        appointment=appt, salon=salon,
        service=next((s for s in catalog.services if s.id == appt.service_id), None),
        staff=next((s for s in catalog.staff if s.id == appt.staff_id), None),
        free_until=free_until, can_change=appt.is_active and now < appt.start, free_now=now <= free_until)
