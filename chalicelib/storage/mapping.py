"""Item <-> domain object conversions. Domain objects never see an item, and vice versa."""
from datetime import date, datetime
from decimal import Decimal

from ..domain.appointment import Appointment, CancelledBy, Status
from ..domain.catalog import Service, Staff, TimeOff
from ..domain.client import Access, Client
from ..domain.clock import iso_utc, parse_iso_utc
from ..domain.salon import Salon, format_weekly_hours, parse_weekly_hours
from . import keys
from .models import AppointmentItem, ClientItem, SalonItem, ServiceItem, StaffItem


def salon_to_item(salon: Salon) -> SalonItem:
    return SalonItem(
        keys.salon_pk(salon.id), keys.PROFILE_SK,
        salon_id=salon.id, name=salon.name, phone=salon.phone, timezone=salon.timezone,
        locale=salon.locale, currency=salon.currency, country=salon.country,
        hours=format_weekly_hours(salon.hours),
        closed_dates=sorted(d.isoformat() for d in salon.closed_dates),
        slot_minutes=salon.slot_minutes, min_notice_minutes=salon.min_notice_minutes,
        horizon_days=salon.horizon_days, cancellation_cutoff_hours=salon.cancellation_cutoff_hours,
    )


def salon_from_item(item: SalonItem) -> Salon:
    return Salon(
        id=item.salon_id, name=item.name, phone=item.phone, timezone=item.timezone,
        locale=item.locale, currency=item.currency, country=item.country,
        hours=parse_weekly_hours(item.hours),
        closed_dates=frozenset(date.fromisoformat(d) for d in item.closed_dates),
        slot_minutes=int(item.slot_minutes), min_notice_minutes=int(item.min_notice_minutes),
        horizon_days=int(item.horizon_days), cancellation_cutoff_hours=int(item.cancellation_cutoff_hours),
    )


def service_to_item(salon_id: str, service: Service) -> ServiceItem:
    return ServiceItem(
        keys.salon_pk(salon_id), keys.service_sk(service.id),
        service_id=service.id, name=service.name, duration_minutes=service.duration_minutes,
        buffer_minutes=service.buffer_minutes, price=str(service.price), active=service.active,
    )


def service_from_item(item: ServiceItem) -> Service:
    return Service(
        id=item.service_id, name=item.name, duration_minutes=int(item.duration_minutes),
        buffer_minutes=int(item.buffer_minutes), price=Decimal(item.price), active=item.active,
    )


def staff_to_item(salon_id: str, staff: Staff) -> StaffItem:
    return StaffItem(
        keys.salon_pk(salon_id), keys.staff_sk(staff.id),
        staff_id=staff.id, name=staff.name, service_ids=list(staff.service_ids),
        hours=None if staff.hours is None else format_weekly_hours(staff.hours),
        time_off=[[off.start.isoformat(timespec="minutes"), off.end.isoformat(timespec="minutes")]
                  for off in staff.time_off],
        active=staff.active,
    )


def staff_from_item(item: StaffItem) -> Staff:
    return Staff(
        id=item.staff_id, name=item.name, service_ids=tuple(item.service_ids),
        hours=None if item.hours is None else parse_weekly_hours(item.hours),
        time_off=tuple(TimeOff(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in item.time_off),
        active=item.active,
    )


def client_to_item(salon_id: str, client: Client, now: datetime) -> ClientItem:
    return ClientItem(
        keys.salon_pk(salon_id), keys.client_sk(client.id),
        client_id=client.id, name=client.name, phone=client.phone, email=client.email,
        locale=client.locale, no_show_count=client.no_show_count,
        late_cancel_count=client.late_cancel_count, access=client.access.value,
        restricted_until=client.restricted_until.isoformat() if client.restricted_until else None,
        notes=client.notes, created_at=iso_utc(now),
    )


def client_from_item(item: ClientItem) -> Client:
    return Client(
        id=item.client_id, name=item.name, phone=item.phone, email=item.email, locale=item.locale,
        no_show_count=int(item.no_show_count), late_cancel_count=int(item.late_cancel_count),
        access=Access(item.access),
        restricted_until=date.fromisoformat(item.restricted_until) if item.restricted_until else None,
        notes=item.notes,
    )


def appointment_to_item(appt: Appointment) -> AppointmentItem:
    return AppointmentItem(
        keys.salon_pk(appt.salon_id), keys.appointment_sk(appt.start, appt.id),
        gsi1pk=keys.client_history_pk(appt.salon_id, appt.client_id),
        gsi1sk=keys.client_history_sk(appt.start),
        salon_id=appt.salon_id, appointment_id=appt.id, service_id=appt.service_id,
        staff_id=appt.staff_id, client_id=appt.client_id, start=iso_utc(appt.start), end=iso_utc(appt.end),
        buffer_minutes=appt.buffer_minutes, status=appt.status.value, late=appt.late,
        cancelled_by=appt.cancelled_by.value if appt.cancelled_by else None, notes=appt.notes,
        created_at=iso_utc(appt.created_at) if appt.created_at else None,
    )


def appointment_from_item(item: AppointmentItem) -> Appointment:
    return Appointment(
        id=item.appointment_id, salon_id=item.salon_id, service_id=item.service_id,
        staff_id=item.staff_id, client_id=item.client_id,
        start=parse_iso_utc(item.start), end=parse_iso_utc(item.end),
        buffer_minutes=int(item.buffer_minutes), status=Status(item.status), late=bool(item.late),
        cancelled_by=CancelledBy(item.cancelled_by) if item.cancelled_by else None, notes=item.notes,
        created_at=parse_iso_utc(item.created_at) if item.created_at else None,
    )
