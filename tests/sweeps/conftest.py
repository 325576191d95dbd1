"""Fixtures for the sweeps: a recording SMS provider, a salon, bookings at fixed times.

Dates: Monday 13 April 2026 in Rome (CEST, UTC+2); the demo salon is open Tue-Sat 09-13, 14-19.
"""
from datetime import UTC, datetime

import pytest

from chalicelib import wiring
from chalicelib.messaging.providers import LocalSender
from chalicelib.services import booking
from chalicelib.services.salons import load_salon

BASE = "https://book.example"
MONDAY = datetime(2026, 4, 13, 8, 0, tzinfo=UTC)  # 10:00 in Rome
WEDNESDAY_10 = datetime(2026, 4, 15, 8, 0, tzinfo=UTC)  # 10:00 in Rome
REMINDER_TIME = datetime(2026, 4, 14, 16, 0, tzinfo=UTC)  # Tuesday 18:00 in Rome
AFTER_CLOSING = datetime(2026, 4, 15, 17, 0, tzinfo=UTC)  # Wednesday 19:00 in Rome
THURSDAY_OPENING = datetime(2026, 4, 16, 7, 0, tzinfo=UTC)  # 09:00 in Rome


@pytest.fixture
def sender():
    recorder = LocalSender()
    wiring.set_sender(recorder)
    yield recorder
    wiring.set_sender(None)


@pytest.fixture
def salon(repo, salon_id):
    return load_salon(repo, salon_id)


def book(repo, salon_id, start=WEDNESDAY_10, phone="+39 333 123 4567", now=MONDAY, service="color",
         staff="giulia", name="Anna Rossi", by_salon=False):
    """Booked online by the client, or by the salon for them (`by_salon`: its confirmation is texted;
    an online booker's only where the salon asks for it, Policy.text_receipts)."""
    return booking.book(repo, booking.BookingRequest(salon_id=salon_id, service_id=service, start=start,
                                                     name=name, phone=phone, staff_id=staff), now, base_url=BASE,
                        by_salon=by_salon)


def messages(repo, salon_id, kind=None):
    found = repo.messages_of_salon(salon_id, limit=500)
    return [m for m in found if kind is None or m.kind == kind]


def sent_to(sender, phone):
    return [m for m in sender.sent if m["phone"] == phone]

