"""Refunds and off-session charges as jobs (domain/money.py PaymentJob): written first, claimed
by one worker, the provider called with the job's idempotency key, the outcome and the movement
recorded in one transaction. A worker that dies after the provider call leaves a claimed job
that the next sweep claims again once the lease ends; the provider answers the same key with
the same refund or payment, so nothing is paid out or taken twice."""
import logging
from dataclasses import replace
from datetime import datetime, timedelta

from .. import observability
from ..domain.clock import days
from ..domain.errors import IllegalTransition
from ..domain.ids import new_id
from ..domain.money import JobKind, JobStatus, Movement, MovementKind, PaymentJob, format_amount
from ..payments.base import ProviderError, StoredCard
from ..storage.payments_store import JobExists
from . import notify

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)  # longer than a Lambda runs: a live worker never loses its claim


def run(repo, provider, job: PaymentJob, now: datetime, salon=None) -> PaymentJob:
    """Claim `job` and carry it out; returns the job as it stands after this worker (done, failed,
    or untouched when another worker holds it)."""
    if job.status not in (JobStatus.PENDING, JobStatus.CLAIMED):
        return job
    if job.status is JobStatus.CLAIMED and job.lease_until and now < job.lease_until:
        return job  # another worker is on it
    claimed = replace(job, status=JobStatus.CLAIMED, claim_id=new_id(), lease_until=now + LEASE)
    if not repo.claim_payment_job(job, claimed):
        return repo.get_payment_job(job.salon_id, job.id) or job
    try:
        finished, movement = _call_provider(provider, claimed, now)
    except ProviderError as error:
        log.warning("payment job %s: provider error, retried after the lease: %s", job.id, error)
        return claimed
    messages = _messages(repo, salon, finished, now) if salon is not None else ()
    for _ in range(3):  # the appointment may change meanwhile (the owner waives): read it again
        appt = repo.get_appointment(job.salon_id, job.appointment_start, job.appointment_id)
        after = appt.with_movement(movement) if appt is not None and movement is not None else None
        try:
            repo.finish_payment_job(claimed, finished, appt if after else None, after, messages)
            observability.count("PaymentJobs", kind=job.kind.value, outcome=finished.status.value)
            return finished
        except JobExists:
            return repo.get_payment_job(job.salon_id, job.id) or claimed  # the lease ran out: another took over
        except IllegalTransition:
            continue
    return claimed  # still contended: the sweep finishes it after the lease (same key, same result)


def _call_provider(provider, job: PaymentJob, now: datetime) -> tuple[PaymentJob, Movement | None]:
    if job.kind is JobKind.REFUND:
        ref = provider.refund(job.payment_ref, job.amount, job.idempotency_key)
        done = replace(job, status=JobStatus.DONE, result_ref=ref, lease_until=None)
        return done, Movement(MovementKind.REFUND, job.amount, job.currency, now, ref, provider.name)
    outcome = provider.charge_off_session(StoredCard(job.customer, job.payment_method), job.amount, job.currency,
                                          job.idempotency_key, {"salon_id": job.salon_id,
                                                                "appointment_id": job.appointment_id})
    if outcome.status == "succeeded":
        done = replace(job, status=JobStatus.DONE, result_ref=outcome.reference, lease_until=None)
        return done, Movement(MovementKind.CHARGE, job.amount, job.currency, now, outcome.reference, provider.name)
    reason = "authentication_required" if outcome.status == "authentication_required" else outcome.reason
    failed = replace(job, status=JobStatus.FAILED, result_ref=outcome.reference, reason=reason or outcome.status,
                     lease_until=None)
    return failed, None


def _messages(repo, salon, job: PaymentJob, now: datetime) -> tuple:
    """A refund is told to the client."""
    if job.kind is not JobKind.REFUND or job.status is not JobStatus.DONE:
        return ()
    client = repo.get_client(job.salon_id, job.client_id)
    if client is None or client.erased:
        return ()
    amount = f"{format_amount(job.amount, job.currency)} {job.currency}"
    return (notify.message(salon, client, "deposit_refunded", now, start=job.appointment_start, amount=amount),)


def refund_for_cancel(cancelled, now: datetime) -> PaymentJob | None:
    """A timely cancel (by the client, or any cancel by the salon) gives the paid deposit back;
    a late one keeps it toward the fee."""
    from ..domain.money import paid_in

    deposit = cancelled.deposit
    if deposit is None or not deposit.paid or cancelled.late or not deposit.payment_ref:
        return None
    amount = paid_in(cancelled.movements)
    if amount <= 0:
        return None
    return PaymentJob(id=f"refund-{cancelled.id}", kind=JobKind.REFUND, salon_id=cancelled.salon_id,
                      appointment_id=cancelled.id, appointment_start=cancelled.start, client_id=cancelled.client_id,
                      amount=amount, currency=deposit.currency, provider=deposit.provider, created_at=now,
                      payment_ref=deposit.payment_ref)


def sweep(repo, provider, now: datetime, salons) -> dict:
    """Pending jobs (no worker ran them) and claims whose lease ended, through the due index from
    the lane's cursor: reads grow with the leftovers, not with the table."""
    report, today = {"read": 0}, now.date()
    first, clean = min(repo.cursor("payjob", today), today - timedelta(days=1)), True
    for day in days(first, today):
        for job in repo.due_payment_jobs(day, now):
            report["read"] += 1
            salon, _ = salons(job.salon_id)
            outcome = run(repo, provider, job, now, salon).status.value
            report[outcome] = report.get(outcome, 0) + 1
            clean = clean and outcome in ("done", "failed")
        if not clean:
            break
    repo.advance_cursor("payjob", today if clean else day)
    return report
