"""The reports page, its CSV and JSON twin on DynamoDB Local: who may open them, and that they
show what the appointment transactions counted (charts as SVG beside tables, no script)."""
import csv
import io
from datetime import timedelta

import pytest

from chalicelib import wiring
from chalicelib.auth import roles
from chalicelib.domain.appointment import CancelledBy
from chalicelib.services import attendance, manage
from chalicelib.services.salons import load_salon
from tests.owner import test_auth
from tests.owner.test_agenda import ANNA, BRUNO, TUESDAY, WEDNESDAY, api_get, at, book, signed_in
from tests.owner.test_auth import text

pytestmark = pytest.mark.dynamodb_local
client_address = test_auth.client_address  # autouse: each test signs in from an address of its own


@pytest.fixture
def month(salon_id, clock):
    """March 2026: Anna's colour completed (55.00), Bruno's haircut a no-show (28.00 lost), a
    colour cancelled late (55.00 lost) and a manicure cancelled in time."""
    repo = wiring.repository()
    salon, catalog = load_salon(repo, salon_id)
    anna = book(salon_id, at(TUESDAY, "10:00"))
    bruno = book(salon_id, at(TUESDAY, "11:00"), "marco", BRUNO, "Bruno Bianchi", "haircut")
    late = book(salon_id, at(WEDNESDAY, "10:00"), phone=ANNA)
    early = book(salon_id, at(WEDNESDAY, "15:00"), "marco", BRUNO, "Bruno Bianchi", "manicure")
    attendance.complete(repo, salon, catalog, attendance.mark_arrived(repo, anna), clock["now"])
    attendance.mark_no_show(repo, salon, catalog, bruno, bruno.end + timedelta(hours=1))
    manage.cancel_appointment(repo, salon, catalog, late, CancelledBy.CLIENT, late.start - timedelta(hours=3), "")
    manage.cancel_appointment(repo, salon, catalog, early, CancelledBy.CLIENT, clock["now"], "")
    return salon_id


def test_only_the_owner_and_the_front_desk_open_the_reports(api, month):
    for path, is_json in (("/owner/reports", False), ("/owner/reports.csv", False), ("/v1/admin/reports", True)):
        anonymous = api.http.get(path)
        assert anonymous.status_code == (401 if is_json else 303), path
        staff = signed_in(api, month, roles.STAFF, "giulia")
        assert staff.get(path).status_code == 403, path
        for role in (roles.OWNER, roles.FRONT_DESK):
            assert signed_in(api, month, role).get(path).status_code == 200, (path, role)


def test_the_page_draws_each_figure_beside_a_table_of_its_numbers(api, month):
    page = signed_in(api, month, roles.FRONT_DESK).get("/owner/reports")
    html = text(page)
    assert "<script" not in html and html.count('role="img"') == 6  # five salon charts, one per specialist
    assert "<desc id=\"appointments-desc\">" in html and "Mar: 4" in html
    assert "<td>55.00</td>" in html  # revenue booked in March: the completed colour
    assert "<td>83.00</td>" in html  # lost: the no-show's 28.00 and the late cancel's 55.00
    assert "<td>50%</td>" in html  # no-show rate: 1 of the 2 that were not cancelled
    assert 'href="/owner/reports.csv"' in html
    assert "Reports" in text(signed_in(api, month).get("/owner"))


