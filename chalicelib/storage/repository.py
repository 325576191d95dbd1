"""The repository: every access pattern of docs/data-model.md is one method here, and every
method is a GetItem, a Query or a transaction. It speaks in domain objects."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist

from ..domain.appointment import Appointment
from ..domain.blocks import block_starts
from ..domain.catalog import MAX_SPAN_MINUTES, Catalog, Service, Staff
from ..domain.client import Client
from ..domain.clock import UTC, iso_utc
from ..domain.errors import BookingRestricted, IllegalTransition, SlotTaken
from ..domain.outbox import OutboxMessage
from ..domain.salon import Salon
from . import keys, mapping
from .agenda_store import AgendaStore
from .clients_store import ClientsStore
from .errors import IdempotentReplay, PhoneTaken
from .models import (
    AppointmentItem,
    ClientItem,
    IdempotencyItem,
    Item,
    LockItem,
    MessageItem,
    PhoneItem,
    SalonItem,
    ServiceItem,
    StaffItem,
    TokenItem,
    WaitlistItem,
)
from .outbox_store import OutboxStore
from .records_store import RecordsStore
from .reports_store import ReportsStore
from .settings_store import SettingsStore
from .sweep_store import SweepStore, unchanged
from .transaction import Transaction

LOCK_TTL = timedelta(days=2)  # a lock outlives its block by this, then DynamoDB drops it
TOKEN_TTL = timedelta(days=90)  # a manage link works until 90 days after the appointment
WAITLIST_TTL = timedelta(days=30)


@dataclass(frozen=True)
class IdempotencyRecord:
    """What a retried booking needs to answer exactly as the first time did."""

    key_digest: str
    request_hash: str
    appointment: Appointment
    sealed_token: str
    expires_at: datetime


@dataclass(frozen=True)
class WaitlistEntry:
    id: str
    salon_id: str
    service_id: str
    staff_id: str | None
    client_id: str
    first_day: date
    last_day: date


def _slot_taken(reason) -> SlotTaken:
    return SlotTaken("That time was just taken by someone else. Pick another time.")


def _restricted(reason) -> BookingRestricted:
    # The service replaces this message with one that gives the salon's phone number.
    return BookingRestricted("Online booking is not available for this phone number.")


def _phone_taken(reason) -> PhoneTaken:
    return PhoneTaken()


def _changed(reason) -> IllegalTransition:
    return IllegalTransition("This appointment was changed a moment ago. Reload it and try again.", "booking_changed")


def _replay(reason) -> IdempotentReplay:
    item = IdempotencyItem.from_raw_data(reason.raw_item)
    appointment = mapping.appointment_from_item(AppointmentItem.from_raw_data(item.response["appointment"]))
    return IdempotentReplay(item.request_hash, appointment, item.response["sealed_token"])


class Repository(OutboxStore, SweepStore, AgendaStore, ClientsStore, SettingsStore, RecordsStore, ReportsStore):
    """Bookings here; messages in outbox_store.py; the due index and sweeps in sweep_store.py; the
    owner side's reads and writes in agenda_store.py, clients_store.py and settings_store.py."""

    def __init__(self, connection: Connection):
        self._connection = connection

    def _transaction(self) -> Transaction:
        return Transaction(self._connection)

    # --- salon configuration -------------------------------------------------------------
    def load_salon(self, salon_id: str) -> tuple[Salon, Catalog] | None:
        """Profile, services and staff in one Query (they share the CONFIG# prefix)."""
        salon, services, staff = None, [], []
        for item in Item.query(keys.salon_pk(salon_id), Item.sk.startswith(keys.CONFIG_PREFIX)):
            if isinstance(item, SalonItem):
                salon = mapping.salon_from_item(item)
            elif isinstance(item, ServiceItem):
                services.append(mapping.service_from_item(item))
            elif isinstance(item, StaffItem):
                staff.append(mapping.staff_from_item(item))
        if salon is None:
            return None
        self.remember_zone(salon.id, salon.tz)  # the report counters' months are the salon's
        return salon, Catalog(tuple(services), tuple(staff))

    def save_salon(self, salon: Salon) -> None:
        mapping.salon_to_item(salon).save()

    def save_service(self, salon_id: str, service: Service) -> None:
        mapping.service_to_item(salon_id, service).save()

    def save_staff(self, salon_id: str, staff: Staff) -> None:
        mapping.staff_to_item(salon_id, staff).save()

    # --- clients -------------------------------------------------------------------------
    def client_id_for_phone(self, salon_id: str, e164: str) -> str | None:
        try:
            return PhoneItem.get(keys.salon_pk(salon_id), keys.phone_sk(e164), consistent_read=True).client_id
        except DoesNotExist:
            return None

    def get_client(self, salon_id: str, client_id: str) -> Client | None:
        try:
            item = ClientItem.get(keys.salon_pk(salon_id), keys.client_sk(client_id), consistent_read=True)
        except DoesNotExist:
            return None
        return mapping.client_from_item(item)

    def create_client(self, salon_id: str, client: Client, now: datetime) -> None:
        """Create a client and claim its phone; PhoneTaken if the phone is already someone's."""
        tx = self._transaction()
        self._add_new_client(tx, salon_id, client, now)
        tx.commit()

    def save_client(self, salon_id: str, client: Client, now: datetime) -> None:
        """Replace an existing client's file from the domain object (the phone claim is unchanged).
        What the domain object does not carry (created, last booked) is kept from the stored item."""
        stored = ClientItem.get(keys.salon_pk(salon_id), keys.client_sk(client.id), consistent_read=True)
        item = mapping.client_to_item(salon_id, client, now)
        item.created_at, item.last_booked_at = stored.created_at, stored.last_booked_at
        item.save(condition=ClientItem.pk.exists())

    # --- appointments --------------------------------------------------------------------
    def appointments_overlapping(self, salon_id: str, first: datetime, last: datetime) -> list[Appointment]:
        """Appointments that may overlap [first, last): one Query on the salon's APPT# range,
        reaching back by the longest possible appointment."""
        lower = keys.appointment_bound(first - timedelta(minutes=MAX_SPAN_MINUTES))
        upper = keys.appointment_bound(last)
        query = AppointmentItem.query(keys.salon_pk(salon_id), AppointmentItem.sk.between(lower, upper))
        return [mapping.appointment_from_item(item) for item in query]

    def appointment_for_token(self, token_digest: str) -> Appointment | None:
        try:
            token = TokenItem.get(keys.token_pk(token_digest), keys.TOKEN_SK, consistent_read=True)
            item = AppointmentItem.get(keys.salon_pk(token.salon_id), token.appointment_sk, consistent_read=True)
        except DoesNotExist:
            return None
        return mapping.appointment_from_item(item)

    def create_booking(self, appt: Appointment, token_digest: str, client: Client, client_is_new: bool,
                       today: date, now: datetime, idempotency: IdempotencyRecord | None = None,
                       messages: tuple[OutboxMessage, ...] = (), check_access: bool = True) -> None:
        """One transaction: appointment, manage token, one lock per block, the client and the
        idempotency record. Raises IdempotentReplay, BookingRestricted, PhoneTaken or SlotTaken."""
        tx = self._transaction()
        if idempotency is not None:
            tx.save(IdempotencyItem(keys.idempotency_pk(appt.salon_id, idempotency.key_digest), keys.IDEMPOTENCY_SK,
                                    request_hash=idempotency.request_hash,
                                    response={"appointment": mapping.appointment_to_item(appt).serialize(),
                                              "sealed_token": idempotency.sealed_token},
                                    expires_at=idempotency.expires_at),
                    condition=IdempotencyItem.pk.does_not_exist() | (IdempotencyItem.expires_at < now),
                    on_fail=_replay, priority=3)
        if client_is_new:
            self._add_new_client(tx, appt.salon_id, client, now)
        else:
            may_book = (ClientItem.access == "ok") | (
                (ClientItem.access == "restricted") & (ClientItem.restricted_until <= today.isoformat()))
            actions = [ClientItem.last_booked_at.set(iso_utc(now))]
            if client.recall_consent:  # given again with this booking (never withdrawn from here)
                actions.append(ClientItem.recall_consent.set(True))
            tx.update(ClientItem(keys.salon_pk(appt.salon_id), keys.client_sk(client.id)), actions=actions,
                      condition=ClientItem.pk.exists() & may_book if check_access else ClientItem.pk.exists(),
                      on_fail=_restricted, priority=2)
        tx.save(mapping.appointment_to_item(appt), condition=AppointmentItem.pk.does_not_exist())
        tx.save(self._token_item(appt, token_digest))
        self._put_locks(tx, appt, block_starts(appt.start, appt.occupied_until))
        self._add_messages(tx, messages)
        self.add_report_counters(tx, None, appt)
        tx.commit()

    def cancel(self, before: Appointment, after: Appointment, count_late: bool, fee: Decimal | None = None,
               messages: tuple[OutboxMessage, ...] = ()) -> None:
        """Cancel and free the chair in one transaction: the locks go with the status change,
        the appointment leaves the due index, a late cancel is counted (with its fee)."""
        tx = self._transaction()
        tx.save(mapping.appointment_to_item(after), condition=AppointmentItem.status == before.status.value,
                on_fail=_changed)
        self._delete_locks(tx, before, block_starts(before.start, before.occupied_until))
        if count_late:
            actions = [ClientItem.late_cancel_count.add(1)]
            if fee:
                actions.append(ClientItem.fees_owed.set(str(fee)))
            tx.update(ClientItem(keys.salon_pk(before.salon_id), keys.client_sk(before.client_id)),
                      actions=actions, condition=ClientItem.pk.exists())
        self._add_messages(tx, messages)
        self.add_report_counters(tx, before, after)
        tx.commit()

    def add_link(self, before: Appointment, after: Appointment, token_digest: str,
                 messages: tuple[OutboxMessage, ...] = ()) -> None:
        """A new manage link for an appointment (e.g. in its reminder), with what it causes."""
        tx = self._transaction()
        tx.save(mapping.appointment_to_item(after), condition=unchanged(before), on_fail=_changed)
        tx.save(self._token_item(after, token_digest))
        self._add_messages(tx, messages)
        tx.commit()

    def reschedule(self, before: Appointment, after: Appointment, token_digest: str,
                   messages: tuple[OutboxMessage, ...] = ()) -> None:
        """Lock the new blocks and release the old ones in one transaction: the client holds
        one of the two slots at every moment, never neither and never both."""
        old = {(before.staff_id, b) for b in block_starts(before.start, before.occupied_until)}
        new = {(after.staff_id, b) for b in block_starts(after.start, after.occupied_until)}
        unchanged = AppointmentItem.status == before.status.value
        tx = self._transaction()
        if before.start == after.start:  # same key (another specialist): overwrite in place
            tx.save(mapping.appointment_to_item(after), condition=unchanged, on_fail=_changed, priority=1)
        else:
            tx.delete(mapping.appointment_to_item(before), condition=unchanged, on_fail=_changed, priority=1)
            tx.save(mapping.appointment_to_item(after), condition=AppointmentItem.pk.does_not_exist())
            for digest in set(after.links) | {token_digest}:
                tx.save(self._token_item(after, digest))
        self._put_locks(tx, after, sorted(b for _, b in new - old))
        self._delete_locks(tx, before, sorted(b for _, b in old - new))
        self._add_messages(tx, messages)
        self.add_report_counters(tx, before, after)
        tx.commit()

    # --- waitlist ------------------------------------------------------------------------
    def add_waitlist_entry(self, entry: WaitlistEntry, now: datetime) -> None:
        WaitlistItem(keys.salon_pk(entry.salon_id), keys.waitlist_sk(entry.first_day, entry.id),
                     entry_id=entry.id, salon_id=entry.salon_id, service_id=entry.service_id,
                     staff_id=entry.staff_id, client_id=entry.client_id, first_day=entry.first_day.isoformat(),
                     last_day=entry.last_day.isoformat(), created_at=iso_utc(now),
                     expires_at=datetime.combine(entry.last_day, time.min, UTC) + WAITLIST_TTL,
                     ).save(condition=WaitlistItem.pk.does_not_exist())

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def _add_new_client(tx: Transaction, salon_id: str, client: Client, now: datetime) -> None:
        tx.save(PhoneItem(keys.salon_pk(salon_id), keys.phone_sk(client.phone), client_id=client.id),
                condition=PhoneItem.pk.does_not_exist(), on_fail=_phone_taken, priority=1)
        tx.save(mapping.client_to_item(salon_id, client, now), condition=ClientItem.pk.does_not_exist())

    @staticmethod
    def _add_messages(tx: Transaction, messages) -> None:
        for message in messages:
            tx.save(mapping.message_to_item(message), condition=MessageItem.pk.does_not_exist())

    @staticmethod
    def _token_item(appt: Appointment, token_digest: str) -> TokenItem:
        return TokenItem(keys.token_pk(token_digest), keys.TOKEN_SK, salon_id=appt.salon_id,
                         appointment_sk=keys.appointment_sk(appt.start, appt.id), expires_at=appt.end + TOKEN_TTL)

    @staticmethod
    def _put_locks(tx: Transaction, appt: Appointment, starts) -> None:
        for start in starts:
            tx.save(LockItem(keys.lock_pk(appt.salon_id, appt.staff_id), keys.lock_sk(start),
                             appointment_id=appt.id, expires_at=start + LOCK_TTL),
                    condition=LockItem.pk.does_not_exist(), on_fail=_slot_taken,
                    on_conflict=lambda: _slot_taken(None))

    @staticmethod
    def _delete_locks(tx: Transaction, appt: Appointment, starts) -> None:
        for start in starts:
            tx.delete(LockItem(keys.lock_pk(appt.salon_id, appt.staff_id), keys.lock_sk(start)),
                      condition=LockItem.appointment_id == appt.id)

