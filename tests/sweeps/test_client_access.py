"""The owner's ban and restriction, and the late-cancel fee."""
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from chalicelib.domain.client import Access
from chalicelib.domain.errors import BookingRestricted, InvalidRequest
from chalicelib.services import manage
from chalicelib.services.owner import client_access
from tests.sweeps.conftest import MONDAY, REMINDER_TIME, WEDNESDAY_10, book, messages


def test_a_ban_blocks_online_booking_and_sends_one_courteous_notice(repo, salon_id, sender):
    booked = book(repo, salon_id)
    salon, _ = repo.load_salon(salon_id)
    client_access.set_access(repo, salon, booked.appointment.client_id, Access.BANNED, MONDAY)
    client_access.set_access(repo, salon, booked.appointment.client_id, Access.BANNED, MONDAY)
    assert len(messages(repo, salon_id, "ban_notice")) == 1
    with pytest.raises(BookingRestricted):
        book(repo, salon_id, start=WEDNESDAY_10 + timedelta(days=1))
    client_access.set_access(repo, salon, booked.appointment.client_id, Access.OK, MONDAY)
    assert book(repo, salon_id, start=WEDNESDAY_10 + timedelta(days=1)).appointment


def test_a_restriction_needs_a_future_end(repo, salon_id, sender):
    booked = book(repo, salon_id)
    salon, _ = repo.load_salon(salon_id)
    with pytest.raises(InvalidRequest):
        client_access.set_access(repo, salon, booked.appointment.client_id, Access.RESTRICTED, MONDAY)
    client = client_access.set_access(repo, salon, booked.appointment.client_id, Access.RESTRICTED, MONDAY,
                                      until=date(2026, 6, 1))
    assert client.restricted_until == date(2026, 6, 1)
    assert len(messages(repo, salon_id, "booking_restricted")) == 1


def test_a_late_cancel_records_the_salons_fee(repo, salon_id, sender):
    from local.demo import demo_salon

    salon, _, _ = demo_salon(salon_id)
    repo.save_salon(replace(salon, policy=replace(salon.policy, late_cancel_fee=Decimal("15.00"))))
    booked = book(repo, salon_id)
    manage.cancel(repo, booked.manage_token, REMINDER_TIME)  # 16 hours before: late
    client = repo.get_client(salon_id, booked.appointment.client_id)
    assert client.late_cancel_count == 1 and client.fees_owed == Decimal("15.00")
