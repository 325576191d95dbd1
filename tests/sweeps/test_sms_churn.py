"""Scripted book-and-cancel churn on DynamoDB Local (the service layer, no HTTP): the texts it
causes use only the public share of the daily caps, and the reminders of the salon's real
appointments, booked before the churn, all leave."""
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest

from chalicelib.domain.errors import SlotTaken
from chalicelib.domain.outbox import MessageStatus
from chalicelib.domain.policy import PUBLIC_SHARE_PERCENT, SmsCeilings
from chalicelib.services import availability, dispatch, manage, sweeps
from tests.sweeps.conftest import BASE, MONDAY, REMINDER_TIME, book, messages

pytestmark = pytest.mark.slow

CYCLES, PER_ROUND = 500, 10
REAL_CLIENTS = 20
SALON_CAP = 100
TUESDAY_MORNING = MONDAY + timedelta(days=1)  # Tuesday 10:00 in Rome


def _book_free(repo, salon_id, day: date, count: int, phone, now) -> list:
    """`count` bookings of a haircut with anyone free on `day`, in the order availability offers."""
    _, slots = availability.find_slots(repo, salon_id, "haircut", day, day, now)
    booked = []
    for slot in slots:
        try:
            booked.append(book(repo, salon_id, start=slot.start, phone=phone(len(booked)), now=now,
                               service="haircut", staff=None))
        except SlotTaken:
            continue
        if len(booked) == count:
            return booked
    raise AssertionError(f"only {len(booked)} free haircuts on {day}")


def test_five_hundred_book_and_cancel_cycles_leave_the_reminders_their_room(repo, salon_id, sender):
    from local.demo import demo_salon

    salon = demo_salon(salon_id)[0]
    # A salon that texts the confirmation of every online booking and cancellation too: what a pump
    # aims at (by default those go by e-mail only, and a churn of online bookings texts nothing).
    repo.save_salon(replace(salon, policy=replace(salon.policy, salon_daily_cap=SALON_CAP, text_receipts=True)))
    real = _book_free(repo, salon_id, date(2026, 4, 15), REAL_CLIENTS, lambda i: f"+39 333 700 {i:04d}", MONDAY)
    dispatch.dispatch(repo, sender, MONDAY)  # Monday: the real clients' confirmations
    sender.sent.clear()

    # Tuesday: rounds of ten bookings on Thursday, a dispatcher run (the confirmations leave while the
    # bookings stand), the ten cancelled, another run. Every cycle a new number, as a pump would use.
    now, cycle, thursday = TUESDAY_MORNING, 0, date(2026, 4, 16)
    first_round = _book_free(repo, salon_id, thursday, PER_ROUND, lambda i: f"+39 340 {i:07d}", now)
    slots = [(b.appointment.start, b.appointment.staff_id) for b in first_round]
    bookings = first_round
    while True:
        dispatch.dispatch(repo, sender, now, SmsCeilings())
        for booked in bookings:
            manage.cancel(repo, booked.manage_token, now, BASE)
        cycle += len(bookings)
        now += timedelta(minutes=2)
        dispatch.dispatch(repo, sender, now, SmsCeilings())
        now += timedelta(minutes=2)
        if cycle >= CYCLES:
            break
        bookings = [book(repo, salon_id, start=start, phone=f"+39 340 {cycle + i:07d}", now=now,
                         service="haircut", staff=staff) for i, (start, staff) in enumerate(slots)]
    assert now < REMINDER_TIME

    # Tuesday 18:00: the reminders of Wednesday's real appointments are queued and sent.
    sweeps.sweep_appointments(repo, REMINDER_TIME, BASE)
    dispatch.dispatch(repo, sender, REMINDER_TIME + timedelta(minutes=1), SmsCeilings())

    # Counted on this salon's own outbox: the dispatcher also sends what other tests' salons in the
    # shared table have due, so its run-wide outcomes and the sender's log are not this salon's alone.
    public_share = SALON_CAP * PUBLIC_SHARE_PERCENT // 100
    every = repo.messages_of_salon(salon_id, limit=5000)
    ours = [m for m in every if m.created_at >= TUESDAY_MORNING]
    churn = [m for m in ours if m.phone.startswith("+39340")]
    assert len(churn) == 2 * CYCLES  # 1,000 texts queued: a confirmation each way
    churn_outcomes = Counter(m.status for m in churn)
    assert churn_outcomes == {MessageStatus.SENT: public_share, MessageStatus.FAILED: 2 * CYCLES - public_share}
    assert {m.reason for m in every if m.status is MessageStatus.FAILED} == {"daily_cap_reached"}
    sent_to_churn = [m for m in sender.sent if m["phone"].startswith("+39340")]
    assert len(sent_to_churn) >= public_share  # what left for the churn numbers is what the outbox says
    reminders = messages(repo, salon_id, "reminder")
    assert len(reminders) == REAL_CLIENTS
    assert {m.status for m in reminders} == {MessageStatus.SENT}
    real_phones = {b.appointment.client_id for b in real}
    assert {m.client_id for m in reminders} == real_phones
    sent_today = [m for m in ours if m.status is MessageStatus.SENT]
    assert len(sent_today) == public_share + REAL_CLIENTS <= SALON_CAP
