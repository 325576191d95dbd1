"""Bench salons: the demo salon's configuration plus a history of appointments, written fast.

10,000 bookings through the booking transaction would take minutes and measure nothing we
want here, so the appointments go straight into the table with PynamoDB `batch_write()`
(25 items per BatchWriteItem), through the same mapping the repository uses. This is a bench
tool's shortcut, not an access pattern of the app.

Only appointment items are written. Bookings also write lock items (one per 15-minute block),
manage tokens and client files; none of them is read by availability, so the counts are the
same without them. The one consequence: a booking could double-book a seeded appointment's
time, so the bench only books slots that availability offers.
"""
from datetime import datetime, timedelta

from chalicelib.domain.catalog import Catalog
from chalicelib.domain.clock import local_today
from chalicelib.storage.mapping import appointment_to_item
from chalicelib.storage.models import AppointmentItem
from local import demo

from . import schedule

HISTORY_DAYS = 365  # one year back and one year ahead: about 520 open days (Tue-Sat)


def seed_salon(repo, salon_id: str, appointment_count: int, now: datetime) -> int:
    """The demo salon under `salon_id` with about `appointment_count` appointments over the two
    years around `now` (about 19 a day for 10,000). Returns how many were written."""
    demo.seed(repo, salon_id)
    salon, services, staff = demo.demo_salon(salon_id)
    today = local_today(now, salon.tz)
    appointments = schedule.appointments(
        salon, Catalog(tuple(services), tuple(staff)), today - timedelta(days=HISTORY_DAYS),
        today + timedelta(days=HISTORY_DAYS - 1), appointment_count, now, seed=f"bench:{salon_id}")
    with AppointmentItem.batch_write() as batch:
        for appointment in appointments:
            batch.save(appointment_to_item(appointment))
    return len(appointments)
