"""Refunds and fees on DynamoDB Local: a timely cancel refunds the deposit exactly once (two
workers at once, a worker that dies mid-way), a late cancel keeps it toward the fee, and the
owner's collect / cash / waive settle what is owed."""
import threading
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from chalicelib.domain.appointment import CancelledBy, Status
from chalicelib.domain.errors import IllegalTransition
from chalicelib.domain.money import JobStatus, MovementKind, SavedCard, owed
from chalicelib.payments.local import AUTHENTICATION_CARD, DECLINED_CARD, SAVED_CARD, LocalProvider
from chalicelib.services import attendance, fees, manage, payment_jobs, payments, sweeps
from chalicelib.services.salons import load_salon
from tests.sweeps.conftest import AFTER_CLOSING, BASE, MONDAY, THURSDAY_OPENING, WEDNESDAY_10, book, messages


@pytest.fixture
def provider():
    return LocalProvider("money-secret")


@pytest.fixture
def with_fees(repo, salon_id):
    salon, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(salon, policy=replace(salon.policy, late_cancel_fee=Decimal("30.00"),
                                                  no_show_fee=Decimal("40.00"))))
    return salon_id


def paid_booking(repo, salon_id, provider, start=WEDNESDAY_10, phone="+39 333 123 4567"):
    """A facial booked and its deposit paid through the signed webhook path."""
    from urllib.parse import urlsplit

    from chalicelib.services import booking

    booked = booking.book(repo, booking.BookingRequest(salon_id=salon_id, service_id="facial", start=start,
                                                       name="Anna Rossi", phone=phone, staff_id="giulia"),
                          MONDAY, base_url=BASE, payments=provider)
    ticket = urlsplit(booked.appointment.deposit.url).path.rsplit("/", 1)[1]
    raw, headers = provider.completed_event(provider.open_ticket(ticket), MONDAY)
    assert payments.handle_webhook(repo, provider, "local", raw, headers, MONDAY, BASE) == "paid"
    return booked.manage_token, reload(repo, booked.appointment)


def reload(repo, appt):
    return repo.get_appointment(appt.salon_id, appt.start, appt.id)


def kinds(appt):
    return [(m.kind.value, m.amount) for m in appt.movements]


def test_a_timely_cancel_refunds_the_deposit_and_tells_the_client(repo, salon_id, provider):
    token, appt = paid_booking(repo, salon_id, provider)
    manage.cancel(repo, token, MONDAY + timedelta(hours=1), BASE, payments=provider)
    after = reload(repo, appt)
    assert after.status is Status.CANCELLED and not after.late
    assert kinds(after) == [("deposit", 2000), ("refund", 2000)]
    assert provider.refunds == [(appt.deposit.payment_ref, 2000, f"refund-{appt.id}-1")]
    assert len(messages(repo, salon_id, "deposit_refunded")) == 1
    assert repo.get_payment_job(salon_id, f"refund-{appt.id}").status is JobStatus.DONE


def test_a_late_cancel_keeps_the_deposit_toward_the_fee(repo, with_fees, provider):
    token, appt = paid_booking(repo, with_fees, provider)
    manage.cancel(repo, token, WEDNESDAY_10 - timedelta(hours=2), BASE, payments=provider)
    after = reload(repo, appt)
    assert after.late and kinds(after) == [("deposit", 2000), ("fee", 3000)]
    assert owed(after.movements) == 1000 and provider.refunds == []


def test_two_workers_on_one_refund_refund_once(repo, salon_id, provider):
    token, appt = paid_booking(repo, salon_id, provider)
    manage.cancel(repo, token, MONDAY + timedelta(hours=1), BASE)  # no provider: the job waits
    job = repo.get_payment_job(salon_id, f"refund-{appt.id}")
    assert job.status is JobStatus.PENDING and provider.refunds == []
    salon, _ = load_salon(repo, salon_id)
    start = threading.Barrier(2)
    results = []

    def worker():
        start.wait()
        results.append(payment_jobs.run(repo, provider, job, MONDAY + timedelta(hours=1), salon))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(provider.refunds) == 1
    assert kinds(reload(repo, appt)) == [("deposit", 2000), ("refund", 2000)]
    assert repo.get_payment_job(salon_id, job.id).status is JobStatus.DONE
    assert len(messages(repo, salon_id, "deposit_refunded")) == 1


def test_a_worker_that_dies_after_the_refund_is_finished_by_the_sweep_with_the_same_key(repo, salon_id, provider):
    token, appt = paid_booking(repo, salon_id, provider)
    cancelled_at = MONDAY + timedelta(hours=1)
    manage.cancel(repo, token, cancelled_at, BASE)
    job = repo.get_payment_job(salon_id, f"refund-{appt.id}")
    claimed = replace(job, status=JobStatus.CLAIMED, claim_id="dead-worker",
                      lease_until=cancelled_at + payment_jobs.LEASE)
    assert repo.claim_payment_job(job, claimed)
    provider.refund(job.payment_ref, job.amount, job.idempotency_key)  # the provider took it; the worker died

    assert sweeps.sweep_payment_jobs(repo, cancelled_at + timedelta(minutes=5), provider)["read"] == 0  # leased
    report = sweeps.sweep_payment_jobs(repo, cancelled_at + timedelta(minutes=11), provider)
    assert report["done"] >= 1
    keys = {key for _, _, key in provider.refunds}
    assert keys == {job.idempotency_key}  # the retry asked with the same key: the provider refunds once
    assert kinds(reload(repo, appt)) == [("deposit", 2000), ("refund", 2000)]


