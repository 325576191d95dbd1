"""Treatment records: the specialist's record of a visit, its photos, the fields each service asks
for, and what the client file shows.

Who: the record page of an appointment opens for whoever may open the appointment in the agenda
(the owner and the front desk for every specialist, a staff login for its own), once the client
has arrived. The client file lists the records to the roles that may read private notes. Every
save, photo change and field definition is audited with what changed, never with its text."""
from dataclasses import replace
from datetime import datetime

from ..auth import roles
from ..domain.appointment import Appointment
from ..domain.catalog import Catalog, Service
from ..domain.client import Client
from ..domain.clock import iso_utc
from ..domain.errors import IllegalTransition, NotFound
from ..domain.records import (
    PHOTO_SLOTS,
    RecordField,
    TreatmentRecord,
    checked_text,
    checked_values,
    parse_fields_spec,
    photo_slot,
    require_started,
)
from ..domain.salon import Salon
from ..domain.values import frozen
from ..photos import PhotoStore, UploadForm
from ..storage import keys
from ..web.catalogs import N_  # marks the messages owner pages translate (make messages)
from .owner.agenda import Viewer, find
from .owner.clients import NotAllowed
from .salons import load_salon

FILE_RECORDS = 50  # the client file shows this many, newest first


@frozen
class Photo:
    slot: int
    key: str
    size: int
    url: str  # short-lived signed link


@frozen
class RecordPage:
    salon: Salon
    catalog: Catalog
    appointment: Appointment
    client: Client | None
    fields: tuple[RecordField, ...]
    record: TreatmentRecord | None
    photos: tuple[Photo, ...]

    @property
    def free_slots(self) -> tuple[int, ...]:
        taken = {p.slot for p in self.photos}
        return tuple(s for s in PHOTO_SLOTS if s not in taken)


@frozen
class RecordView:
    """A record as the client file shows it: values with their labels, photos with links."""

    record: TreatmentRecord
    service_name: str
    staff_name: str
    values: tuple[tuple[str, str], ...]
    photos: tuple[Photo, ...]


def _viewer(who) -> Viewer:
    return Viewer(who.role, who.staff_id)


def open_record(repo, store: PhotoStore, who, start: datetime | None, appointment_id: str | None) -> RecordPage:
    """The appointment's record (or none yet), its photos and its service's fields."""
    found = find(repo, who.salon_id, _viewer(who), start, appointment_id)
    appt = found.appointment
    require_started(appt)
    service = found.catalog.service(appt.service_id)
    prefix = keys.photo_record_prefix(appt.salon_id, appt.client_id, appt.id)
    return RecordPage(found.salon, found.catalog, appt, repo.get_client(appt.salon_id, appt.client_id),
                      service.record_fields if service else (),
                      repo.get_record(appt.salon_id, appt.start, appt.id), _photos(store, store.photos(prefix)))


def save(repo, audit, who, start: datetime | None, appointment_id: str | None, text: str,
         values: dict[str, str], now: datetime) -> TreatmentRecord:
    """Write or rewrite the visit's record (one transaction, conditioned on the appointment)."""
    found = find(repo, who.salon_id, _viewer(who), start, appointment_id)
    appt = found.appointment
    require_started(appt)
    service = found.catalog.service(appt.service_id)
    fields = service.record_fields if service else ()
    clean = checked_values(fields, values)
    before = repo.get_record(appt.salon_id, appt.start, appt.id)
    labels = {f.id: f.label for f in fields if f.id in clean}
    record = TreatmentRecord(
        salon_id=appt.salon_id, client_id=appt.client_id, appointment_id=appt.id, appointment_start=appt.start,
        staff_id=appt.staff_id, service_id=appt.service_id, text=checked_text(text), values=clean, labels=labels,
        created_at=before.created_at if before else now, updated_at=now, updated_by=who.user_id)
    client = repo.get_client(appt.salon_id, appt.client_id)
    if client is None or client.erased:
        raise IllegalTransition(N_("This client's personal data was erased; no record can be added."), "client_erased")
    newest = client.last_record_at is None or client.last_record_at <= appt.start
    repo.save_record(record, newest)
    changed = sorted(k for k in set(clean) | set(before.values if before else {})
                     if clean.get(k) != (before.values.get(k) if before else None))
    if before is None or before.text != record.text:
        changed.append("text")
    audit.record_audit(appt.salon_id, who.user_id, "record_updated" if before else "record_created",
                       f"appointment:{appt.id}", {"client_id": appt.client_id, "fields": changed}, now)
    return record


