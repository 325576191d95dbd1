"""The repository: every access pattern of docs/data-model.md is one method here, and every
method is a GetItem, a Query or a transaction. It speaks in domain objects.

`PublicRepository` is what the public side and the jobs use; the owner side's `Repository`
(owner_repository.py) adds the owner stores. Importing this module does not import them, so a
client's first request does not pay for the owner side (docs/decisions.md, cold start)."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist

from ..domain.appointment import Appointment
from ..domain.blocks import block_starts
from ..domain.catalog import MAX_SPAN_MINUTES, Catalog, Service, Staff
from ..domain.client import Client
from ..domain.clock import UTC, iso_utc
from ..domain.errors import BookingRestricted, IllegalTransition
from ..domain.money import SavedCard
from ..domain.outbox import OutboxMessage
from ..domain.salon import Salon
from ..domain.values import frozen
from . import keys, mapping
from .broadcast_store import BroadcastStore
from .channels_store import ChannelsStore
from .conflicts import booking_changed, phone_taken, slot_taken
from .errors import IdempotentReplay
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
from .payments_store import PaymentsStore
from .rate_store import RateStore, add_charges
from .reports_store import ReportsStore
from .sign_in_writes import SignInWrites
from .sweep_store import SweepStore, unchanged
from .transaction import Transaction

LOCK_TTL = timedelta(days=2)  # a lock outlives its block by this, then DynamoDB drops it
TOKEN_TTL = timedelta(days=30)  # a manage link works until 30 days after the appointment ends
WAITLIST_TTL = timedelta(days=30)


def manage_link_expiry(appt: Appointment) -> datetime:
    return appt.end + TOKEN_TTL


@frozen
class IdempotencyRecord:
    """What a retried booking needs to answer exactly as the first time did."""

    key_digest: str
    request_hash: str
    appointment: Appointment
    sealed_token: str
    expires_at: datetime


@frozen
class WaitlistEntry:
    id: str
    salon_id: str
    service_id: str
    staff_id: str | None
    client_id: str
    first_day: date
    last_day: date


def _restricted(reason) -> BookingRestricted:
    # The service replaces this message with one that gives the salon's phone number.
    return BookingRestricted("Online booking is not available for this phone number.")


def _waitlist_entry(item: WaitlistItem) -> WaitlistEntry:
    return WaitlistEntry(id=item.entry_id, salon_id=item.salon_id, service_id=item.service_id, staff_id=item.staff_id,
                         client_id=item.client_id, first_day=date.fromisoformat(item.first_day),
                         last_day=date.fromisoformat(item.last_day))


def _replay(reason) -> IdempotentReplay:
    item = IdempotencyItem.from_raw_data(reason.raw_item)
    appointment = mapping.appointment_from_item(AppointmentItem.from_raw_data(item.response["appointment"]))
    return IdempotentReplay(item.request_hash, appointment, item.response["sealed_token"])


class PublicRepository(OutboxStore, SweepStore, PaymentsStore, RateStore, ReportsStore, SignInWrites,
                       ChannelsStore, BroadcastStore):
    """Bookings here; messages in outbox_store.py; the due index and sweeps in sweep_store.py;
    payments in payments_store.py; rate counters in rate_store.py; the report counters, which
    the appointment transactions move, in reports_store.py; a sign-in code's in sign_in_writes.py.
    The owner side's reads and writes (agenda_store.py, clients_store.py, settings_store.py,
    records_store.py) are in `Repository`, owner_repository.py."""

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
        found = self.phone_owner(salon_id, e164)
        return found[0] if found else None

    def phone_owner(self, salon_id: str, e164: str) -> tuple[str, SavedCard | None] | None:
        """The client of this phone and the card on file the phone item carries (one GetItem)."""
        try:
            item = PhoneItem.get(keys.salon_pk(salon_id), keys.phone_sk(e164), consistent_read=True)
        except DoesNotExist:
            return None
        return item.client_id, mapping.card_from_dict(item.card) if item.card else None

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
        What the domain object does not carry (created, last booked, marketing consent) is kept from
        the stored item."""
        stored = ClientItem.get(keys.salon_pk(salon_id), keys.client_sk(client.id), consistent_read=True)
        item = mapping.client_to_item(salon_id, client, now)
        item.created_at, item.last_booked_at = stored.created_at, stored.last_booked_at
        item.marketing_consent = stored.marketing_consent
        item.save(condition=ClientItem.pk.exists())

    # --- appointments --------------------------------------------------------------------
    def appointments_overlapping(self, salon_id: str, first: datetime, last: datetime) -> list[Appointment]:
        """Appointments that may overlap [first, last): one Query on the salon's APPT# range,
        reaching back by the longest possible appointment."""
        lower = keys.appointment_bound(first - timedelta(minutes=MAX_SPAN_MINUTES))
        upper = keys.appointment_bound(last)
        query = AppointmentItem.query(keys.salon_pk(salon_id), AppointmentItem.sk.between(lower, upper))
        return [mapping.appointment_from_item(item) for item in query]

    def appointment_for_token(self, token_digest: str, now: datetime) -> Appointment | None:
        """The appointment behind a link that has not expired (None: unknown or expired alike)."""
        found = self.booking_for_token(token_digest, now, with_client=False)
        return found[0] if found else None

    def booking_for_token(self, token_digest: str, now: datetime,
                          with_client: bool = True) -> tuple[Appointment, Client | None] | None:
        """The appointment behind a live link and, with `with_client`, its client file: one GetItem
        of the link, then one BatchGetItem of appointment and client (both consistent). A link
        written before it carried the client id costs a GetItem more."""
        token = self._live_token(token_digest, now)
        if token is None:
            return None
        wanted = [(keys.salon_pk(token.salon_id), token.appointment_sk)]
        if with_client and token.client_id:
            wanted.append((keys.salon_pk(token.salon_id), keys.client_sk(token.client_id)))
        if len(wanted) == 1:
            try:
                found = [AppointmentItem.get(*wanted[0], consistent_read=True)]
            except DoesNotExist:
                return None
        else:
            found = list(Item.batch_get(wanted, consistent_read=True))
        appointment = next((mapping.appointment_from_item(i) for i in found if isinstance(i, AppointmentItem)), None)
        if appointment is None:
            return None
        client = next((mapping.client_from_item(i) for i in found if isinstance(i, ClientItem)), None)
        if with_client and client is None:
            client = self.get_client(appointment.salon_id, appointment.client_id)
        return appointment, client

    @staticmethod
    def _live_token(token_digest: str, now: datetime) -> TokenItem | None:
        """Expiry is compared with the clock: DynamoDB's TTL only cleans up, days later."""
        try:
            token = TokenItem.get(keys.token_pk(token_digest), keys.TOKEN_SK, consistent_read=True)
        except DoesNotExist:
            return None
        if token.expires_at is not None and token.expires_at <= now:
            return None
        return token

    def create_booking(self, appt: Appointment, token_digest: str, client: Client, client_is_new: bool,
                       today: date, now: datetime, idempotency: IdempotencyRecord | None = None,
                       messages: tuple[OutboxMessage, ...] = (), check_access: bool = True,
                       rate_charges: tuple = ()) -> None:
        """One transaction: appointment, manage token, one lock per block, the client, the
        idempotency record and the rate-limit counters (domain/rate_limits.py). Raises
        IdempotentReplay, BookingRestricted, RateLimited, PhoneTaken or SlotTaken."""
        tx = self._transaction()
        # A retry of a booking that went through is answered (replay wins); a full counter
        # refuses before a taken slot is reported.
        add_charges(tx, rate_charges, priority=1)
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
            if client.whatsapp_consent:  # likewise
                actions.append(ClientItem.whatsapp_consent.set(True))
            if client.marketing_consent:
                actions.append(ClientItem.marketing_consent.set(True))
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
               messages: tuple[OutboxMessage, ...] = (), jobs=(), rate_charges: tuple = ()) -> None:
        """Cancel and free the chair in one transaction: the locks go with the status change,
        the appointment leaves the due index, a late cancel is counted (with its fee), and so are
        the public side's rate limits (a full counter: RateLimited)."""
        tx = self._transaction()
        add_charges(tx, rate_charges, priority=1)
        tx.save(mapping.appointment_to_item(after), condition=AppointmentItem.status == before.status.value,
                on_fail=booking_changed)
        self._delete_locks(tx, before, block_starts(before.start, before.occupied_until))
        if count_late:
            actions = [ClientItem.late_cancel_count.add(1)]
            if fee:
                actions.append(ClientItem.fees_owed.set(str(fee)))
            tx.update(ClientItem(keys.salon_pk(before.salon_id), keys.client_sk(before.client_id)),
                      actions=actions, condition=ClientItem.pk.exists())
        self._add_messages(tx, messages)
        for job in jobs:  # a deposit's refund, written with the cancel (payments_store.py runs it)
            tx.save(mapping.payment_job_to_item(job), condition=Item.pk.does_not_exist())
        self.add_report_counters(tx, before, after)
        tx.commit()

    def add_link(self, before: Appointment, after: Appointment, token_digest: str,
                 messages: tuple[OutboxMessage, ...] = (), expires_at: datetime | None = None) -> None:
        """A link to an appointment (made as a text leaves, or a claim link becoming a manage
        link), with what it causes; by default it lives as a manage link does."""
        tx = self._transaction()
        tx.save(mapping.appointment_to_item(after), condition=unchanged(before), on_fail=booking_changed)
        tx.save(self._token_item(after, token_digest, expires_at))
        self._add_messages(tx, messages)
        self.add_report_counters(tx, before, after)  # a claimed hold becomes a booking here
        tx.commit()

    def reschedule(self, before: Appointment, after: Appointment, token_digest: str | None,
                   messages: tuple[OutboxMessage, ...] = (), rate_charges: tuple = ()) -> None:
        """Lock the new blocks and release the old ones in one transaction: the client holds
        one of the two slots at every moment, never neither and never both. `rate_charges`: the
        public side's rate limits, counted with the move (a full counter: RateLimited)."""
        old = {(before.staff_id, b) for b in block_starts(before.start, before.occupied_until)}
        new = {(after.staff_id, b) for b in block_starts(after.start, after.occupied_until)}
        unchanged = AppointmentItem.status == before.status.value
        tx = self._transaction()
        add_charges(tx, rate_charges, priority=2)  # above a taken slot (0) and a changed appointment (1)
        if before.start == after.start:  # same key (another specialist): overwrite in place
            tx.save(mapping.appointment_to_item(after), condition=unchanged, on_fail=booking_changed, priority=1)
        else:
            tx.delete(mapping.appointment_to_item(before), condition=unchanged, on_fail=booking_changed, priority=1)
            tx.save(mapping.appointment_to_item(after), condition=AppointmentItem.pk.does_not_exist())
            for digest in set(after.links) | ({token_digest} if token_digest else set()):
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

    def waiting_entries_of_client(self, salon_id: str, client_id: str, today: date,
                                  lookback_days: int) -> list[WaitlistEntry]:
        """The client's entries still waiting (or offered) on `today` or later. An entry starts at
        most the horizon after the day it was made, so one Query from `today - lookback` finds them."""
        query = WaitlistItem.query(
            keys.salon_pk(salon_id), WaitlistItem.sk.between(keys.waitlist_bound(today - timedelta(days=lookback_days)),
                                                             keys.WAITLIST_PREFIX + "~"),
            filter_condition=(WaitlistItem.client_id == client_id) & WaitlistItem.status.is_in("waiting", "offered")
            & (WaitlistItem.last_day >= today.isoformat()), consistent_read=True)
        return [_waitlist_entry(item) for item in query]

    def widen_waitlist_entry(self, before: WaitlistEntry, after: WaitlistEntry, now: datetime) -> bool:
        """Give an entry the days (and staff) of `after`, keeping its id, status and offers. The
        first day is in the key: a new first day moves the item (Delete + Put in one transaction).
        False when the entry changed or left meanwhile."""
        try:
            item = WaitlistItem.get(keys.salon_pk(before.salon_id), keys.waitlist_sk(before.first_day, before.id),
                                    consistent_read=True)
        except DoesNotExist:
            return False
        if (item.first_day, item.last_day, item.staff_id) != (before.first_day.isoformat(),
                                                              before.last_day.isoformat(), before.staff_id):
            return False
        moved = WaitlistItem.from_raw_data(item.serialize())
        moved.sk = keys.waitlist_sk(after.first_day, after.id)
        moved.first_day, moved.last_day, moved.staff_id = after.first_day.isoformat(), after.last_day.isoformat(), \
            after.staff_id
        moved.expires_at = datetime.combine(after.last_day, time.min, UTC) + WAITLIST_TTL
        unchanged_item = WaitlistItem.last_day == item.last_day
        tx = self._transaction()
        if moved.sk != item.sk:
            tx.delete(item, condition=unchanged_item, on_fail=booking_changed)
            tx.save(moved, condition=WaitlistItem.pk.does_not_exist())
        else:
            tx.save(moved, condition=unchanged_item, on_fail=booking_changed)
        try:
            tx.commit()
        except IllegalTransition:
            return False
        return True

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def _add_new_client(tx: Transaction, salon_id: str, client: Client, now: datetime) -> None:
        tx.save(PhoneItem(keys.salon_pk(salon_id), keys.phone_sk(client.phone), client_id=client.id),
                condition=PhoneItem.pk.does_not_exist(), on_fail=phone_taken, priority=1)
        tx.save(mapping.client_to_item(salon_id, client, now), condition=ClientItem.pk.does_not_exist())

    @staticmethod
    def _add_messages(tx: Transaction, messages) -> None:
        for message in messages:
            tx.save(mapping.message_to_item(message), condition=MessageItem.pk.does_not_exist())

    @staticmethod
    def _token_item(appt: Appointment, token_digest: str, expires_at: datetime | None = None) -> TokenItem:
        """A link to `appt`; by default a manage link, live until TOKEN_TTL after the end (a
        claim link passes its hold's end)."""
        return TokenItem(keys.token_pk(token_digest), keys.TOKEN_SK, salon_id=appt.salon_id,
                         appointment_sk=keys.appointment_sk(appt.start, appt.id), client_id=appt.client_id,
                         expires_at=expires_at or manage_link_expiry(appt))

    @staticmethod
    def _put_locks(tx: Transaction, appt: Appointment, starts) -> None:
        for start in starts:
            tx.save(LockItem(keys.lock_pk(appt.salon_id, appt.staff_id), keys.lock_sk(start),
                             appointment_id=appt.id, expires_at=start + LOCK_TTL),
                    condition=LockItem.pk.does_not_exist(), on_fail=slot_taken,
                    on_conflict=lambda: slot_taken(None))

    @staticmethod
    def _delete_locks(tx: Transaction, appt: Appointment, starts) -> None:
        for start in starts:
            tx.delete(LockItem(keys.lock_pk(appt.salon_id, appt.staff_id), keys.lock_sk(start)),
                      condition=LockItem.appointment_id == appt.id)
