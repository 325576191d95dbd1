"""Figure 4: items read by the scheduled sweeps, with 1,000, 10,000 and 100,000 appointments.

The reminder job and the no-show sweep (`services.sweeps.sweep_appointments`, lane `appt`) and
the outbox dispatcher (`services.dispatch.dispatch`, with a `LocalSender`) run through the real
service functions on DynamoDB Local. Each size gets its own fresh table (the due index is global
per UTC day, so two sizes in one table would see each other's work), with the same ten demo
salons and the same work due in every table: 50 reminders (ten appointments the next day in
each of five salons) and 50 no-show checks (ten appointments that day in the same salons), each
for a client of its own. The bulk of the history is spread over the two years around the
bench's clock: past appointments are done (no due time); future ones from the third day on carry
their reminder, so the due index holds thousands of items on later days that no sweep may read.
The two swept days hold only the due appointments.

Fifty deposit bookings (ten in each of the same salons) await payment, their holds ending that
afternoon: the offers sweep releases them (lane `offer`, the lane of waitlist holds).

The lanes' cursors are set to the swept day first, as a deployed system running every few
minutes leaves them; each job then reads yesterday's and today's bucket of its lane. The day
(Tuesday after the clock's Monday, Rome time):
  reminder sweep  5 minutes after the reminders fall due (18:05): queues 50 reminders;
  dispatcher      a minute later: sends them (inside the sending window);
  no-show sweep   5 minutes after the last no-show check falls due (after closing): 50 no-shows,
                  whose ladder messages wait for the next morning.

Items read are what DynamoDB reports (bench/counting.py): ScannedCount of each Query, the item of
each GetItem that found one; requests are API calls. Goal: the same figures for every size.
Seeding writes items straight into the table with PynamoDB `batch_write()` on a few threads,
through the repository's mapping (a bench shortcut, as in bench/seed.py); it is timed, and a
size whose seeding would overrun SEED_BUDGET_S (estimated from the previous size's rate) is
skipped and reported as such.
"""
import contextlib
import io
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from chalicelib import observability, wiring
from chalicelib.domain.appointment import Appointment, Status
from chalicelib.domain.catalog import Catalog
from chalicelib.domain.client import Client
from chalicelib.domain.clock import days, local_today
from chalicelib.domain.ids import new_id
from chalicelib.domain.schedule import Due, noshow_check_at, reminder_at
from chalicelib.domain.sending_window import can_send_now
from chalicelib.messaging.providers import LocalSender
from chalicelib.services import dispatch, sweeps
from chalicelib.storage.mapping import appointment_to_item, client_to_item
from chalicelib.storage.models import AppointmentItem, ClientItem
from chalicelib.storage.table import ensure_table
from local import demo
from local import env as local_env
from local.dynamodb import DynamoDBLocal, free_port

from . import schedule
from .counting import Counted, RequestCounter, pynamodb_clients
from .schedule import NOW

SIZES = (1_000, 10_000, 100_000)  # appointments in each table
SALONS = 10  # in every table; the bulk is split evenly among them
DUE_SALONS = 5  # the first five hold the due work
REMINDERS_PER_SALON = 10
NOSHOWS_PER_SALON = 10
HISTORY_DAYS = 365  # one year back and one year ahead, as in bench/seed.py
WRITERS = 4  # batch_write threads while seeding
SEED_BUDGET_S = 200.0  # seconds of seeding for the whole figure
SLACK = timedelta(minutes=5)
DEPOSITS_PER_SALON = 10  # awaiting payment, their hold ending on the swept day
JOBS = ("reminder_sweep", "dispatcher", "noshow_sweep", "deposit_expiry_sweep")


@dataclass
class SizeResult:
    size: int  # appointments asked for
    table: str
    appointments: int = 0  # appointment items written
    in_due_index: int = 0  # of them, with a due time (any day)
    seed_s: float = 0.0
    counts: dict[str, Counted] = field(default_factory=dict)  # job -> requests and items read
    outcomes: dict[str, dict] = field(default_factory=dict)  # job -> what it did
    sent: int = 0  # texts the LocalSender received
    work_as_expected: bool = False
    timeline: "Timeline | None" = None
    skipped: str | None = None  # why this size did not run


