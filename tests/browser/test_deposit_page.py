"""A phone-sized chromium books the demo's deposit service on the live server: it pays on the local
provider's checkout and lands on the manage page booked; another run abandons the checkout and
sees the hold expire. No page JavaScript; the local checkout sends its signed webhook through the
same handler as Stripe's."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib import wiring
from chalicelib.domain.clock import utc_now
from chalicelib.domain.ids import token_hash
from chalicelib.services import sweeps
from tests.browser.test_booking_page import page, snap  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def links_to_the_live_server(live_server, salon_id, config_with):
    """The checkout and its return are absolute links (the provider's pages are elsewhere on AWS):
    here they must point at the live server."""
    config_with(public_base_url=live_server)


def book_facial(page, live_server, salon_id, phone):  # noqa: F811 - the fixture's name
    """Books the first free facial; returns the day's page and the chosen slot's link."""
    page.goto(f"{live_server}/book/{salon_id}")
    page.get_by_role("link", name="Trattamento viso").click()
    page.wait_for_url("**service=facial")
    page.get_by_role("link", name="Chiunque").click()
    page.wait_for_url("**staff=any**")
    page.locator("a.day").first.click()
    page.wait_for_url("**day=**")
    day_page, slot = page.url, page.locator("a.slot").first.get_attribute("href")
    page.locator("a.slot").first.click()
    page.wait_for_url("**start=**")
    assert "20,00" in page.locator("#deposit").inner_text()
    assert page.locator("#deposit-policy").is_visible()
    page.get_by_label("Nome").fill("Anna Rossi")
    page.get_by_label("Cellulare").fill(phone)
    snap(page, "deposit-1-form")
    page.get_by_role("button", name="Prenota e paga").click()
    page.wait_for_url("**/pay/local/**")
    assert "20,00" in page.locator("#amount").inner_text()
    snap(page, "deposit-2-checkout")
    return day_page, slot


def test_pay_the_deposit_and_land_on_the_manage_page_booked(page, live_server, salon_id):  # noqa: F811
    book_facial(page, live_server, salon_id, "333 123 4567")
    page.locator("#pay").click()
    page.wait_for_url("**/manage/**paid=1")
    assert page.locator("#payment-state").get_attribute("data-payment") == "paid"
    assert page.locator("[data-status]").inner_text() == "Prenotato"
    snap(page, "deposit-3-paid")


def test_abandon_the_checkout_and_see_the_hold_expire(page, live_server, salon_id):  # noqa: F811
    day_page, slot = book_facial(page, live_server, salon_id, "333 765 4321")
    page.locator("#fail").click()
    page.wait_for_url("**/manage/**paid=0")
    held = wiring.repository().appointment_for_token(token_hash(page.url.split("/manage/")[1].split("?")[0]),
                                                     utc_now())
    until = held.deposit.expires_at.astimezone(ZoneInfo("Europe/Rome")).strftime("%H:%M")
    assert page.locator("#payment-state").get_attribute("data-payment") == "held"
    assert f"Non pagato: l'orario è ancora riservato a te fino alle {until}." in page.locator(
        "#payment-state").inner_text()
    assert page.get_by_role("link", name="Paga ora").is_visible()
    assert page.get_by_role("link", name="Scegli un altro orario").is_visible()
    assert page.locator("#cancel-hold").is_visible()
    snap(page, "deposit-4-held")
    manage_page = page.url
    page.goto(day_page)
    assert page.locator(f'a.slot[href="{slot}"]').count() == 0  # held: nobody else can book it

    # The offers sweep, run as its schedule would a minute after the hold ended.
    report = sweeps.sweep_offers(wiring.repository(), held.deposit.expires_at + timedelta(minutes=1), live_server,
                                 wiring.payments())
    assert report.done.get("expired", 0) >= 1
    page.goto(manage_page)
    assert page.locator("#payment-state").get_attribute("data-payment") == "expired"
    assert page.locator("[data-status]").inner_text() == "Non pagato in tempo: liberato"
    assert page.get_by_role("link", name="Paga ora").count() == 0
    snap(page, "deposit-5-expired")
    page.goto(day_page)
    assert page.locator(f'a.slot[href="{slot}"]').count() == 1  # free again on the booking page
    snap(page, "deposit-6-free-again")
