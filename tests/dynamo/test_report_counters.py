"""Report counters on DynamoDB Local: after a randomised run of bookings, client and salon
cancels (late and not), moves (to other days, months and specialists), arrivals, completions,
no-shows and their reverts, and money (deposits paid on time, late or never, refunds on a timely
cancel or by hand, late-cancel and no-show fees charged to the saved card, paid at the desk or
waived, on days of later months), the counters the transactions kept equal a recomputation from
the appointments, and the repair command finds nothing to fix. A tampered counter is found and
fixed."""
import random
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain import availability, reports
from chalicelib.domain.appointment import CancelledBy, Status
from chalicelib.domain.errors import DomainError
from chalicelib.domain.money import MovementKind, owed, paid_in
from chalicelib.payments.local import LocalProvider
from chalicelib.services import attendance, booking, deposits, fees, manage, payments
from chalicelib.services import reports as report_service
from chalicelib.services.owner import agenda as owner_agenda
from chalicelib.services.salons import load_salon
from tests.conftest import MONDAY_MORNING

pytestmark = pytest.mark.dynamodb_local

ROME = ZoneInfo("Europe/Rome")
PHONES = [f"+39 333 000 00{n:02d}" for n in range(8)]
SERVICES = {"giulia": ("haircut", "color", "facial"), "marco": ("haircut", "manicure", "color")}


def random_start(rng: random.Random, salon, catalog, service_id: str, staff_id: str, now: datetime):
    """A time availability offers, 1 to 50 days ahead (across the end of March and of April)."""
    service, staff = catalog.service(service_id), catalog.staff_member(staff_id)
    for _ in range(20):
        day = now.astimezone(ROME).date() + timedelta(days=rng.randint(1, 50))
        starts = availability.candidate_starts(salon, staff, service, day, now)
        if starts:
            return rng.choice(starts)
    return None


def reload(repo, appt):
    return repo.get_appointment(appt.salon_id, appt.start, appt.id)


def pay(repo, provider, appt, at: datetime) -> str:
    """The client pays the deposit on the checkout the booking opened (its signed webhook)."""
    ticket = urlsplit(appt.deposit.url).path.rsplit("/", 1)[1]
    raw, headers = provider.completed_event(provider.open_ticket(ticket), at)
    return payments.handle_webhook(repo, provider, "local", raw, headers, at, "")


def money_op(repo, provider, salon, catalog, op: str, appt, when: datetime) -> None:
    """The owner's money buttons and the deposits' own life, `when` days after the appointment."""
    if op == "pay_late":
        deposits.expire_unpaid(repo, provider, salon, catalog, appt, appt.deposit.expires_at, "")
        pay(repo, provider, repo.get_appointment(appt.salon_id, appt.start, appt.id), appt.deposit.expires_at)
    elif op == "collect":
        fees.collect_fee(repo, provider, salon, appt, repo.get_client(salon.id, appt.client_id), when)
    elif op in ("cash", "waive"):
        fees.settle_by_hand(repo, salon, appt, MovementKind.CASH if op == "cash" else MovementKind.WAIVED, when)
    elif op == "refund":
        fees.refund_by_hand(repo, provider, salon, appt, when)


