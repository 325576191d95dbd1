"""A phone-sized chromium books the demo's deposit service on the live server: it pays on the local
provider's checkout and lands on the manage page booked; another run abandons the checkout and
sees the hold expire. No page JavaScript; the local checkout sends its signed webhook through the
same handler as Stripe's."""
from datetime import timedelta

import pytest

from chalicelib import wiring
from chalicelib.domain.clock import utc_now
from chalicelib.services import sweeps
from tests.browser.test_booking_page import page, snap  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def links_to_the_live_server(live_server, salon_id, monkeypatch):
    """The checkout and its return are absolute links (the provider's pages are elsewhere on AWS):
    here they must point at the live server."""
    monkeypatch.setenv("PUBLIC_BASE_URL", live_server)
    wiring.config.cache_clear()
    yield
    wiring.config.cache_clear()


def book_facial(page, live_server, salon_id, phone):  # noqa: F811 - the fixture's name
    page.goto(f"{live_server}/book/{salon_id}")
    page.get_by_role("link", name="Trattamento viso").click()
    page.wait_for_url("**service=facial")
    page.get_by_role("link", name="Chiunque").click()
    page.wait_for_url("**staff=any**")
    page.locator("a.day").first.click()
    page.wait_for_url("**day=**")
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


def test_pay_the_deposit_and_land_on_the_manage_page_booked(page, live_server, salon_id):  # noqa: F811
    book_facial(page, live_server, salon_id, "333 123 4567")
    page.locator("#pay").click()
    page.wait_for_url("**/manage/**paid=1")
    assert page.locator("#payment-state").get_attribute("data-payment") == "paid"
    assert page.locator("[data-status]").inner_text() == "Prenotato"
    snap(page, "deposit-3-paid")


def test_abandon_the_checkout_and_see_the_hold_expire(page, live_server, salon_id):  # noqa: F811
    book_facial(page, live_server, salon_id, "333 765 4321")
    page.locator("#fail").click()
    page.wait_for_url("**/manage/**paid=0")
    assert page.locator("#payment-state").get_attribute("data-payment") == "held"
    assert page.get_by_role("link", name="Paga ora").is_visible()
    assert page.get_by_role("link", name="Scegli un altro orario").is_visible()
    snap(page, "deposit-4-held")

    sweeps.sweep_offers(wiring.repository(), utc_now() + timedelta(minutes=16), live_server, wiring.payments())
    page.reload()
    assert page.locator("#payment-state").get_attribute("data-payment") == "expired"
    assert page.locator("[data-status]").inner_text() == "Non pagato in tempo: liberato"
    snap(page, "deposit-5-expired")
