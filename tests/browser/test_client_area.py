"""A phone-sized chromium (no page JavaScript) in the client's area on the live server: sign in
with the code the local SMS provider received, see the history, move the upcoming appointment,
book the past one again, join the waitlist and download the data. Real clock: the appointments
are placed on the first times the salon offers."""
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from chalicelib import wiring
from chalicelib.domain.clock import local_today, utc_now
from chalicelib.messaging.local import LocalSender
from chalicelib.services import availability, booking
from tests.browser.test_booking_page import ARTIFACTS, WIDTH, page  # noqa: F401 - the phone-sized tab fixture

pytestmark = pytest.mark.browser
PHONE = "+393331234567"


def snap(tab, name: str) -> None:
    tab.screenshot(path=str(Path(ARTIFACTS) / f"client-area-{name}.png"), full_page=True)
    assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTH, f"{name} scrolls sideways"


def _first_slot(repo, salon_id: str, from_day, now):
    _, slots = availability.find_slots(repo, salon_id, "haircut", from_day, from_day + timedelta(days=14), now,
                                       "giulia")
    return slots[0].start


@pytest.fixture
def history(repo, salon_id):
    """One visit four weeks ago (booked back then) and one appointment to come."""
    now = utc_now()
    salon, _ = repo.load_salon(salon_id)
    then = now - timedelta(weeks=5)
    past_start = _first_slot(repo, salon_id, local_today(then, salon.tz) + timedelta(days=7), then)
    book = lambda start, at: booking.book(repo, booking.BookingRequest(  # noqa: E731
        salon_id=salon_id, service_id="haircut", start=start, name="Anna Rossi", phone=PHONE, staff_id="giulia"),
        at, None, "http://127.0.0.1")
    past = book(past_start, then)
    upcoming = book(_first_slot(repo, salon_id, local_today(now, salon.tz) + timedelta(days=2), now), now)
    return past, upcoming


@pytest.fixture
def sms():
    sender = LocalSender()
    wiring.set_sender(sender)
    yield sender
    wiring.set_sender(None)


def test_sign_in_see_history_move_book_again_wait_and_download(page, live_server, salon_id, history, sms):  # noqa: F811
    past, upcoming = history
    page.goto(f"{live_server}/my/{salon_id}")
    snap(page, "1-phone")
    page.get_by_label("Cellulare").fill("333 123 4567")
    page.get_by_role("button", name="Mandami un codice").click()
    page.wait_for_url("**/code")
    snap(page, "2-code")
    code = re.search(r"\b(\d{6})\b", sms.sent[-1]["body"]).group(1)
    page.get_by_label("Codice ricevuto via SMS").fill(code)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(f"**/my/{salon_id}")
    assert page.locator(f"#upcoming [data-appointment='{upcoming.appointment.id}']").is_visible()
    assert page.locator(f"#past [data-appointment='{past.appointment.id}']").is_visible()
    snap(page, "3-home")

    # Move the upcoming appointment to another day.
    page.locator(f"#upcoming [data-appointment='{upcoming.appointment.id}'] a[href$='/move']").click()
    page.locator("a.day").nth(1).click()
    page.wait_for_url("**day=**")
    page.locator("a.slot").first.click()
    page.wait_for_url("**start=**")
    snap(page, "4-move")
    page.get_by_role("button", name="Sì, sposta").click()
    page.wait_for_url("**done=moved")
    assert page.get_by_role("status").is_visible()

    # Book the past visit again: same service and specialist, no details to type.
    page.locator(f"#past [data-appointment='{past.appointment.id}'] a").click()
    page.wait_for_url("**service=haircut**staff=giulia**")
    page.locator("a.day").first.click()
    page.wait_for_url("**day=**")
    page.locator("a.slot").first.click()
    page.wait_for_url("**start=**")
    assert page.get_by_label("Cellulare").count() == 0
    snap(page, "5-book-again")
    page.get_by_role("button", name="Prenota", exact=True).click()
    page.wait_for_url("**/manage/**?new=1")
    assert page.locator("#add-to-calendar").is_visible()
    page.goto(f"{live_server}/my/{salon_id}")
    assert page.locator("#upcoming [data-appointment]").count() == 2

    # The waitlist, from a page.
    page.get_by_role("link", name="Avvisami se si libera un posto").click()
    page.get_by_label("Servizio").select_option("color")
    page.get_by_role("button", name="Mettimi in lista d'attesa").click()
    page.wait_for_url("**done=1")
    assert page.locator("#waitlist-done").is_visible()
    snap(page, "6-waitlist")

    # Download my data.
    page.goto(f"{live_server}/my/{salon_id}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica i miei dati").click()
    data = json.loads(Path(download.value.path()).read_text("utf-8"))
    assert data["client"]["phone"] == PHONE and len(data["appointments"]) == 3
    assert [w["service_id"] for w in data["waitlist"]] == ["color"]
