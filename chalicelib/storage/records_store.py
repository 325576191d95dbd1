"""Treatment records (a Repository mixin): one item per visit, beside its appointment.

    SALON#<salon> / RECORD#<appt-start-utc>#<appt>     GSI1: SALON#<salon>#CLIENT#<client> / RECORD#<start>#<appt>

Saving a record is one transaction: the appointment must still be started (arrived or completed)
and still the client's, the record is written, and the client file's "last time" summary moves
to it when it is the newest. Photos are not here: they live in the photo store under the
record's prefix (storage/keys.py)."""
from datetime import datetime

from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from ..domain.clock import iso_utc, parse_iso_utc
from ..domain.errors import IllegalTransition
from ..domain.records import STARTED, RecordField, TreatmentRecord
from ..domain.text import N_
from . import keys
from .mapping import record_fields_to_list
from .models import AppointmentItem, ClientItem, Item, ServiceItem


class RecordItem(Item, discriminator="record"):
    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute()
    appointment_start = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    text = UnicodeAttribute(default="")
    values = JSONAttribute(null=True)  # field id -> value
    labels = JSONAttribute(null=True)  # field id -> label when written (a renamed field keeps its old label here)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute(default="")


def _not_started(reason) -> IllegalTransition:
    return IllegalTransition(N_("This appointment changed a moment ago: a record needs an appointment the client "
                                "has arrived for. Reload it and try again."), "appointment_not_started")


class RecordsStore:
    def get_record(self, salon_id: str, appointment_start: datetime, appointment_id: str) -> TreatmentRecord | None:
        try:
            item = RecordItem.get(keys.salon_pk(salon_id), keys.record_sk(appointment_start, appointment_id),
                                  consistent_read=True)
        except DoesNotExist:
            return None
        return _record(item)

    def client_records(self, salon_id: str, client_id: str, limit: int | None = None) -> list[TreatmentRecord]:
        """The client's records, newest first (GSI1, beside their appointments)."""
        query = Item.history_index.query(keys.client_history_pk(salon_id, client_id),
                                         Item.gsi1sk.startswith(keys.RECORD_PREFIX), scan_index_forward=False,
                                         limit=limit)
        return [_record(item) for item in query if isinstance(item, RecordItem)]

    def save_record(self, record: TreatmentRecord, newest: bool) -> None:
        """Put the record if its appointment is still started and the client's; `newest`: it is
        the client's latest, so the file's "last time" summary points to it."""
        pk = keys.salon_pk(record.salon_id)
        tx = self._transaction()
        tx.check(AppointmentItem, pk, keys.appointment_sk(record.appointment_start, record.appointment_id),
                 AppointmentItem.status.is_in(*[s.value for s in STARTED])
                 & (AppointmentItem.client_id == record.client_id), on_fail=_not_started)
        tx.save(_item(record))
        if newest:
            tx.update(ClientItem(pk, keys.client_sk(record.client_id)),
                      actions=[ClientItem.last_record.set(record.summary() or "—"),
                               ClientItem.last_record_at.set(iso_utc(record.appointment_start))],
                      condition=ClientItem.pk.exists() & ClientItem.erased_at.does_not_exist(),
                      on_fail=_not_started)
        tx.commit()

    def erase_records(self, salon_id: str, client_id: str) -> int:
        """Delete every record of the client and the file's summary of the last one."""
        records = self.client_records(salon_id, client_id)
        pk = keys.salon_pk(salon_id)
        for record in records:
            RecordItem(pk, keys.record_sk(record.appointment_start, record.appointment_id)).delete()
        ClientItem(pk, keys.client_sk(client_id)).update(
            actions=[ClientItem.last_record.remove(), ClientItem.last_record_at.remove()],
            condition=ClientItem.pk.exists())
        return len(records)

    def set_record_fields(self, salon_id: str, service_id: str, fields: tuple[RecordField, ...]) -> None:
        """Only the service's record fields change: a settings save at the same moment is not undone."""
        target = ServiceItem(keys.salon_pk(salon_id), keys.service_sk(service_id))
        data = record_fields_to_list(fields)
        target.update(actions=[ServiceItem.record_fields.set(data) if data else ServiceItem.record_fields.remove()],
                      condition=ServiceItem.pk.exists())


def _item(record: TreatmentRecord) -> RecordItem:
    return RecordItem(
        keys.salon_pk(record.salon_id), keys.record_sk(record.appointment_start, record.appointment_id),
        gsi1pk=keys.client_history_pk(record.salon_id, record.client_id),
        gsi1sk=keys.record_sk(record.appointment_start, record.appointment_id),
        salon_id=record.salon_id, client_id=record.client_id, appointment_id=record.appointment_id,
        appointment_start=iso_utc(record.appointment_start), staff_id=record.staff_id,
        service_id=record.service_id, text=record.text, values=dict(record.values) or None,
        labels=dict(record.labels) or None, created_at=iso_utc(record.created_at),
        updated_at=iso_utc(record.updated_at), updated_by=record.updated_by,
    )


def _record(item: RecordItem) -> TreatmentRecord:
    return TreatmentRecord(
        salon_id=item.salon_id, client_id=item.client_id, appointment_id=item.appointment_id,
        appointment_start=parse_iso_utc(item.appointment_start), staff_id=item.staff_id,
        service_id=item.service_id, text=item.text or "", values=dict(item.values or {}),
        labels=dict(item.labels or {}), created_at=parse_iso_utc(item.created_at),
        updated_at=parse_iso_utc(item.updated_at), updated_by=item.updated_by or "",
    )