def test_counters_equal_the_recomputation_after_a_random_day_of_changes(repo, salon_id):
    rng = random.Random(20260323)
    first, _ = load_salon(repo, salon_id)
    repo.save_salon(replace(first, policy=replace(first.policy, late_cancel_fee=Decimal("30.00"),
                                                  no_show_fee=Decimal("40.00"))))
    salon, catalog = load_salon(repo, salon_id)
    provider = LocalProvider("report-counters-secret")
    now = MONDAY_MORNING
    made, done = [], {}

    def owing(*statuses):
        return [a for a in (reload(repo, a) for a in made) if a is not None and a.status in statuses
                and owed(a.movements) > 0]

    def pick(*statuses):
        current = [a for a in (reload(repo, a) for a in made) if a is not None and a.status in statuses]
        return rng.choice(current) if current else None

    for _ in range(160):
        op = rng.choice(["book", "book", "book", "cancel", "late_cancel", "salon_cancel", "move", "arrived",
                         "completed", "no_show", "revert", "deposit", "deposit", "pay_late", "collect", "cash",
                         "waive", "refund"])
        try:
            if op == "deposit":  # booked online: a deposit to pay, paid at once or left to expire
                start = random_start(rng, salon, catalog, "facial", "giulia", now)
                if start is None:
                    continue
                held = booking.book(repo, booking.BookingRequest(
                    salon_id=salon_id, service_id="facial", start=start, name="Client", phone=rng.choice(PHONES),
                    staff_id="giulia"), now, payments=provider).appointment
                made.append(held)
                if rng.random() < 0.7:
                    assert pay(repo, provider, held, now) == "paid"
            elif op in ("pay_late", "collect", "cash", "waive", "refund"):
                if op == "pay_late":
                    candidates = [a for a in (reload(repo, a) for a in made)
                                  if a is not None and a.status is Status.AWAITING_PAYMENT]
                elif op == "refund":
                    candidates = [a for a in (reload(repo, a) for a in made) if a is not None and paid_in(a.movements)]
                else:
                    candidates = owing(Status.CANCELLED, Status.NO_SHOW)
                if not candidates:
                    continue
                appt = rng.choice(candidates)
                money_op(repo, provider, salon, catalog, op, appt, appt.end + timedelta(days=rng.randint(1, 40)))
            elif op == "book":
                staff = rng.choice(list(SERVICES))
                service = rng.choice(SERVICES[staff])
                start = random_start(rng, salon, catalog, service, staff, now)
                if start is None:
                    continue
                made.append(booking.book(repo, booking.BookingRequest(
                    salon_id=salon_id, service_id=service, start=start, name="Client", phone=rng.choice(PHONES),
                    staff_id=staff), now, by_salon=True).appointment)
            elif op in ("cancel", "late_cancel", "salon_cancel"):
                appt = pick(Status.BOOKED, Status.CONFIRMED)
                if appt is None:
                    continue
                by = CancelledBy.SALON if op == "salon_cancel" else CancelledBy.CLIENT
                when = appt.start - timedelta(hours=2) if op == "late_cancel" else now
                cancelled = manage.cancel_appointment(repo, salon, catalog, appt, by, when, "", payments=provider)
                assert cancelled.late is (op == "late_cancel")
            elif op == "move":
                appt = pick(Status.BOOKED, Status.CONFIRMED)
                if appt is None:
                    continue
                staff = rng.choice([s for s, offered in SERVICES.items() if appt.service_id in offered])
                start = random_start(rng, salon, catalog, appt.service_id, staff, now)
                if start is None:
                    continue
                owner_agenda.move(repo, salon, catalog, appt, start, staff, now, "")
            elif op == "arrived":
                appt = pick(Status.BOOKED, Status.CONFIRMED, Status.NO_SHOW)
                if appt is None or appt.status is Status.NO_SHOW:
                    continue
                attendance.mark_arrived(repo, appt)
            elif op == "completed":
                appt = pick(Status.ARRIVED)
                if appt is None:
                    continue
                attendance.complete(repo, salon, catalog, appt, now)
            elif op == "no_show":
                appt = pick(Status.BOOKED, Status.CONFIRMED)
                if appt is None:
                    continue
                attendance.mark_no_show(repo, salon, catalog, appt, appt.end + timedelta(hours=1))
            elif op == "revert":
                appt = pick(Status.NO_SHOW)
                if appt is None:
                    continue
                attendance.revert_no_show(repo, salon, appt, appt.end + timedelta(hours=2))
            done[op] = done.get(op, 0) + 1
        except DomainError:
            done[f"refused {op}"] = done.get(f"refused {op}", 0) + 1

    for op in ("book", "cancel", "late_cancel", "salon_cancel", "move", "arrived", "completed", "no_show", "revert",
               "deposit", "pay_late", "collect", "cash", "waive", "refund"):
        assert done.get(op, 0) >= 1, (op, done)  # every kind of change really happened
    stored = repo.report_counters(salon_id, "2026-01", "2026-12")
    recomputed = reports.summed(repo.all_appointments(salon_id), ROME)
    assert stored == recomputed
    assert len({month for month, _ in stored}) >= 2  # moves and bookings crossed a month's end
    whole = {name: sum(c.get(name, 0) for (m, s), c in stored.items() if s is None) for name in reports.COUNTERS}
    for name in ("appointments", "completed", "late_cancels", "cancels", "revenue_booked_cents",
                 "revenue_lost_cents", "new_clients", "returning_clients", "booked_minutes", "deposits_cents",
                 "fees_collected_cents", "refunds_cents"):
        assert whole[name] > 0, (name, whole)
    money_months = {month for (month, staff), c in stored.items() if staff is None and c.get("fees_collected_cents")}
    assert len(money_months) >= 2, money_months  # money counts in the month it moved
    assert report_service.repair(repo, salon_id, now) == []


