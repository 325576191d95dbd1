"""The sparse due index and the sweeps' transactions (a Repository mixin).

GSI2 holds an item only while a sweep must look at it: `DUE#<lane>#<utc-day>` /
`<due-at>#<salon>#<id>`. A lane's cursor remembers the first day it still has to read, so a
sweep reads the days since its last complete run and, in each, only what is due: items read
grow with the work, not with the table.
"""
from datetime import date, datetime, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError

from ..domain.appointment import Appointment
from ..domain.blocks import block_starts
from ..domain.client import Client
from ..domain.outbox import OutboxMessage
from . import keys, mapping
from .conflicts import booking_changed, slot_taken
from .models import AppointmentItem, ClientItem, CursorItem, Item, MessageItem, WaitlistItem


class SweepStore:
    # --- the due index ----------------------------------------------------------------------
    def cursor(self, lane: str, default: date) -> date:
        try:
            return date.fromisoformat(CursorItem.get(keys.cursor_pk(lane), keys.CURSOR_SK).day)
        except DoesNotExist:
            return default

    def advance_cursor(self, lane: str, day: date) -> None:
        CursorItem(keys.cursor_pk(lane), keys.CURSOR_SK, day=day.isoformat()).save()

    def due_appointments(self, lane: str, day: date, now: datetime) -> list[Appointment]:
        query = Item.due_index.query(keys.due_pk(lane, day), Item.gsi2sk <= keys.due_until(now))
        return [mapping.appointment_from_item(item) for item in query if isinstance(item, AppointmentItem)]

    # --- appointments -----------------------------------------------------------------------
    def get_appointment(self, salon_id: str, start: datetime, appointment_id: str) -> Appointment | None:
        try:
            item = AppointmentItem.get(keys.salon_pk(salon_id), keys.appointment_sk(start, appointment_id),
                                       consistent_read=True)
        except DoesNotExist:
            return None
        return mapping.appointment_from_item(item)

    def client_appointments(self, salon_id: str, client_id: str, since: datetime | None = None,
                            newest_first: bool = False, limit: int | None = None) -> list[Appointment]:
        """A client's appointments (GSI1, where their messages also live under MSG#), optionally
        from `since` on."""
        lower = keys.client_history_sk(since) if since else keys.APPOINTMENT_PREFIX
        condition = Item.gsi1sk.between(lower, keys.APPOINTMENT_PREFIX + "~")
        query = Item.history_index.query(keys.client_history_pk(salon_id, client_id), condition,
                                         scan_index_forward=not newest_first, limit=limit)
        return [mapping.appointment_from_item(i) for i in query if isinstance(i, AppointmentItem)]

    def update_appointment(self, before: Appointment, after: Appointment,
                           messages: tuple[OutboxMessage, ...] = (), release_slot: bool = False,
                           client_changes: list | None = None) -> None:
        """Status or due change of one appointment (same key), with the messages it causes, in
        one transaction; fails with `booking_changed` if someone changed it meanwhile."""
        tx = self._transaction()
        tx.save(mapping.appointment_to_item(after), condition=unchanged(before), on_fail=booking_changed, priority=1)
        for message in messages:
            tx.save(mapping.message_to_item(message), condition=MessageItem.pk.does_not_exist())
        if release_slot:
            self._delete_locks(tx, before, block_starts(before.start, before.occupied_until))
        if client_changes:
            tx.update(ClientItem(keys.salon_pk(before.salon_id), keys.client_sk(before.client_id)),
                      actions=client_changes, condition=ClientItem.pk.exists())
        self.add_report_counters(tx, before, after)
        tx.commit()

    def record_no_show(self, before: Appointment, after: Appointment, client: Client, updated: Client,
                       message: OutboxMessage | None, release_slot: bool) -> None:
        """The status change, the client's counters and the ladder's message, exactly once: the
        appointment's condition makes a second sweep fail instead of counting twice."""
        undo = {"message_id": message.id if message else None, "access": client.access.value,
                "restricted_until": client.restricted_until.isoformat() if client.restricted_until else None,
                "fees_owed": str(client.fees_owed)}
        item = mapping.appointment_to_item(after)
        item.undo = undo
        self._attendance_tx(before, item, updated, message, release_slot)

    def revert_no_show(self, before: Appointment, after: Appointment, updated: Client) -> None:
        item = mapping.appointment_to_item(after)
        item.undo = None
        self._attendance_tx(before, item, updated, None, False)

    def set_sms_opt_out(self, salon_id: str, client_id: str, opted_out: bool) -> None:
        ClientItem(keys.salon_pk(salon_id), keys.client_sk(client_id)).update(
            actions=[ClientItem.sms_opt_out.set(opted_out)], condition=ClientItem.pk.exists())

    def no_show_undo(self, appt: Appointment) -> dict | None:
        try:
            return AppointmentItem.get(keys.salon_pk(appt.salon_id), keys.appointment_sk(appt.start, appt.id),
                                       consistent_read=True).undo
        except DoesNotExist:
            return None

    def _attendance_tx(self, before, item, updated: Client, message, release_slot) -> None:

        after = mapping.appointment_from_item(item)

        tx = self._transaction()
        tx.save(item, condition=unchanged(before), on_fail=booking_changed, priority=1)
        tx.update(ClientItem(keys.salon_pk(before.salon_id), keys.client_sk(before.client_id)),
                  actions=_client_counters(updated), condition=ClientItem.pk.exists())
        if message is not None:
            tx.save(mapping.message_to_item(message), condition=MessageItem.pk.does_not_exist())
        if release_slot:
            self._delete_locks(tx, before, block_starts(before.start, before.occupied_until))
        self.add_report_counters(tx, before, after)
        tx.commit()

    # --- waitlist -----------------------------------------------------------------------------
    def waitlist_for_day(self, salon_id: str, day: date, lookback_days: int) -> list[dict]:
        """Entries whose range may include `day`: they start at most `lookback_days` before it."""
        query = WaitlistItem.query(
            keys.salon_pk(salon_id),
            WaitlistItem.sk.between(keys.waitlist_bound(day - timedelta(days=lookback_days)),
                                    keys.waitlist_bound(day) + "~"))
        return [_entry(i) for i in query if i.status == "waiting" and date.fromisoformat(i.last_day) >= day]

    def create_hold(self, appt: Appointment, entry_key: tuple[str, str], message: OutboxMessage) -> None:
        """Offer a freed slot: a `held` appointment with its locks, the entry marked offered and
        the SMS, in one transaction (the claim link is made when the SMS is sent)."""
        tx = self._transaction()
        tx.save(mapping.appointment_to_item(appt), condition=AppointmentItem.pk.does_not_exist())
        self._put_locks(tx, appt, block_starts(appt.start, appt.occupied_until))
        tx.update(WaitlistItem(*entry_key), actions=[WaitlistItem.status.set("offered"), WaitlistItem.offers.add(1)],
                  condition=WaitlistItem.status == "waiting", on_fail=slot_taken)
        tx.save(mapping.message_to_item(message), condition=MessageItem.pk.does_not_exist())
        self.add_report_counters(tx, None, appt)  # nothing yet: a hold counts once claimed
        tx.commit()

    def set_waitlist_status(self, salon_id: str, entry_sk: str, status: str, passed_start: datetime | None = None):
        actions = [WaitlistItem.status.set(status)]
        if passed_start is not None:
            actions.append(WaitlistItem.passed.set((WaitlistItem.passed | []).append([mapping._iso(passed_start)])))
        try:
            WaitlistItem(keys.salon_pk(salon_id), entry_sk).update(actions=actions, condition=WaitlistItem.pk.exists())
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise  # a missing entry (removed by the owner) is simply nothing to update


def unchanged(appt: Appointment):
    """The appointment is still as it was read: same status, same due time."""
    condition = AppointmentItem.status == appt.status.value
    if appt.due is not None:
        condition &= AppointmentItem.due_at == mapping._iso(appt.due.at)
    return condition


def _client_counters(client: Client) -> list:
    return [
        ClientItem.no_show_count.set(client.no_show_count),
        ClientItem.no_show_days.set([d.isoformat() for d in client.no_show_days]),
        ClientItem.access.set(client.access.value),
        ClientItem.restricted_until.set(client.restricted_until.isoformat()) if client.restricted_until
        else ClientItem.restricted_until.remove(),
        ClientItem.fees_owed.set(str(client.fees_owed)),
    ]


def _entry(item: WaitlistItem) -> dict:
    return {"key": (item.pk, item.sk), "sk": item.sk, "id": item.entry_id, "passed": set(item.passed or ()),
            "service_id": item.service_id, "staff_id": item.staff_id,
            "client_id": item.client_id, "first_day": date.fromisoformat(item.first_day),
            "last_day": date.fromisoformat(item.last_day), "offers": int(item.offers or 0)}



