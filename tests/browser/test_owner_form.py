"""The owner's day on a phone-sized chromium against the live server on DynamoDB Local: log in,
see today's agenda, mark a no-show, add an allergy to the client's file, change the opening hours
and see the public page change, and be locked out after repeated wrong passwords."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from chalicelib import auth, wiring
from chalicelib.domain.appointment import Appointment
from chalicelib.domain.client import Client
from chalicelib.domain.ids import new_id
from tests.browser.test_booking_page import WIDTH, page  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("owners_read_english")]  # English assertions
ROME = ZoneInfo("Europe/Rome")
PASSWORD = "a-long-owner-password-2026"


def shot(tab, name: str) -> None:
    from tests.browser.test_booking_page import ARTIFACTS

    tab.screenshot(path=str(ARTIFACTS / f"owner-{name}.png"), full_page=True)
    assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTH, f"{name} scrolls sideways"


def running_appointment(repo, salon_id: str) -> tuple[Appointment, Client]:
    """An appointment that started ten minutes ago (written directly: online booking would rightly
    refuse a start in the past)."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(minutes=10)
    client = Client(id=new_id(), name="Chiara Browser", phone="+393401234000", locale="it")
    appt = Appointment(id=new_id(), salon_id=salon_id, service_id="color", staff_id="giulia", client_id=client.id,
                       start=start, end=start + timedelta(minutes=60), buffer_minutes=15, created_at=now)
    repo.create_booking(appt, new_id(), client, True, start.astimezone(ROME).date(), now)
    return appt, client


def log_in(tab, base: str, email: str, password: str) -> None:
    tab.goto(f"{base}/owner/login")
    tab.fill("input[name=email]", email)
    tab.fill("input[name=password]", password)
    tab.locator("form button[type=submit]").first.click()


def test_an_owner_runs_the_day_from_a_phone(page, live_server, salon_id, repo):  # noqa: F811
    email = f"owner-{salon_id}@example.com"
    auth.create_user(auth.accounts(), salon_id, email, PASSWORD, "owner", wiring.now(), name="Owner")
    appt, client = running_appointment(repo, salon_id)
    day = appt.start.astimezone(ROME).date()

    log_in(page, live_server, email, PASSWORD)
    page.wait_for_url("**/owner")
    shot(page, "1-home")

    page.goto(f"{live_server}/owner/agenda?day={day.isoformat()}")
    card = page.locator(f"article[data-appointment='{appt.id}']")
    assert "Chiara Browser" in card.inner_text()
    shot(page, "2-agenda")
    card.get_by_role("button", name="No-show").click()
    expect(page.locator(f"article[data-appointment='{appt.id}'] .badge")).to_have_text("No-show")
    assert repo.get_client(salon_id, client.id).no_show_count == 1
    shot(page, "3-no-show")

    page.goto(f"{live_server}/owner/clients?q=chiara")
    page.get_by_role("link", name="Chiara Browser").click()
    page.locator("summary", has_text="Edit notes and allergies").click()
    page.fill("#allergies", "Ammonia (hair colour)")
    page.get_by_role("button", name="Save notes").click()
    page.wait_for_url("**done=notes**")
    expect(page.locator("body")).to_contain_text("Ammonia (hair colour)")
    assert repo.get_client(salon_id, client.id).allergies == "Ammonia (hair colour)"
    shot(page, "4-client-file")

    page.goto(f"{live_server}/owner/settings/hours")
    page.fill("input[name=hours_tue]", "10:00-12:00")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert repo.load_salon(salon_id)[0].hours[1][0].start.hour == 10
    shot(page, "5-hours")
    tuesday = date.today() + timedelta(days=(1 - date.today().weekday()) % 7 or 7)
    page.goto(f"{live_server}/book/{salon_id}?service=haircut&staff=any&day={tuesday.isoformat()}")
    times = [t.strip() for t in page.locator("a.slot").all_inner_texts()]
    assert times and times[0] == "10:00" and "09:00" not in times and "14:00" not in times
    shot(page, "6-public-page-after-hours")


def test_repeated_wrong_passwords_lock_the_account(page, live_server, salon_id, repo):  # noqa: F811
    email = f"locked-{salon_id}@example.com"
    auth.create_user(auth.accounts(), salon_id, email, PASSWORD, "front_desk", wiring.now(), name="Desk")
    for attempt in range(5):
        log_in(page, live_server, email, f"wrong-{attempt}")
        page.wait_for_load_state()
        expect(page.locator("input[name=password]")).to_be_visible()
    log_in(page, live_server, email, PASSWORD)  # the right one, too late
    expect(page.locator("body")).to_contain_text("Too many failed attempts")
    assert "/owner/login" in page.url
    shot(page, "7-locked")

