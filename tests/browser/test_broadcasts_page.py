"""A broadcast from a phone-sized chromium against the live server on DynamoDB Local: write it,
preview who it reaches and what it costs, send it once, and watch it reach the outbox."""
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from chalicelib import auth, wiring
from chalicelib.domain.client import Client
from chalicelib.domain.ids import new_id
from chalicelib.services import broadcasts
from chalicelib.storage import mapping
from chalicelib.storage.models import ClientItem
from tests.browser.test_booking_page import page  # noqa: F401 - the fixture
from tests.browser.test_owner_form import PASSWORD, log_in, shot

pytestmark = pytest.mark.browser


def test_the_owner_previews_a_broadcast_sends_it_once_and_sees_it_queued(page, live_server, salon_id, repo):  # noqa: F811
    email = f"owner-{salon_id}@example.com"
    auth.create_user(auth.accounts(), salon_id, email, PASSWORD, "owner", wiring.now(), name="Owner")
    with ClientItem.batch_write() as batch:
        for i, consent in enumerate((True, True, False)):
            item = mapping.client_to_item(salon_id, Client(id=new_id(), name=f"B{i}", phone=f"+39336{i:07d}"),
                                          wiring.now())
            item.marketing_consent = consent
            batch.save(item)
    log_in(page, live_server, email, PASSWORD)
    page.wait_for_url("**/owner")

    page.goto(f"{live_server}/owner/messages/broadcasts")
    page.fill("#f-text", "Spring offer: 20% off colour this week.")
    page.select_option("#f-segment", "marketing")
    shot(page, "broadcast-1-write")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("h1")).to_have_text("Check and send")
    expect(page.locator("body")).to_contain_text("Did not agree to offers")
    shot(page, "broadcast-2-preview")
    page.get_by_role("button", name="Send to 2 clients").click()
    page.wait_for_url("**/owner/messages/broadcasts/*")
    [sent] = repo.broadcasts_of_salon(salon_id)
    assert sent.text == "Spring offer: 20% off colour this week."

    broadcasts.enqueue_due(repo, datetime.now(UTC))  # the outbox job's next run
    page.reload()
    expect(page.locator("dl").first).to_contain_text("Waiting")
    assert page.locator("dt:text('Waiting') + dd").first.inner_text() == "2"
    shot(page, "broadcast-3-progress")
