"""Treatment records and reports on a phone-sized chromium against the live server (photos in the
local photo store, as under `make run`): the owner marks the client arrived, writes the record with
the service's fields, uploads a photo from the phone with the plain form, sees it in the client
file, and reads the reports; no page scrolls sideways."""
import pytest
from playwright.sync_api import expect

from chalicelib import auth, wiring
from chalicelib.services import records
from tests.browser.test_booking_page import WIDTH, page  # noqa: F401 - the fixture
from tests.browser.test_owner_form import PASSWORD, log_in, running_appointment, shot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("owners_read_english")]  # English assertions
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300" + "08" * 64 + "ffd9")


def test_an_owner_records_a_visit_with_a_photo_and_reads_the_reports(page, live_server, salon_id, repo,  # noqa: F811
                                                                     tmp_path, config_with):
    config_with(photo_bucket=None, photo_dir=str(tmp_path))
    email = f"owner-{salon_id}@example.com"
    owner = auth.create_user(auth.accounts(), salon_id, email, PASSWORD, "owner", wiring.now(), name="Owner")
    records.define_fields(repo, auth.accounts(), _Who(owner, salon_id), "color",
                          "Formula\nReaction | choice | none, redness", wiring.now())
    appt, client = running_appointment(repo, salon_id)

    log_in(page, live_server, email, PASSWORD)
    page.wait_for_url("**/owner")
    day = appt.start.astimezone(repo.load_salon(salon_id)[0].tz).date()
    page.goto(f"{live_server}/owner/agenda?day={day.isoformat()}")
    page.locator(f"article[data-appointment='{appt.id}']").get_by_role("button", name="Arrived").click()
    page.locator(f"article[data-appointment='{appt.id}']").get_by_role("link", name="Details ›").click()
    page.get_by_role("link", name="Treatment record").click()
    page.fill("#field-formula", "6/0 + 20 vol")
    page.select_option("#field-reaction", "redness")
    page.fill("#record-text", "Roots only; tested behind the ear.")
    page.get_by_role("button", name="Save the record").click()
    expect(page.locator("[role=status]")).to_have_text("Record saved.")
    page.set_input_files("#photo-file", files=[{"name": "before.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
    page.get_by_role("button", name="Upload photo 1").click()
    expect(page.locator("[role=status]")).to_have_text("Photo added.")
    expect(page.locator("#photos img")).to_have_count(1)
    served = page.request.get(page.locator("#photos img").get_attribute("src"))  # the signed, expiring link
    assert served.status == 200 and served.body() == JPEG
    shot(page, "5-record")

    page.get_by_role("link", name="Client file").click()
    expect(page.locator("#records")).to_contain_text("6/0 + 20 vol")
    expect(page.locator("#records img")).to_have_count(1)
    shot(page, "6-records-in-file")

    page.goto(f"{live_server}/owner/reports")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert page.locator("script").count() == 0
    shot(page, "7-reports")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert repo.get_record(salon_id, appt.start, appt.id).values == {"formula": "6/0 + 20 vol",
                                                                     "reaction": "redness"}


class _Who:
    """The owner, as the service sees a signed-in user."""

    def __init__(self, user, salon_id):
        self.user_id, self.salon_id, self.role, self.staff_id = user.id, salon_id, "owner", None

    def can(self, permission, **_):
        return auth.roles.can(self.role, permission)
