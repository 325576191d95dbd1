"""Figure 5: the reports page and the treatment-record page, in DynamoDB requests.

Reports: two demo salons, one with 1,000 appointments and one with 100,000, spread over the two
years around the bench's clock, each with the report counters their appointments add up to
(written as `make repair-reports APPLY=1` writes them). The report for the last 12 months is built
through the real service (`services.reports.load_report`); goal: at most 2 requests, the same for
both salons (the counters, not the appointments, are read).

Record page: the page of an arrived appointment (`services.records.open_record`) and saving its
record (`services.records.save`), with the photos in the local photo store (the app never
handles a photo's bytes on AWS: they go to S3 by presigned POST). The guard's 2 GetItems
(session, user) come before every owner page and are not counted here.

Seeding writes appointment items straight into the table with `batch_write()` on a few threads
(a bench shortcut, as in bench/seed.py); the 100,000 salon's days are denser than a real salon's,
which changes nothing the report reads.
"""
import random
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta

from chalicelib.domain import reports
from chalicelib.domain.appointment import Appointment, CancelledBy, Status
from chalicelib.domain.ids import new_id
from chalicelib.photos.local import LocalPhotoStore
from chalicelib.services import booking, records
from chalicelib.services import reports as report_service
from chalicelib.storage.mapping import appointment_to_item
from chalicelib.storage.models import AppointmentItem
from local import demo

from .counting import Counted, RequestCounter, counted_repository
from .schedule import NOW

TABLE_NAME = "chairtime-bench-reports"
SIZES = (1_000, 100_000)
GOAL = 2
WRITERS = 4
DAYS = 730


@dataclass
class Figures:
    reports: dict[int, Counted]  # appointments -> the report's requests
    counter_items: dict[int, int]  # appointments -> counter items the report read
    seed_s: dict[int, float]
    record_page: Counted
    record_save: Counted


def _history(salon_id: str, size: int) -> list[Appointment]:
    rng = random.Random(f"reports:{size}")
    salon, services, staff = demo.demo_salon(salon_id)
    first = NOW - timedelta(days=DAYS // 2)
    found = []
    for index in range(size):
        service, member = rng.choice(services), rng.choice(staff)
        start = first + timedelta(days=index * DAYS // size, minutes=15 * rng.randint(0, 36))
        appt = Appointment(new_id(), salon_id, service.id, member.id, f"client-{rng.randint(1, size // 8 + 1)}",
                           start, start + timedelta(minutes=service.duration_minutes), service.buffer_minutes,
                           price=service.price, first_visit=rng.random() < 0.15)
        if start < NOW:
            roll = rng.random()
            appt = (replace(appt, status=Status.COMPLETED) if roll < 0.8 else
                    replace(appt, status=Status.NO_SHOW) if roll < 0.88 else
                    replace(appt, status=Status.CANCELLED, cancelled_by=CancelledBy.CLIENT, late=roll < 0.93))
        found.append(appt)
    return found


def _seed(repo, salon_id: str, size: int) -> None:
    demo.seed(repo, salon_id)
    history = _history(salon_id, size)

    def write(chunk):
        with AppointmentItem.batch_write() as batch:
            for appt in chunk:
                batch.save(appointment_to_item(appt))

    step = len(history) // WRITERS + 1
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(write, [history[i:i + step] for i in range(0, len(history), step)]))
    salon, _ = repo.load_salon(salon_id)
    for (month, staff_id), counters in reports.summed(history, salon.tz).items():
        repo.set_report_counters(salon_id, month, staff_id, counters, NOW)


def measure(progress=lambda message: None) -> Figures:
    progress("starting DynamoDB Local (in memory) for the reports and the record page")
    with counted_repository(TABLE_NAME, NOW) as (repo, counter):
        counted, items, seeded = {}, {}, {}
        for size in SIZES:
            salon_id = f"reports-{size}-{uuid.uuid4().hex[:6]}"
            progress(f"seeding {salon_id} with {size:,} appointments and their counters")
            started = time.perf_counter()
            _seed(repo, salon_id, size)
            seeded[size] = time.perf_counter() - started
            repo.__dict__.pop("_report_zones", None)  # a cold container: nothing remembered
            with counter.measure() as counted[size]:
                report = report_service.load_report(repo, salon_id, NOW)
            items[size] = sum(1 for line in (report.salon_line, *report.staff_lines) for m in line.months
                              if m.counters)
        page, save = _record_page(repo, counter)
        return Figures(counted, items, seeded, page, save)


def _record_page(repo, counter: RequestCounter) -> tuple[Counted, Counted]:
    from chalicelib.auth.sessions import Principal
    from chalicelib.services import attendance

    salon_id = f"record-{uuid.uuid4().hex[:6]}"
    demo.seed(repo, salon_id)
    salon, _ = repo.load_salon(salon_id)
    start = NOW + timedelta(days=1, hours=2)  # Tuesday 11:00 in Rome
    appt = booking.book(repo, booking.BookingRequest(salon_id=salon_id, service_id="color", start=start,
                                                     name="Bench Client", phone="+39 333 123 4567",
                                                     staff_id="giulia"), NOW).appointment
    appt = attendance.mark_arrived(repo, appt)
    who = Principal("bench-user", "bench@example.com", salon_id, "owner", None, "Bench", "s", "c")
    with tempfile.TemporaryDirectory() as folder:
        store = LocalPhotoStore(folder, b"bench-key" * 4, "http://127.0.0.1:8000")
        with counter.measure() as page:
            records.open_record(repo, store, who, appt.start, appt.id)
        audit = _NoAudit()
        with counter.measure() as save:
            records.save(repo, audit, who, appt.start, appt.id, "Roots only.", {}, NOW)
    return page, save


class _NoAudit:
    """The audit entry is one PutItem the route adds (not counted here: it is the accounts table's)."""

    def record_audit(self, *args, **kwargs) -> None:
        return None


def print_section(figures: Figures) -> None:
    out = ["", "5. Reports and the treatment-record page (DynamoDB requests, after the guard's 2 GetItems)"]
    out.append(f"   {'reports, last 12 months':<34}" + "".join(
        f"{size:>9,} appts: {_breakdown(figures.reports[size]):<40}" for size in SIZES))
    totals = {figures.reports[size].total for size in SIZES}
    verdict = "met" if max(totals) <= GOAL and len(totals) == 1 else "NOT MET"
    out.append(f"   goal: <= {GOAL} and the same for every size: {verdict}; counter items read: "
               + ", ".join(f"{figures.counter_items[s]} ({s:,})" for s in SIZES)
               + "; seeding " + ", ".join(f"{figures.seed_s[s]:.0f} s" for s in SIZES))
    out.append(f"   {'record page (open)':<34}{_breakdown(figures.record_page)}")
    out.append(f"   {'record page (save)':<34}{_breakdown(figures.record_save)}")
    out.append("   photos: posted by the browser straight to the bucket (presigned POST); the app never reads them")
    print("\n".join(out))


def _breakdown(counted: Counted) -> str:
    parts = ", ".join(f"{n} {op}" for op, n in sorted(counted.calls.items()))
    return f"{counted.total} ({parts})"