@dataclass(frozen=True)
class Timeline:
    day: date  # local (and UTC) day of the sweeps; no-show checks of this day's appointments
    reminder_run: datetime
    dispatch_run: datetime
    noshow_run: datetime
    deposit_run: datetime


def expected_work() -> dict[str, dict]:
    reminders, noshows = DUE_SALONS * REMINDERS_PER_SALON, DUE_SALONS * NOSHOWS_PER_SALON
    return {"reminder_sweep": {"read": reminders, "reminder queued": reminders, "errors": 0},
            "dispatcher": {"sent": reminders},
            "noshow_sweep": {"read": noshows, "no_show": noshows, "errors": 0},
            "deposit_expiry_sweep": {"read": DUE_SALONS * DEPOSITS_PER_SALON,
                                     "expired": DUE_SALONS * DEPOSITS_PER_SALON, "errors": 0}}


def _salon_ids() -> list[str]:
    return [f"sweep-{i:02d}" for i in range(SALONS)]


def _catalog(salon_id: str):
    salon, services, staff = demo.demo_salon(salon_id)
    return salon, Catalog(tuple(services), tuple(staff))


def _swept_day() -> date:
    salon, _ = _catalog(_salon_ids()[0])
    day = local_today(NOW, salon.tz) + timedelta(days=1)
    if not (salon.intervals_on(day) and salon.intervals_on(day + timedelta(days=1))):
        raise RuntimeError(f"The demo salon is not open on {day} and the day after: pick another swept day.")
    return day


def _due_appointments(day: date) -> tuple[list[Appointment], list[Client]]:
    """Ten no-show checks on `day` and ten reminders the day after, in each due salon, each for a
    fresh client with a phone of its own (the daily cap per phone must not interfere)."""
    appointments, clients = [], []
    for salon_id in _salon_ids()[:DUE_SALONS]:
        salon, catalog = _catalog(salon_id)
        for kind, on, count in (("noshow", day, NOSHOWS_PER_SALON),
                                ("reminder", day + timedelta(days=1), REMINDERS_PER_SALON)):
            for appt in schedule.appointments(salon, catalog, on, on, count, NOW, seed=f"bench:due:{salon_id}:{kind}",
                                              cancel_rate=0):
                client = Client(new_id(), f"Client {len(clients) + 1}", f"+39333{len(clients) + 1:07d}", locale="it")
                due = (Due("reminder", reminder_at(salon, appt.start)) if kind == "reminder"
                       else Due("noshow", noshow_check_at(salon, appt.start, appt.end)))
                appointments.append(replace(appt, client_id=client.id, due=due))
                clients.append(client)
    return appointments, clients


def _unpaid_deposits(day: date, expiry: datetime) -> tuple[list[Appointment], list]:
    """Ten deposit bookings awaiting payment in each due salon, two days after `day` (clear of the
    other due work), all holding their slot until `expiry`; with their lock items."""
    from chalicelib.domain.blocks import block_starts
    from chalicelib.domain.money import Deposit
    from chalicelib.storage import keys
    from chalicelib.storage.models import LockItem

    appointments, locks = [], []
    for salon_id in _salon_ids()[:DUE_SALONS]:
        salon, catalog = _catalog(salon_id)
        on = day + timedelta(days=2)
        for appt in schedule.appointments(salon, catalog, on, on, DEPOSITS_PER_SALON, NOW,
                                          seed=f"bench:deposit:{salon_id}", cancel_rate=0):
            deposit = Deposit(2000, salon.currency, expiry, "local", f"cs_bench_{appt.id}", "https://bench/pay")
            held = replace(appt, status=Status.AWAITING_PAYMENT, due=Due("payment_expiry", expiry), deposit=deposit)
            appointments.append(held)
            locks.extend(LockItem(keys.lock_pk(salon_id, held.staff_id), keys.lock_sk(start), appointment_id=held.id)
                         for start in block_starts(held.start, held.occupied_until))
    return appointments, locks


