"""Figure 2: the pure availability computation, no I/O.

`domain.availability.free_slots` for the demo salon's hours with 10 staff who all perform the
service, over 31 days (the longest range the API accepts) with 500 existing appointments turned
into busy blocks by `availability.busy_blocks` once, outside the timing, as the service does.
Timed per call over RUNS calls after one warm-up: median and p95 (nearest rank), for one staff
member and for "any staff" (every capable staff member merged, the booking page's default).
"""
import math
import statistics
import time
from datetime import timedelta

from chalicelib.domain import availability
from chalicelib.domain.catalog import Catalog, Staff
from chalicelib.domain.clock import local_today
from local import demo

from . import schedule
from .schedule import NOW

RUNS = 30
STAFF = 10
APPOINTMENTS = 500
DAYS = 31
SERVICE = "haircut"


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def measure(runs: int = RUNS) -> dict:
    salon, services, _ = demo.demo_salon("bench-speed")
    staff = tuple(Staff(f"stylist-{i:02d}", f"Stylist {i}", tuple(s.id for s in services)) for i in range(STAFF))
    catalog = Catalog(tuple(services), staff)
    service = catalog.service(SERVICE)
    first_day = local_today(NOW, salon.tz) + timedelta(days=1)
    last_day = first_day + timedelta(days=DAYS - 1)
    appointments = schedule.appointments(salon, catalog, first_day, last_day, APPOINTMENTS, NOW,
                                         seed="bench:speed", cancel_rate=0)
    booked = availability.busy_blocks((a.staff_id, a.start, a.occupied_until) for a in appointments)
    result = {"staff": STAFF, "days": DAYS, "appointments": len(appointments), "runs": runs, "service": SERVICE}
    for label, staff_id in (("one_staff", staff[0].id), ("any_staff", None)):
        def call(staff_id=staff_id):
            return availability.free_slots(salon, catalog, service, first_day, last_day, NOW, booked, staff_id)

        slots = call()  # warm-up (zoneinfo caches, cached properties)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            call()
            samples.append((time.perf_counter() - start) * 1000)
        result[label] = {"median_ms": statistics.median(samples), "p95_ms": _p95(samples), "slots": len(slots)}
    return result