def test_the_repair_finds_and_fixes_a_wrong_counter(repo, salon_id):
    now = MONDAY_MORNING
    tuesday = datetime.combine(date(2026, 3, 24), time(10, 0), ROME).astimezone(UTC)
    appt = booking.book(repo, booking.BookingRequest(salon_id=salon_id, service_id="color", start=tuesday,
                                                     name="Anna", phone=PHONES[0], staff_id="giulia"), now).appointment
    assert repo.report_counters(salon_id, "2026-03", "2026-03")[("2026-03", "giulia")] == {
        "appointments": 1, "booked_minutes": 60, "revenue_booked_cents": 5500, "new_clients": 1}
    repo.set_report_counters(salon_id, "2026-03", "giulia", {"appointments": 3, "new_clients": 1,
                                                             "booked_minutes": 60, "revenue_booked_cents": 5500}, now)
    found = report_service.repair(repo, salon_id, now, fix=True)
    assert [(d.month, d.staff_id, d.counter, d.stored, d.recomputed) for d in found] == [
        ("2026-03", "giulia", "appointments", 3, 1)]
    assert report_service.repair(repo, salon_id, now) == []
    assert reload(repo, appt).price is not None and reload(repo, appt).first_visit


def test_make_repair_reports_prints_the_differences_and_fixes_them(dynamodb_local, capsys):
    """The command on the local stack's table (`chairtime`), as `make repair-reports` runs it."""
    import uuid
    from urllib.parse import urlparse

    from chalicelib import wiring
    from chalicelib.storage.table import ensure_table
    from local import env as local_env
    from local.demo import seed
    from local.repair_reports import main

    ensure_table(local_env.dynamodb_client(dynamodb_local.endpoint), "chairtime")
    local_env.apply(dynamodb_local.endpoint)
    wiring.reset()
    try:
        repo, salon_id = wiring.repository(), f"repair-{uuid.uuid4().hex[:8]}"
        seed(repo, salon_id)
        tuesday = datetime.combine(date(2026, 3, 24), time(10, 0), ROME).astimezone(UTC)
        booking.book(repo, booking.BookingRequest(salon_id=salon_id, service_id="haircut", start=tuesday,
                                                  name="Anna", phone=PHONES[1], staff_id="marco"), MONDAY_MORNING)
        repo.set_report_counters(salon_id, "2026-03", None, {"appointments": 7}, MONDAY_MORNING)
        port = ["--dynamodb-port", str(urlparse(dynamodb_local.endpoint).port)]
        assert main(["--salon", salon_id, *port]) == 1
        printed = capsys.readouterr().out
        assert "2026-03 salon                appointments           stored        7  recomputed        1" in printed
        assert "run again with APPLY=1" in printed
        assert main(["--salon", salon_id, "--fix", *port]) == 1
        assert main(["--salon", salon_id, *port]) == 0
        assert "equal the recomputation" in capsys.readouterr().out
        assert main(["--salon", "no-such-salon", *port]) == 2
    finally:
        wiring.reset()