def _bulk_appointments(salon_id: str, total: int, day: date) -> list[Appointment]:
    """About `total` appointments over the two years around NOW, none on the swept day or the day
    after; future booked ones carry their reminder (on later days' buckets), the rest no due time."""
    salon, catalog = _catalog(salon_id)
    today = local_today(NOW, salon.tz)
    ranges = [(today - timedelta(days=HISTORY_DAYS), day - timedelta(days=1)),
              (day + timedelta(days=2), today + timedelta(days=HISTORY_DAYS - 1))]
    open_days = [sum(1 for d in days(first, last) if salon.intervals_on(d)) for first, last in ranges]
    before = total * open_days[0] // sum(open_days)
    result = []
    for (first, last), share in zip(ranges, (before, total - before)):
        for appt in schedule.appointments(salon, catalog, first, last, share, NOW, seed=f"bench:bulk:{salon_id}"):
            if appt.start > NOW and appt.status in (Status.BOOKED, Status.CONFIRMED):
                appt = replace(appt, due=Due("reminder", reminder_at(salon, appt.start)))
            result.append(appt)
    return result


def _write(items: list, model) -> None:
    """batch_write (25 items per BatchWriteItem) on WRITERS threads sharing PynamoDB's client."""
    def write(chunk):
        with model.batch_write() as batch:
            for item in chunk:
                batch.save(item)

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(write, [items[k::WRITERS] for k in range(WRITERS)]))


def _seed(repo, size: int, day: date, result: SizeResult) -> Timeline:
    due, clients = _due_appointments(day)
    bulk: list[Appointment] = []
    for salon_id, share in zip(_salon_ids(), schedule.spread(size - len(due), SALONS)):
        demo.seed(repo, salon_id)
        bulk.extend(_bulk_appointments(salon_id, share, day))
    from datetime import time

    from chalicelib.domain.clock import local_to_utc

    deposit_expiry = local_to_utc(day, time(16, 0), _catalog(_salon_ids()[0])[0].tz)  # the holds end at 16:00
    unpaid, locks = _unpaid_deposits(day, deposit_expiry)
    everything = bulk + due + unpaid
    _write([appointment_to_item(appt) for appt in everything], AppointmentItem)
    _write(locks, type(locks[0]))
    _write([client_to_item(appt.salon_id, client, NOW) for appt, client in zip(due, clients)], ClientItem)
    result.appointments = len(everything)
    result.in_due_index = sum(1 for appt in everything if appt.due is not None)
    for lane in ("appt", "outbox", "offer"):
        repo.advance_cursor(lane, day)
    reminders = [a.due.at for a in due if a.due.kind == "reminder"]
    noshows = [a.due.at for a in due if a.due.kind == "noshow"]
    timeline = Timeline(day, max(reminders) + SLACK, max(reminders) + SLACK + timedelta(minutes=1),
                        max(noshows) + SLACK, deposit_expiry + SLACK)
    salon, _ = _catalog(_salon_ids()[0])
    policy = salon.policy
    if not (timeline.dispatch_run < min(noshows) and can_send_now(timeline.dispatch_run, salon.tz, policy.send_from,
                                                                  policy.send_until)
            and {t.date() for t in (timeline.reminder_run, timeline.dispatch_run, timeline.noshow_run,
                                    timeline.deposit_run)} == {day}):
        raise RuntimeError(f"The sweep times do not fit the swept day as this figure assumes: {timeline}")
    return timeline


def _run_jobs(repo, counter: RequestCounter, timeline: Timeline, result: SizeResult) -> None:
    # The services' business metrics go out as CloudWatch EMF lines on stdout (Powertools prints
    # them once a metric has 100 values): not part of the bench's output, so they are dropped.
    with contextlib.redirect_stdout(io.StringIO()):
        _jobs(repo, counter, timeline, result)
        observability.metrics().clear_metrics()
    expected = expected_work()
    result.work_as_expected = result.outcomes == expected and result.sent == expected["dispatcher"]["sent"]


