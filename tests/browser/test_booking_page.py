"""A phone-sized chromium books, views and cancels through the public pages on the live server
(real clock: it takes the first day and time the salon offers). No JavaScript is needed by the
pages; Playwright only drives the browser."""
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTH = 375


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make system-test installs it)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        context = browser.new_context(viewport={"width": WIDTH, "height": 740}, java_script_enabled=False)
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        yield tab
        context.close()
        browser.close()


def snap(page, name: str) -> None:
    """A screenshot for people, and the check that nothing is wider than the phone."""
    page.screenshot(path=str(ARTIFACTS / f"booking-{name}.png"), full_page=True)
    # Page scripts are off (the pages must not need them); Playwright's evaluate still works.
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, f"{name} scrolls sideways"


def test_book_then_cancel_on_a_phone(page, live_server, salon_id):
    page.goto(f"{live_server}/book/{salon_id}")
    assert page.locator("html").get_attribute("lang") == "it"
    snap(page, "1-services")
    page.get_by_role("link", name="Taglio donna").click()

    page.wait_for_url("**service=haircut")
    snap(page, "2-staff")
    page.get_by_role("link", name="Chiunque").click()
    page.wait_for_url("**staff=any**")
    page.locator("a.day").first.click()
    page.wait_for_url("**day=**")
    snap(page, "3-slots")
    slot = page.locator("a.slot").first
    time_label = slot.inner_text()
    slot.click()

    page.wait_for_url("**start=**")
    page.get_by_label("Nome").fill("Anna Rossi")
    page.get_by_label("Cellulare").fill("333 123 4567")
    snap(page, "4-form")
    page.get_by_role("button", name="Prenota").click()

    page.wait_for_url("**/manage/**?new=1")
    assert page.get_by_text("Prenotazione fatta").is_visible()
    assert time_label in page.locator(".card").inner_text()
    assert page.locator("[data-status]").inner_text() == "Prenotato"
    snap(page, "5-manage")

    page.get_by_role("link", name="Cancella appuntamento").click()
    page.wait_for_url("**/cancel")
    snap(page, "6-confirm-cancel")
    page.get_by_role("button", name="Sì, cancella").click()
    page.wait_for_url("**done=cancelled")
    assert page.locator("[data-status]").inner_text() == "Cancellato"
    assert page.get_by_text("Il tuo appuntamento è stato cancellato.").is_visible()
    snap(page, "7-cancelled")


def test_a_bad_link_is_a_readable_404(page, live_server, salon_id):
    response = page.goto(f"{live_server}/manage/not-a-real-token")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    snap(page, "404")
