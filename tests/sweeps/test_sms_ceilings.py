"""The daily caps keep room for reminders (texts public actions cause use only a share of them),
and the platform's ceiling holds over whatever cap an owner set."""
from dataclasses import replace
from datetime import timedelta

from chalicelib.domain.policy import Policy, SmsCeilings, daily_caps
from chalicelib.services import dispatch
from tests.sweeps.conftest import MONDAY, sent_to
from tests.sweeps.test_dispatch import PHONE, queue


def test_confirmations_get_half_the_caps_and_reminders_all_of_them():
    policy = Policy(phone_daily_cap=6, salon_daily_cap=300)
    assert daily_caps(policy, "booking_confirmation", SmsCeilings()) == (
        daily_caps(policy, "cancellation_confirmation", SmsCeilings())) != daily_caps(policy, "reminder", SmsCeilings())
    confirmation = daily_caps(policy, "booking_confirmation", SmsCeilings())
    assert (confirmation.phone, confirmation.salon, confirmation.public_phone, confirmation.public_salon) == (
        6, 300, 3, 150)
    reminder = daily_caps(policy, "reminder", SmsCeilings())
    assert (reminder.phone, reminder.salon, reminder.public_phone, reminder.public_salon) == (6, 300, None, None)


def test_the_ceiling_lowers_an_owners_cap():
    caps = daily_caps(Policy(phone_daily_cap=90, salon_daily_cap=50_000), "reminder", SmsCeilings(10, 500))
    assert (caps.phone, caps.salon) == (10, 500)


def _set_caps(repo, salon_id, phone_cap, salon_cap):
    from local.demo import demo_salon

    salon = demo_salon(salon_id)[0]
    repo.save_salon(replace(salon, policy=replace(salon.policy, phone_daily_cap=phone_cap,
                                                  salon_daily_cap=salon_cap)))


def test_confirmations_to_one_number_leave_its_reminders_room(repo, salon_id, sender):
    """Someone books and cancels with a client's number: the client's own texts still leave."""
    queue(repo, salon_id, 6, kind="booking_confirmation")
    dispatch.dispatch(repo, sender, MONDAY + timedelta(minutes=1))
    assert len(sent_to(sender, PHONE)) == 3  # half the phone's cap of 6
    queue(repo, salon_id, 3, now=MONDAY + timedelta(minutes=2), kind="recall")
    dispatch.dispatch(repo, sender, MONDAY + timedelta(minutes=3))
    assert len(sent_to(sender, PHONE)) == 6


def test_the_platform_ceiling_holds_over_the_salons_cap(repo, salon_id, sender):
    _set_caps(repo, salon_id, phone_cap=100, salon_cap=100_000)
    queue(repo, salon_id, 8, kind="recall")
    queue(repo, salon_id, 8, kind="recall", phone=lambda i: f"+39333300{i:04d}")
    report = dispatch.dispatch(repo, sender, MONDAY + timedelta(minutes=1), SmsCeilings(phone_daily=4, salon_daily=10))
    assert len(sent_to(sender, PHONE)) == 4
    assert len(sender.sent) == 10 and report["failed"] == 6
