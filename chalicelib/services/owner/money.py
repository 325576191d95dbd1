"""The client file's money buttons: collect the fee (card on file), paid at the desk, waive. A
charge the bank wants the client to authenticate sends them a link to pay it themselves."""
from dataclasses import replace
from datetime import datetime, timedelta

from ...domain.clock import iso_utc
from ...domain.errors import IllegalTransition, InvalidRequest, NotFound
from ...domain.money import JobStatus, MovementKind, PaymentJob, format_amount
from ...domain.text import N_
from ...domain.values import frozen
from ...payments.base import CheckoutRequest, ProviderError
from .. import fees, notify
from .clients import NotAllowed, checked_client

ACTIONS = ("collect", "cash", "waive", "refund")
PAY_LINK_HOURS = 24  # how long the client's link to pay a fee stays open


@frozen
class Settled:
    outcome: str  # collected | declined | authentication_required | cash | waived
    appointment: object
    job: PaymentJob | None = None


def settle(repo, audit, payments, who, client_id: str, appointment_id: str, action: str, now: datetime,
           base_url: str) -> Settled:
    if action not in ACTIONS:
        raise InvalidRequest(N_("'%(action)s' is not one of %(actions)s.", action=action, actions=", ".join(ACTIONS)))
    if action == "refund" and who.role != "owner":
        raise NotAllowed(N_("Only the owner may give money back."))
    salon, catalog, _, client = checked_client(repo, who, client_id, edit=True)
    appt = repo.client_appointment(salon.id, client.id, appointment_id)
    if appt is None:
        raise NotFound(N_("This client has no such appointment."), "appointment_not_found")
    if action == "refund":
        job = fees.refund_by_hand(repo, payments, salon, appt, now)
        settled = Settled("refunded" if job.status is JobStatus.DONE else (job.reason or job.status.value),
                          repo.get_appointment(salon.id, appt.start, appt.id), job)
    elif action == "collect":
        job = fees.collect_fee(repo, payments, salon, appt, client, now)
        outcome = {"done": "collected"}.get(job.status.value, job.reason or job.status.value)
        if job.status is JobStatus.FAILED and job.reason == "authentication_required":
            job = _send_pay_link(repo, payments, salon, catalog, client, appt, job, now, base_url)
        elif job.status is JobStatus.FAILED:
            outcome = "declined"
        settled = Settled(outcome, repo.get_appointment(salon.id, appt.start, appt.id), job)
    else:
        kind = MovementKind.CASH if action == "cash" else MovementKind.WAIVED
        settled = Settled("cash" if action == "cash" else "waived", fees.settle_by_hand(repo, salon, appt, kind, now))
    audit.record_audit(salon.id, who.user_id, f"fee_{settled.outcome}", f"appointment:{appt.id}",
                       {"client_id": client.id}, now)
    return settled


def _send_pay_link(repo, payments, salon, catalog, client, appt, job: PaymentJob, now: datetime,
                   base_url: str) -> PaymentJob:
    """The provider's checkout for the fee, texted to the client; its webhook settles the job."""
    if client.erased:
        raise IllegalTransition(N_("This client's contact details were erased: collect at the desk or waive."))
    names = notify.names(catalog, appt)
    request = CheckoutRequest(
        salon_id=salon.id, appointment_id=appt.id, appointment_start=iso_utc(appt.start), currency=job.currency,
        description=f"{salon.name}: {names['service_name']}", success_url=f"{base_url}/book/{salon.id}",
        cancel_url=f"{base_url}/book/{salon.id}", expires_at=now + timedelta(hours=PAY_LINK_HOURS),
        country=salon.country, amount=job.amount, locale=client.locale or salon.locale, client_id=client.id,
        customer=job.customer, job_id=job.id)
    try:
        checkout = payments.create_deposit_checkout(request)
    except ProviderError:
        raise IllegalTransition(N_("The card needs the client's confirmation and the payment provider cannot be "
                                   "reached to send them a link. Try again in a few minutes."), "payment_unavailable") \
            from None
    amount = f"{format_amount(job.amount, job.currency)} {job.currency}"
    message = notify.message(salon, client, "fee_payment_link", now, amount=amount, pay_url=checkout.url)
    linked = replace(job, checkout_ref=checkout.reference)
    repo.save_failed_job(job, linked, (message,))
    return linked
