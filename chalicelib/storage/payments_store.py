"""Payments' reads and writes (a Repository mixin): the webhook's one read, its one transaction,
and the record that makes each provider event count once."""
from datetime import datetime, timedelta

from ..domain.appointment import Appointment
from ..domain.blocks import block_starts
from ..domain.client import Client
from ..domain.clock import iso_utc
from ..domain.outbox import OutboxMessage
from ..domain.text import N_
from . import keys, mapping
from .conflicts import booking_changed
from .models import AppointmentItem, ClientItem, Item, MessageItem, PaymentEventItem, PaymentJobItem, PhoneItem

EVENT_TTL = timedelta(days=90)  # longer than any provider retries an event (Stripe: 3 days)


class DuplicateEvent(Exception):
    """This provider event was handled before: a repeat changes nothing."""


def _duplicate(reason) -> DuplicateEvent:
    return DuplicateEvent()


class JobExists(Exception):
    """A refund or charge with this id is already under way or done."""


def _job_exists(reason) -> JobExists:
    return JobExists()


class PaymentsStore:
    # --- refunds and charges (payment jobs) ----------------------------------------------------
    def add_payment_job(self, job, retry_failed: bool = False) -> None:
        """Write a job before the provider is called. JobExists when one with its id is pending,
        claimed or done (a double click); `retry_failed` lets a new attempt replace a failed one."""
        condition = PaymentJobItem.pk.does_not_exist()
        if retry_failed:
            condition |= PaymentJobItem.status == "failed"
        tx = self._transaction()
        tx.save(mapping.payment_job_to_item(job), condition=condition, on_fail=_job_exists)
        tx.commit()

    def get_payment_job(self, salon_id: str, job_id: str):
        from pynamodb.exceptions import DoesNotExist

        try:
            return mapping.payment_job_from_item(PaymentJobItem.get(keys.salon_pk(salon_id),
                                                                    keys.payment_job_sk(job_id), consistent_read=True))
        except DoesNotExist:
            return None

    def claim_payment_job(self, before, claimed) -> bool:
        """Take the job for one worker: conditioned on the status and claim id as read, so of two
        workers exactly one wins."""
        condition = PaymentJobItem.status == before.status.value
        condition &= (PaymentJobItem.claim_id == before.claim_id) if before.claim_id \
            else PaymentJobItem.claim_id.does_not_exist()
        tx = self._transaction()
        tx.save(mapping.payment_job_to_item(claimed), condition=condition, on_fail=_job_exists)
        try:
            tx.commit()
        except JobExists:
            return False
        return True

    def finish_payment_job(self, claimed, finished, appt_before: Appointment | None, appt_after: Appointment | None,
                           messages: tuple[OutboxMessage, ...] = ()) -> None:
        """The provider's answer, the movement on the appointment and the texts, in one
        transaction, only while this worker's claim holds (JobExists otherwise); `booking_changed`
        when the appointment moved on meanwhile (read it again and retry)."""
        tx = self._transaction()
        tx.save(mapping.payment_job_to_item(finished), condition=PaymentJobItem.claim_id == claimed.claim_id,
                on_fail=_job_exists, priority=2)
        if appt_before is not None and appt_after is not None:
            tx.save(mapping.appointment_to_item(appt_after), condition=money_unchanged(appt_before),
                    on_fail=booking_changed, priority=1)
            self.add_report_counters(tx, appt_before, appt_after)
        for message in messages:
            tx.save(mapping.message_to_item(message), condition=MessageItem.pk.does_not_exist())
        tx.commit()

    def save_failed_job(self, before, after, messages: tuple[OutboxMessage, ...] = ()) -> None:
        """A failed job's follow-up (the checkout sent to the client), while it is still failed."""
        tx = self._transaction()
        tx.save(mapping.payment_job_to_item(after), condition=PaymentJobItem.status == before.status.value,
                on_fail=_job_exists)
        for message in messages:
            tx.save(mapping.message_to_item(message), condition=MessageItem.pk.does_not_exist())
        tx.commit()

    def settle_fee_checkout(self, job, done, appt_before: Appointment, appt_after: Appointment, provider: str,
                            event_id: str, now: datetime) -> None:
        """The client paid a fee on the checkout they were sent: the job done, the charge on the
        appointment and the event record, once."""
        tx = self._transaction()
        self._add_event(tx, provider, event_id, "fee_paid", now, job.salon_id, job.appointment_id)
        tx.save(mapping.payment_job_to_item(done), condition=PaymentJobItem.status == job.status.value,
                on_fail=_job_exists, priority=2)
        tx.save(mapping.appointment_to_item(appt_after), condition=money_unchanged(appt_before),
                on_fail=booking_changed, priority=1)
        self.add_report_counters(tx, appt_before, appt_after)
        tx.commit()

    def due_payment_jobs(self, day, now: datetime) -> list:
        query = Item.due_index.query(keys.due_pk("payjob", day), Item.gsi2sk <= keys.due_until(now))
        return [mapping.payment_job_from_item(i) for i in query if isinstance(i, PaymentJobItem)]

    def record_movement(self, before: Appointment, after: Appointment) -> None:
        """A movement the owner records (cash, waived), conditioned on no other arriving meanwhile."""
        tx = self._transaction()
        tx.save(mapping.appointment_to_item(after), condition=money_unchanged(before), on_fail=booking_changed)
        self.add_report_counters(tx, before, after)
        tx.commit()

    # --- the webhook -------------------------------------------------------------------------
    def appointment_and_client(self, salon_id: str, start: datetime, appointment_id: str,
                               client_id: str) -> tuple[Appointment | None, Client | None]:
        """One consistent BatchGetItem: the appointment a payment names and its client."""
        wanted = [(keys.salon_pk(salon_id), keys.appointment_sk(start, appointment_id)),
                  (keys.salon_pk(salon_id), keys.client_sk(client_id))]
        appt = client = None
        for item in Item.batch_get(wanted, consistent_read=True):
            if isinstance(item, AppointmentItem):
                appt = mapping.appointment_from_item(item)
            elif isinstance(item, ClientItem):
                client = mapping.client_from_item(item)
        return appt, client

    def record_payment_event(self, provider: str, event_id: str, outcome: str, now: datetime,
                             salon_id: str | None = None, appointment_id: str | None = None) -> None:
        """An event acted on by nothing else (ignored, or an outcome already written): kept once.
        Raises DuplicateEvent for a repeat."""
        tx = self._transaction()
        self._add_event(tx, provider, event_id, outcome, now, salon_id, appointment_id)
        tx.commit()

    def settle_payment(self, before: Appointment, after: Appointment, provider: str, event_id: str, outcome: str,
                       now: datetime, messages: tuple[OutboxMessage, ...] = (), relock: bool = False,
                       card=None, phone: str | None = None) -> None:
        """One transaction: the appointment as the payment leaves it (status and due unchanged
        since read), the texts (their links are made as they leave), the event record (a repeat fails here with
        DuplicateEvent), and, for a late payment of a released hold, its locks taken again
        (SlotTaken if someone booked the time meanwhile)."""
        tx = self._transaction()
        self._add_event(tx, provider, event_id, outcome, now, before.salon_id, before.id)
        tx.save(mapping.appointment_to_item(after), condition=money_unchanged(before), on_fail=booking_changed,
                priority=2)
        self.add_report_counters(tx, before, after)  # a paid deposit: the booking counts from here
        if relock:
            self._put_locks(tx, after, block_starts(after.start, after.occupied_until))
        for message in messages:
            tx.save(mapping.message_to_item(message), condition=MessageItem.pk.does_not_exist())
        if card is not None:  # the card left (or paid with) goes on file for the client
            tx.update(ClientItem(keys.salon_pk(before.salon_id), keys.client_sk(before.client_id)),
                      actions=[ClientItem.card.set(mapping.card_to_dict(card))],
                      condition=ClientItem.pk.exists() & ClientItem.erased_at.does_not_exist())
            self._card_on_phone(tx, before.salon_id, before.client_id, phone, card)
        tx.commit()

    def save_card(self, salon_id: str, client_id: str, card, provider: str, event_id: str, now: datetime,
                  phone: str | None = None) -> None:
        """A card put on file for a client that exists (not erased), with the event record.
        Raises DuplicateEvent for a repeat, NotFound when there is no such client."""
        from ..domain.errors import NotFound

        def _no_client(reason):
            return NotFound(N_("No such client."), "client_not_found")

        tx = self._transaction()
        self._add_event(tx, provider, event_id, "card_saved", now, salon_id, None)
        tx.update(ClientItem(keys.salon_pk(salon_id), keys.client_sk(client_id)),
                  actions=[ClientItem.card.set(mapping.card_to_dict(card))],
                  condition=ClientItem.pk.exists() & ClientItem.erased_at.does_not_exist(), on_fail=_no_client,
                  priority=1)
        self._card_on_phone(tx, salon_id, client_id, phone, card)
        tx.commit()

    @staticmethod
    def _card_on_phone(tx, salon_id: str, client_id: str, phone: str | None, card) -> None:
        """The card copied on the phone's item, where a booking's lookup finds it (no read more to
        reuse the client's provider customer). Only while the phone is still this client's."""
        if phone is None:
            return
        from ..domain.errors import IllegalTransition

        def _phone_changed(reason):
            return IllegalTransition(N_("The client's phone changed meanwhile: try again."), "booking_changed")

        tx.update(PhoneItem(keys.salon_pk(salon_id), keys.phone_sk(phone)),
                  actions=[PhoneItem.card.set(mapping.card_to_dict(card))],
                  condition=PhoneItem.client_id == client_id, on_fail=_phone_changed)

    def payment_event_outcome(self, provider: str, event_id: str) -> str | None:
        """What a provider event did, if it was seen (tests and support)."""
        from pynamodb.exceptions import DoesNotExist

        try:
            return PaymentEventItem.get(keys.payment_event_pk(provider, event_id), keys.PAYMENT_EVENT_SK,
                                        consistent_read=True).outcome
        except DoesNotExist:
            return None

    @staticmethod
    def _add_event(tx, provider, event_id, outcome, now, salon_id, appointment_id) -> None:
        tx.save(PaymentEventItem(keys.payment_event_pk(provider, event_id), keys.PAYMENT_EVENT_SK,
                                 provider=provider, event_id=event_id, outcome=outcome, salon_id=salon_id,
                                 appointment_id=appointment_id, received_at=iso_utc(now),
                                 expires_at=now + EVENT_TTL),
                condition=PaymentEventItem.pk.does_not_exist(), on_fail=_duplicate, priority=3)


def money_unchanged(appt: Appointment):
    """Same status, same due time and the same money movements as read."""
    from .sweep_store import unchanged

    return unchanged(appt) & (AppointmentItem.movement_count.does_not_exist() if not appt.movements
                              else AppointmentItem.movement_count == len(appt.movements))
