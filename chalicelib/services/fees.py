"""Late-cancel and no-show fees as money movements, and the owner's three answers to what is
owed: collect it from the card on file (off-session), paid at the desk, or waived."""
from dataclasses import replace
from datetime import UTC, datetime

from .. import observability
from ..domain.appointment import Appointment, Status
from ..domain.errors import IllegalTransition
from ..domain.money import JobKind, JobStatus, Movement, MovementKind, PaymentJob, owed, to_minor
from ..domain.schedule import next_opening
from ..domain.text import N_
from ..storage.payments_store import JobExists
from . import payment_jobs

LATE_CANCEL = "late_cancel"  # the reference of a fee movement: which rule charged it
NO_SHOW = "no_show"


def money_of_cancel(salon, cancelled: Appointment, now: datetime) -> Appointment:
    """A late cancel owes the salon's late-cancel fee (a paid deposit counts toward it)."""
    fee = salon.policy.late_cancel_fee
    if not cancelled.late or not fee:
        return cancelled
    return cancelled.with_movement(Movement(MovementKind.FEE, to_minor(fee, salon.currency), salon.currency, now,
                                            LATE_CANCEL))


def money_of_no_show(salon, missed: Appointment, now: datetime) -> Appointment:
    fee = salon.policy.no_show_fee
    if not fee:
        return missed
    return missed.with_movement(Movement(MovementKind.FEE, to_minor(fee, salon.currency), salon.currency, now,
                                         NO_SHOW))


def without_no_show_fee(appt: Appointment) -> Appointment:
    """The owner reverted the no-show: its fee goes."""
    return replace(appt, movements=tuple(m for m in appt.movements
                                         if not (m.kind is MovementKind.FEE and m.reference == NO_SHOW)))


def collectable_from(salon, appt: Appointment) -> datetime | None:
    """From when the owner may collect: a late cancel at once; a no-show only once the window to
    revert a wrong mark has closed (the next opening after its day, when the ladder's message
    leaves). None: nothing to collect on this appointment."""
    if appt.status is Status.CANCELLED and appt.late:
        return datetime.min.replace(tzinfo=UTC)  # at once
    if appt.status is Status.NO_SHOW:
        return next_opening(salon, appt.start)
    return None


def _collectable(salon, appt: Appointment, now: datetime) -> int:
    since = collectable_from(salon, appt)
    if since is None:
        raise IllegalTransition(N_("Only a late cancellation or a no-show carries a fee."), "no_fee")
    if now < since:
        raise IllegalTransition(N_("A no-show's fee can be collected once the time to undo the mark has passed "
                                   "(the salon's next opening)."), "revert_window_open")
    amount = owed(appt.movements)
    if amount <= 0:
        raise IllegalTransition(N_("Nothing is owed on this appointment."), "nothing_owed")
    return amount


def collect_fee(repo, payments, salon, appt: Appointment, client, now: datetime) -> PaymentJob:
    """Charge what is owed to the card on file, off-session, once: the job's id names the
    appointment and how many movements it had, so a double click finds the job under way
    (`fee_in_progress`) instead of charging twice. A failed job says why; trying again makes a
    new attempt with a new idempotency key."""
    amount = _collectable(salon, appt, now)
    if client is None or client.card is None:
        raise IllegalTransition(N_("This client has no card on file: collect at the desk or waive."), "no_card")
    job = PaymentJob(id=f"fee-{appt.id}-{len(appt.movements)}", kind=JobKind.CHARGE, salon_id=salon.id,
                     appointment_id=appt.id, appointment_start=appt.start, client_id=appt.client_id, amount=amount,
                     currency=salon.currency, provider=client.card.provider, created_at=now,
                     customer=client.card.customer, payment_method=client.card.payment_method)
    previous = repo.get_payment_job(salon.id, job.id)
    if previous is not None and previous.status is JobStatus.FAILED:
        job = replace(job, attempt=previous.attempt + 1)
    try:
        repo.add_payment_job(job, retry_failed=True)
    except JobExists:
        raise IllegalTransition(N_("This fee is already being collected."), "fee_in_progress") from None
    done = payment_jobs.run(repo, payments, job, now, salon)
    observability.count("FeesCollected" if done.status is JobStatus.DONE else "FeeChargesFailed", salon=salon.id)
    return done


def settle_by_hand(repo, salon, appt: Appointment, kind: MovementKind, now: datetime) -> Appointment:
    """`cash` (paid at the desk) or `waived`: what is owed, recorded as one movement."""
    if kind not in (MovementKind.CASH, MovementKind.WAIVED):
        raise IllegalTransition(N_("Only cash or a waiver is recorded by hand."))
    amount = _collectable(salon, appt, now)
    after = appt.with_movement(Movement(kind, amount, salon.currency, now))
    repo.record_movement(appt, after)
    return after


def refund_by_hand(repo, payments, salon, appt: Appointment, now: datetime) -> PaymentJob:
    """The owner gives back what the salon holds for the appointment (deposit and charges, less
    earlier refunds), through a refund job like the automatic one: once, whatever the clicks."""
    from ..domain.money import paid_in

    amount = paid_in(appt.movements)
    paid = [m for m in appt.movements if m.kind in (MovementKind.DEPOSIT, MovementKind.CHARGE) and m.reference]
    if amount <= 0 or not paid:
        raise IllegalTransition(N_("Nothing was paid online for this appointment."), "nothing_to_refund")
    source = paid[-1] if paid[-1].amount >= amount else max(paid, key=lambda m: m.amount)
    job = PaymentJob(id=f"refund-{appt.id}-{len(appt.movements)}", kind=JobKind.REFUND, salon_id=salon.id,
                     appointment_id=appt.id, appointment_start=appt.start, client_id=appt.client_id,
                     amount=min(amount, source.amount), currency=source.currency,
                     provider=source.provider or payments.name, created_at=now, payment_ref=source.reference)
    try:
        repo.add_payment_job(job)
    except JobExists:
        raise IllegalTransition(N_("This refund is already under way."), "refund_in_progress") from None
    return payment_jobs.run(repo, payments, job, now, salon)