def _jobs(repo, counter: RequestCounter, timeline: Timeline, result: SizeResult) -> None:
    sender, base_url = LocalSender(), wiring.base_url()
    with counter.measure() as result.counts["reminder_sweep"]:
        report = sweeps.sweep_appointments(repo, timeline.reminder_run, base_url)
    result.outcomes["reminder_sweep"] = {"read": report.read, **report.done, "errors": report.errors}
    with counter.measure() as result.counts["dispatcher"]:
        outcomes = dispatch.dispatch(repo, sender, timeline.dispatch_run).outcomes
    result.outcomes["dispatcher"] = dict(outcomes)
    with counter.measure() as result.counts["noshow_sweep"]:
        report = sweeps.sweep_appointments(repo, timeline.noshow_run, base_url)
    result.outcomes["noshow_sweep"] = {"read": report.read, **report.done, "errors": report.errors}
    result.sent = len(sender.sent)
    from chalicelib.payments.local import LocalProvider

    with counter.measure() as result.counts["deposit_expiry_sweep"]:
        report = sweeps.sweep_offers(repo, timeline.deposit_run, base_url, LocalProvider("bench-secret"))
    result.outcomes["deposit_expiry_sweep"] = {"read": report.read, **report.done, "errors": report.errors}


def _measure_size(dynamodb: DynamoDBLocal, counter: RequestCounter, size: int, day: date, progress) -> SizeResult:
    table = f"chairtime-sweeps-{size}-{uuid.uuid4().hex[:6]}"
    result = SizeResult(size, table)
    ddb = local_env.dynamodb_client(dynamodb.endpoint)
    ensure_table(ddb, table)
    try:
        local_env.apply(dynamodb.endpoint, TABLE_NAME=table)
        wiring.reset()
        repo = wiring.repository()
        for client in pynamodb_clients(repo):
            counter.attach(client)
        progress(f"seeding table {table} with {size:,} appointments")
        started = time.perf_counter()
        result.timeline = _seed(repo, size, day, result)
        result.seed_s = time.perf_counter() - started
        progress(f"running the sweeps on {table} (seeded in {result.seed_s:.0f} s)")
        _run_jobs(repo, counter, result.timeline, result)
        if not counter.covers(pynamodb_clients(repo)):
            raise RuntimeError("PynamoDB created a botocore client the counter did not see: the counts are incomplete.")
        return result
    finally:
        ddb.delete_table(TableName=table)  # frees DynamoDB Local's memory for the next size


def measure(progress=lambda message: None, sizes=SIZES) -> dict:
    """Starts DynamoDB Local in memory, one table per size; always stops DynamoDB Local."""
    day = _swept_day()
    progress("starting DynamoDB Local (in memory) for the sweeps")
    dynamodb = DynamoDBLocal(free_port()).start()
    results: list[SizeResult] = []
    try:
        counter = RequestCounter()
        seeded_s, rate = 0.0, None  # seconds spent seeding so far; appointments per second
        for size in sizes:
            if rate is not None:
                estimate = size / rate
                if seeded_s + estimate > SEED_BUDGET_S:
                    results.append(SizeResult(size, "-", skipped=(
                        f"seeding would take about {estimate:.0f} s (at {rate:,.0f} appointments/s), "
                        f"over the {SEED_BUDGET_S:.0f} s budget ({seeded_s:.0f} s used)")))
                    progress(f"skipping {size:,} appointments: {results[-1].skipped}")
                    continue
            result = _measure_size(dynamodb, counter, size, day, progress)
            seeded_s += result.seed_s
            rate = result.appointments / max(result.seed_s, 1e-3)
            results.append(result)
    finally:
        wiring.reset()
        dynamodb.stop()
    return {"results": results, "expected": expected_work(), "timezone": _catalog(_salon_ids()[0])[0].timezone,
            "due": {"reminders": DUE_SALONS * REMINDERS_PER_SALON, "noshow_checks": DUE_SALONS * NOSHOWS_PER_SALON,
                    "unpaid_deposits": DUE_SALONS * DEPOSITS_PER_SALON},
            "salons": SALONS, "due_salons": DUE_SALONS}


def same_for_all(results: list[SizeResult]) -> bool:
    """The goal: every size that ran read the same items, made the same requests and did the work."""
    ran = [r for r in results if r.skipped is None]
    if not ran or not all(r.work_as_expected for r in ran):
        return False
    signature = [{job: (dict(r.counts[job].items), dict(r.counts[job].calls)) for job in JOBS} for r in ran]
    return all(s == signature[0] for s in signature)

