"""Figure 1: DynamoDB requests per operation, through the real service functions on DynamoDB Local.

Two salons, identical but for their history: 10 appointments, and 10,000 over two years (about
19 a day, so a 31-day search reads some 600 of them). Each operation runs once per salon with
the clock pinned to a Monday morning; the count is the number of DynamoDB API calls it made.
A count that grows with the history (a second page of a Query, a scan) shows up as a difference
between the two columns. Writes run as the public API runs them, with the rate limits' guard (its
counters ride in the booking's and the cancel's transactions; a waitlist join pays one request).
"""
import uuid
from dataclasses import dataclass
from datetime import timedelta

from chalicelib import wiring
from chalicelib.domain.clock import local_today
from chalicelib.services import availability, booking, manage, waitlist
from chalicelib.services.rate_limit import RateGuard
from local import demo

from . import client_area
from .counting import Counted, RequestCounter, counted_repository
from .schedule import NOW
from .seed import seed_salon

TABLE_NAME = "chairtime-bench"
SERVICE = "haircut"
SALONS = {"small": 10, "large": 10_000}  # label -> appointments seeded
OPERATIONS = ("availability_1_day", "availability_31_days", "booking", "booking_replay", "manage_view", "cancel",
              "waitlist_join", "client_area_home", "deposit_booking", "deposit_webhook")
ADDRESS = "198.51.100.1"  # the caller's address the rate limits count
GOALS = {"availability_1_day": 2, "availability_31_days": 2, "booking": 3, "booking_replay": 3, "cancel": 4,
         "client_area_home": 3, "deposit_booking": 3, "deposit_webhook": 3}
PROVIDER_GOALS = {"deposit_booking": 1, "deposit_webhook": 0}  # payment provider calls


class CountingProvider:
    """The local payment provider, counting the calls the app makes to it."""

    def __init__(self, provider):
        self._provider, self.calls = provider, 0

    def __getattr__(self, name):
        attribute = getattr(self._provider, name)
        if name in ("create_deposit_checkout", "create_card_checkout", "expire_checkout", "charge_off_session",
                    "refund"):
            def counted(*args, **kwargs):
                self.calls += 1
                return attribute(*args, **kwargs)
            return counted
        return attribute


@dataclass
class SalonResult:
    salon_id: str
    appointments: int
    counts: dict[str, Counted]
    provider_calls: dict[str, int]


def _deposit_operations(repo, counter: RequestCounter, salon_id: str, first_day, counts: dict) -> dict[str, int]:
    """A deposit service booked (awaiting payment, one provider call for the checkout) and its
    payment's signed webhook (the local provider's event, through the same handler as Stripe's)."""
    from urllib.parse import urlsplit

    from chalicelib.payments.local import LocalProvider
    from chalicelib.services import payments

    now, provider = wiring.now(), CountingProvider(LocalProvider("bench-secret"))
    _, slots = availability.find_slots(repo, salon_id, "facial", first_day, first_day + timedelta(days=30), now)
    request = booking.BookingRequest(salon_id=salon_id, service_id="facial", start=slots[0].start,
                                     name="Bench Deposit", phone="+39 333 765 4321")
    calls = {}
    with counter.measure() as counts["deposit_booking"]:
        booked = booking.book(repo, request, now, idempotency_key=str(uuid.uuid4()), base_url="https://bench",
                              payments=provider)
    calls["deposit_booking"], provider.calls = provider.calls, 0
    ticket = urlsplit(booked.appointment.deposit.url).path.rsplit("/", 1)[1]
    raw, headers = provider.completed_event(provider.open_ticket(ticket), now)
    with counter.measure() as counts["deposit_webhook"]:
        outcome = payments.handle_webhook(repo, provider, "local", raw, headers, now, "https://bench")
    calls["deposit_webhook"] = provider.calls
    if outcome != "paid":
        raise RuntimeError(f"The deposit's webhook did not book it: {outcome}")
    return calls


def _operations(repo, counter: RequestCounter, salon_id: str) -> tuple[dict[str, Counted], dict[str, int]]:
    now = wiring.now()
    first_day = local_today(now, demo.demo_salon(salon_id)[0].tz) + timedelta(days=1)  # Tuesday: open
    counts: dict[str, Counted] = {}
    with counter.measure() as counts["availability_1_day"]:
        availability.find_slots(repo, salon_id, SERVICE, first_day, first_day, now)
    with counter.measure() as counts["availability_31_days"]:
        _, slots = availability.find_slots(repo, salon_id, SERVICE, first_day, first_day + timedelta(days=30), now)
    if not slots:
        raise RuntimeError(f"No free {SERVICE} slot in 31 days in salon {salon_id}: the seeded history is too dense.")
    request = booking.BookingRequest(salon_id=salon_id, service_id=SERVICE, start=slots[0].start,
                                     name="Bench Client", phone="+39 333 123 4567")
    key = str(uuid.uuid4())
    guard = RateGuard(repo, ADDRESS, now)
    with counter.measure() as counts["booking"]:
        booked = booking.book(repo, request, now, idempotency_key=key, guard=guard)
    with counter.measure() as counts["booking_replay"]:
        replayed = booking.book(repo, request, now, idempotency_key=key, guard=guard)
    if not replayed.replayed or replayed.manage_token != booked.manage_token:
        raise RuntimeError("The retried booking was not answered as a replay of the first.")
    with counter.measure() as counts["manage_view"]:
        manage.view(repo, booked.manage_token, now)
    with counter.measure() as counts["cancel"]:
        manage.cancel(repo, booked.manage_token, now, guard=guard)
    with counter.measure() as counts["waitlist_join"]:
        waitlist.join(repo, waitlist.WaitlistRequest(salon_id, SERVICE, first_day, first_day, "Bench Waiting",
                                                     "+39 333 765 4321"), now, guard=guard)
    counts["client_area_home"] = client_area.home_page(repo, counter, salon_id, now)
    return counts, _deposit_operations(repo, counter, salon_id, first_day, counts)


def measure(progress=lambda message: None) -> dict[str, SalonResult]:
    """Starts DynamoDB Local in memory, seeds both salons, counts; always stops DynamoDB Local."""
    progress("starting DynamoDB Local (in memory)")
    with counted_repository(TABLE_NAME, NOW) as (repo, counter):
        results = {}
        for label, size in SALONS.items():
            salon_id = f"bench-{label}-{uuid.uuid4().hex[:6]}"
            progress(f"seeding {salon_id} with {size:,} appointments")
            written = seed_salon(repo, salon_id, size, NOW)
            progress(f"counting requests in {salon_id}")
            results[label] = SalonResult(salon_id, written, *_operations(repo, counter, salon_id))
        return results