def test_collecting_a_late_cancel_fee_charges_the_card_the_deposit_saved_once(repo, with_fees, provider):
    token, appt = paid_booking(repo, with_fees, provider)
    manage.cancel(repo, token, WEDNESDAY_10 - timedelta(hours=2), BASE, payments=provider)
    appt = reload(repo, appt)
    salon, _ = load_salon(repo, with_fees)
    card = repo.get_client(with_fees, appt.client_id)  # paying the deposit put the card on file
    assert (card.card.provider, card.card.payment_method) == ("local", SAVED_CARD)
    with pytest.raises(IllegalTransition) as no_card:
        fees.collect_fee(repo, provider, salon, appt, replace(card, card=None), WEDNESDAY_10)
    assert no_card.value.code == "no_card"

    start = threading.Barrier(2)
    outcomes = []

    def click():
        start.wait()
        try:
            outcomes.append(fees.collect_fee(repo, provider, salon, appt, card, WEDNESDAY_10).status.value)
        except IllegalTransition as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["done", "fee_in_progress"]
    assert [(c.customer, c.payment_method, amount) for c, amount, _, _ in provider.charges] == [
        (card.card.customer, SAVED_CARD, 1000)]
    after = reload(repo, appt)
    assert kinds(after)[-1] == ("charge", 1000) and owed(after.movements) == 0
    with pytest.raises(IllegalTransition) as again:
        fees.collect_fee(repo, provider, salon, after, card, WEDNESDAY_10)
    assert again.value.code == "nothing_owed"


@pytest.mark.parametrize(("method", "reason"), [(DECLINED_CARD, "card_declined"),
                                                 (AUTHENTICATION_CARD, "authentication_required")])
def test_a_failed_charge_says_why_and_a_retry_is_a_new_attempt(repo, with_fees, provider, method, reason):
    token, appt = paid_booking(repo, with_fees, provider)
    manage.cancel(repo, token, WEDNESDAY_10 - timedelta(hours=2), BASE, payments=provider)
    appt = reload(repo, appt)
    salon, _ = load_salon(repo, with_fees)
    client = replace(repo.get_client(with_fees, appt.client_id), card=SavedCard("local", "cus", method, MONDAY))
    failed = fees.collect_fee(repo, provider, salon, appt, client, WEDNESDAY_10)
    assert failed.status is JobStatus.FAILED and failed.reason == reason
    assert owed(reload(repo, appt).movements) == 1000
    retried = fees.collect_fee(repo, provider, salon, appt, client, WEDNESDAY_10)
    assert retried.attempt == 2 and [key for *_, key in provider.charges] == [failed.idempotency_key,
                                                                            retried.idempotency_key]


def test_a_no_show_fee_waits_for_the_revert_window_then_is_paid_at_the_desk_or_waived(repo, with_fees, provider):
    booked = book(repo, with_fees)
    salon, catalog = load_salon(repo, with_fees)
    missed = attendance.mark_no_show(repo, salon, catalog, booked.appointment, AFTER_CLOSING, BASE)
    assert kinds(missed) == [("fee", 4000)]
    with pytest.raises(IllegalTransition) as early:
        fees.settle_by_hand(repo, salon, missed, MovementKind.CASH, AFTER_CLOSING)
    assert early.value.code == "revert_window_open"
    paid = fees.settle_by_hand(repo, salon, missed, MovementKind.CASH, THURSDAY_OPENING)
    assert kinds(reload(repo, paid)) == [("fee", 4000), ("cash", 4000)] and owed(paid.movements) == 0
    with pytest.raises(IllegalTransition):
        fees.settle_by_hand(repo, salon, paid, MovementKind.WAIVED, THURSDAY_OPENING)


def test_reverting_a_no_show_drops_its_fee(repo, with_fees):
    booked = book(repo, with_fees)
    salon, catalog = load_salon(repo, with_fees)
    missed = attendance.mark_no_show(repo, salon, catalog, booked.appointment, AFTER_CLOSING, BASE)
    arrived = attendance.revert_no_show(repo, salon, missed, AFTER_CLOSING)
    assert arrived.movements == () and reload(repo, arrived).movements == ()


def test_the_salons_cancel_refunds_too(repo, salon_id, provider):
    _, appt = paid_booking(repo, salon_id, provider)
    salon, catalog = load_salon(repo, salon_id)
    manage.cancel_appointment(repo, salon, catalog, appt, CancelledBy.SALON, WEDNESDAY_10 - timedelta(hours=1),
                              BASE, payments=provider)
    assert kinds(reload(repo, appt)) == [("deposit", 2000), ("refund", 2000)]