def upload_form(page: RecordPage, store: PhotoStore, slot: int, redirect_url: str) -> UploadForm:
    appt = page.appointment
    return store.upload_form(keys.photo_key(appt.salon_id, appt.client_id, appt.id, photo_slot(slot)), redirect_url)


def photo_added(repo, store: PhotoStore, audit, who, start, appointment_id, slot, now: datetime) -> RecordPage:
    """Where the photo store sends the browser after an upload: audited when the photo is there."""
    page = open_record(repo, store, who, start, appointment_id)
    slot = photo_slot(slot)
    if any(p.slot == slot for p in page.photos):
        audit.record_audit(page.salon.id, who.user_id, "record_photo_added", f"appointment:{page.appointment.id}",
                           {"client_id": page.appointment.client_id, "slot": slot}, now)
    return page


def delete_photo(repo, store: PhotoStore, audit, who, start, appointment_id, slot, now: datetime) -> None:
    page = open_record(repo, store, who, start, appointment_id)
    slot = photo_slot(slot)
    photo = next((p for p in page.photos if p.slot == slot), None)
    if photo is None:
        raise NotFound(N_("There is no photo in this place."), "photo_not_found")
    store.delete(photo.key)
    audit.record_audit(page.salon.id, who.user_id, "record_photo_deleted", f"appointment:{page.appointment.id}",
                       {"client_id": page.appointment.client_id, "slot": slot}, now)


def for_file(repo, store: PhotoStore, salon: Salon, catalog: Catalog, client: Client) -> list[RecordView]:
    """The client's records newest first, for a role that may read notes (the caller checks):
    one Query, and one listing of the client's photos."""
    records = repo.client_records(salon.id, client.id, limit=FILE_RECORDS)
    if not records:
        return []
    by_record: dict[str, list] = {}
    for stored in store.photos(keys.photo_client_prefix(salon.id, client.id)):
        by_record.setdefault(stored.key.rsplit("/", 2)[-2], []).append(stored)
    return [view(r, catalog, _photos(store, by_record.get(r.appointment_id, []))) for r in records]


def view(record: TreatmentRecord, catalog: Catalog, photos=()) -> RecordView:
    service = catalog.service(record.service_id)
    staff = catalog.staff_member(record.staff_id)
    fields = {f.id: f.label for f in service.record_fields} if service else {}
    values = tuple((fields.get(k) or record.labels.get(k) or k, v) for k, v in record.values.items())
    return RecordView(record, service.name if service else record.service_id,
                      staff.name if staff else record.staff_id, values, tuple(photos))


def record_fields_of(repo, who, service_id: str) -> tuple[Salon, Service]:
    salon, catalog = load_salon(repo, who.salon_id)
    service = catalog.service(service_id)
    if service is None:
        raise NotFound(N_("This salon has no such service."), "service_not_found")
    return salon, service


def define_fields(repo, audit, who, service_id: str, spec: str, now: datetime) -> Service:
    """The owner's list of fields for the service's records (one a line, see domain/records.py)."""
    if not who.can(roles.SETTINGS):
        raise NotAllowed(N_("Only the owner defines the fields of treatment records."))
    salon, service = record_fields_of(repo, who, service_id)
    fields = parse_fields_spec(spec)
    repo.set_record_fields(salon.id, service.id, fields)
    audit.record_audit(salon.id, who.user_id, "record_fields_changed", f"service:{service.id}",
                       {"fields": [f.id for f in fields]}, now)
    return replace(service, record_fields=fields)


def _photos(store: PhotoStore, stored) -> tuple[Photo, ...]:
    found = []
    for item in stored:
        name = item.key.rsplit("/", 1)[-1]
        if name.isdigit() and int(name) in PHOTO_SLOTS:
            found.append(Photo(int(name), item.key, item.size, store.view_url(item.key)))
    return tuple(sorted(found, key=lambda p: p.slot))


def export_record(view: RecordView) -> dict:
    """A record in the client's JSON export and the API."""
    record = view.record
    return {"appointment_id": record.appointment_id, "appointment_start": iso_utc(record.appointment_start),
            "service_id": record.service_id, "service_name": view.service_name, "staff_id": record.staff_id,
            "staff_name": view.staff_name, "text": record.text,
            "fields": [{"label": label, "value": value} for label, value in view.values],
            "photos": [{"slot": p.slot, "size": p.size, "url": p.url} for p in view.photos],
            "created_at": iso_utc(record.created_at), "updated_at": iso_utc(record.updated_at)}