def test_the_csv_and_the_json_carry_the_same_numbers(api, month):
    owner = signed_in(api, month)
    response = owner.get("/owner/reports.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig"))))
    march = next(r for r in rows if r["month"] == "2026-03" and r["scope"] == "salon")
    assert (march["appointments"], march["completed"], march["no_shows"], march["late_cancels"], march["cancels"],
            march["revenue_booked"], march["revenue_lost"], march["new_clients"], march["returning_clients"]) == (
        "4", "1", "1", "1", "1", "55.00", "83.00", "2", "2")
    marco = next(r for r in rows if r["month"] == "2026-03" and r["staff_id"] == "marco")
    assert (marco["appointments"], marco["no_shows"], marco["booked_minutes"]) == ("2", "1", "0")
    answer = api_get(owner, "/v1/admin/reports").json_body
    assert answer["months"][-1] == "2026-03" and len(answer["months"]) == 12
    assert answer["whole_salon"][-1]["no_show_rate"] == 0.5 and answer["whole_salon"][-1]["revenue_lost"] == "83.00"
    giulia = next(s for s in answer["staff"] if s["id"] == "giulia")
    assert giulia["months"][-1]["completed"] == 1 and giulia["months"][-1]["utilisation"] > 0


def deposit_paid(repo, provider, salon_id: str, start, phone: str, now):
    """A facial booked online and its deposit (20.00) paid on the local checkout's signed webhook."""
    from urllib.parse import urlsplit

    from chalicelib.services import booking, payments

    held = booking.book(repo, booking.BookingRequest(salon_id=salon_id, service_id="facial", start=start,
                                                     name="Anna Rossi", phone=phone, staff_id="giulia"),
                        now, base_url="https://book.example", payments=provider).appointment
    ticket = urlsplit(held.deposit.url).path.rsplit("/", 1)[1]
    raw, headers = provider.completed_event(provider.open_ticket(ticket), now)
    assert payments.handle_webhook(repo, provider, "local", raw, headers, now, "https://book.example") == "paid"
    return repo.get_appointment(salon_id, held.start, held.id)


def test_the_money_that_moved_is_in_the_page_the_csv_and_the_json(api, salon_id, clock):
    """Two deposits paid (40.00); one cancelled late keeps its 20.00 toward the 30.00 fee and the
    other 10.00 is charged to the card the deposit saved; the other cancelled in time is refunded."""
    from dataclasses import replace
    from decimal import Decimal

    from chalicelib.payments.local import LocalProvider
    from chalicelib.services import fees

    repo, provider, now = wiring.repository(), LocalProvider("reports-secret"), clock["now"]
    first, _ = load_salon(repo, salon_id)
    repo.save_salon(replace(first, policy=replace(first.policy, late_cancel_fee=Decimal("30.00"))))
    salon, catalog = load_salon(repo, salon_id)
    late = deposit_paid(repo, provider, salon_id, at(TUESDAY, "10:00"), ANNA, now)
    timely = deposit_paid(repo, provider, salon_id, at(WEDNESDAY, "10:00"), BRUNO, now)
    manage.cancel_appointment(repo, salon, catalog, late, CancelledBy.CLIENT, late.start - timedelta(hours=3), "",
                              payments=provider)
    late = repo.get_appointment(salon_id, late.start, late.id)
    assert fees.collect_fee(repo, provider, salon, late, repo.get_client(salon_id, late.client_id),
                            late.start).status.value == "done"
    manage.cancel_appointment(repo, salon, catalog, timely, CancelledBy.CLIENT, now, "", payments=provider)

    owner = signed_in(api, salon_id)
    rows = list(csv.DictReader(io.StringIO(owner.get("/owner/reports.csv").body.decode("utf-8-sig"))))
    march = next(r for r in rows if r["month"] == "2026-03" and r["scope"] == "salon")
    assert (march["deposits"], march["fees_collected"], march["refunds"]) == ("40.00", "10.00", "20.00")
    giulia = next(r for r in rows if r["month"] == "2026-03" and r["staff_id"] == "giulia")
    assert (giulia["deposits"], giulia["fees_collected"], giulia["refunds"]) == ("40.00", "10.00", "20.00")
    answer = api_get(owner, "/v1/admin/reports").json_body["whole_salon"][-1]
    assert (answer["deposits"], answer["fees_collected"], answer["refunds"]) == ("40.00", "10.00", "20.00")
    html = text(owner.get("/owner/reports"))
    assert "Fees collected" in html and "<td>40.00</td>" in html and "<td>10.00</td>" in html
