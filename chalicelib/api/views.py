"""Response bodies of the public API. Nothing private (notes, counters, other clients) ever
goes through here."""
from datetime import datetime

from ..domain.appointment import Appointment
from ..domain.availability import Slot
from ..domain.catalog import Catalog, Service, Staff
from ..domain.money import Deposit, DepositKind, format_amount
from ..domain.salon import Salon, format_weekly_hours


def local_iso(instant: datetime, salon: Salon) -> str:
    return instant.astimezone(salon.tz).isoformat(timespec="seconds")


def salon_view(salon: Salon) -> dict:
    return {
        "id": salon.id, "name": salon.name, "phone": salon.phone, "address": salon.address or None,
        "timezone": salon.timezone, "locale": salon.locale, "currency": salon.currency,
        "opening_hours": format_weekly_hours(salon.hours),
        "channels": list(salon.channels_enabled),  # how a client may choose to be reached
        "policies": {
            "slot_minutes": salon.slot_minutes, "min_notice_minutes": salon.min_notice_minutes,
            "horizon_days": salon.horizon_days, "cancellation_cutoff_hours": salon.cancellation_cutoff_hours,
        },
    }


def service_view(service: Service, salon: Salon, catalog: Catalog) -> dict:
    view = {
        "id": service.id, "name": service.name, "duration_minutes": service.duration_minutes,
        "price": str(service.price), "currency": salon.currency, "staff_ids": catalog.staff_ids_for(service.id),
    }
    if service.deposit.kind is not DepositKind.NONE:
        amount = service.deposit.amount(service.price, salon.currency)
        view["deposit"] = {"amount": format_amount(amount, salon.currency), "currency": salon.currency}
    return view


def payment_view(deposit: Deposit, salon: Salon, status: str | None = None) -> dict:
    """The deposit of a booking: where to pay (until paid) and until when the time is held."""
    view = {"amount": format_amount(deposit.amount, deposit.currency), "currency": deposit.currency,
            "expires_at": local_iso(deposit.expires_at, salon), "paid": deposit.paid,
            "purpose": "deposit" if deposit.amount else "card"}
    if not deposit.paid and status in (None, "awaiting_payment"):
        view["url"] = deposit.url
    return view


def staff_view(staff: Staff, catalog: Catalog) -> dict:
    offered = {s.id for s in catalog.services if s.active}
    return {"id": staff.id, "name": staff.name, "service_ids": [s for s in staff.service_ids if s in offered]}


def slot_view(slot: Slot, salon: Salon) -> dict:
    return {"start": local_iso(slot.start, salon), "end": local_iso(slot.end, salon), "staff_id": slot.staff_id}


def booking_view(appt: Appointment, salon: Salon, catalog: Catalog | None = None) -> dict:
    view = {
        "id": appt.id, "status": appt.status.value, "start": local_iso(appt.start, salon),
        "end": local_iso(appt.end, salon), "service_id": appt.service_id, "staff_id": appt.staff_id,
        "late": appt.late,
    }
    if catalog is not None:
        service, staff = catalog.service(appt.service_id), catalog.staff_member(appt.staff_id)
        view["service_name"] = service.name if service else None
        view["staff_name"] = staff.name if staff else None
    return view
