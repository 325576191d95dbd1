"""The salon's street address: set on the owner's salon page (and its JSON twin), validated, shown
on the public pages, and the LOCATION of every "add to calendar" file (RFC 5545 text escaping, the
salon's TZID on the times, DTSTAMP in UTC)."""
from datetime import datetime

import pytest
from icalendar import Calendar

from chalicelib.services import booking
from tests.owner.test_auth import text
from tests.owner.test_settings import (  # noqa: F401 - autouse fixtures
    NOW,
    audit,
    error_of,
    form_of,
    own_address,
    pinned_clock,
    signed,
)

pytestmark = pytest.mark.dynamodb_local

# Commas and a semicolon: both must reach the calendar file escaped (RFC 5545 §3.3.11).
ADDRESS = "Via dei Coronari 12; scala B, 00186 Roma"
TUESDAY_10 = datetime.fromisoformat("2026-03-24T10:00:00+01:00")


@pytest.fixture
def owner(api, salon_id):
    return signed(api, salon_id)


def _set_address(owner, address: str):
    values = {**form_of(owner.get("/owner/settings/salon")), "address": address}
    return owner.submit("/owner/settings/salon", **values)


def _book(repo, salon_id: str) -> booking.Booked:
    return booking.book(repo, booking.BookingRequest(salon_id=salon_id, service_id="haircut", start=TUESDAY_10,
                                                     name="Anna Rossi", phone="+393331234567", staff_id="giulia"),
                        NOW["now"], None, "https://book.example")


def test_the_owner_sets_the_address_and_it_is_audited(owner, repo, salon_id):
    page = owner.get("/owner/settings/salon")
    assert 'name="address"' in text(page)
    response = _set_address(owner, "  Via Giulia 1,   00186 Roma ")
    assert response.status_code == 303 and response.headers["Location"].endswith("done=saved")
    salon, _ = repo.load_salon(salon_id)
    assert salon.address == "Via Giulia 1, 00186 Roma"  # one line, single spaces
    [entry] = audit(salon_id, "settings_changed")
    assert "address" in entry.details["changes"]
    assert 'value="Via Giulia 1, 00186 Roma"' in text(owner.get("/owner/settings/salon"))


@pytest.mark.parametrize("value, problem", [("x" * 201, "at most 200"), ("Via Roma 1\nRoma", "one line")])
def test_a_bad_address_is_refused_beside_the_field(owner, repo, salon_id, value, problem):
    before, _ = repo.load_salon(salon_id)
    response = _set_address(owner, value)
    assert response.status_code == 400 and problem in text(response)
    after, _ = repo.load_salon(salon_id)
    assert after.address == before.address


def test_the_json_twin_sets_and_clears_the_address(owner, repo, salon_id):
    answer = owner.json("PATCH", "/v1/admin/settings/salon", {"address": ADDRESS})
    assert answer.status_code == 200, answer.body
    assert owner.json("GET", "/v1/admin/settings").json_body["salon"]["address"] == ADDRESS
    too_long = owner.json("PATCH", "/v1/admin/settings/salon", {"address": "x" * 201})
    assert too_long.status_code == 400 and error_of(too_long)["code"] == "invalid_request"
    assert owner.json("PATCH", "/v1/admin/settings/salon", {"address": ""}).status_code == 200
    salon, _ = repo.load_salon(salon_id)
    assert salon.address == ""
    public = owner.client.http.get(f"/v1/salons/{salon_id}").json_body
    assert public["address"] is None


def test_the_public_pages_and_api_show_the_address(api, owner, repo, salon_id):
    _set_address(owner, ADDRESS)
    booked = _book(repo, salon_id)
    for path in (f"/book/{salon_id}", f"/manage/{booked.manage_token}", f"/my/{salon_id}"):
        page = api.http.get(path)
        assert page.status_code == 200 and f'<span id="salon-address">{ADDRESS}</span>' in text(page), path
    assert api.http.get(f"/v1/salons/{salon_id}").json_body["address"] == ADDRESS
    assert api.http.get(f"/v1/bookings/{booked.manage_token}").json_body["salon"]["address"] == ADDRESS


def test_the_calendar_file_puts_the_address_in_location_escaped_with_the_salons_zone(api, owner, repo, salon_id):
    _set_address(owner, ADDRESS)
    booked = _book(repo, salon_id)
    answer = api.http.get(f"/manage/{booked.manage_token}/calendar.ics")
    assert answer.status_code == 200
    raw = answer.body.decode("utf-8").replace("\r\n ", "")  # unfold content lines (RFC 5545 §3.1)
    assert "LOCATION:Studio Demo\\, Via dei Coronari 12\\; scala B\\, 00186 Roma\r\n" in raw
    assert "DTSTART;TZID=Europe/Rome:20260324T100000\r\n" in raw
    assert "DTEND;TZID=Europe/Rome:20260324T103000\r\n" in raw
    assert "DTSTAMP:20260323T080000Z\r\n" in raw  # the moment it was made, in UTC
    [event] = Calendar.from_ical(answer.body).walk("VEVENT")
    assert str(event["location"]) == f"Studio Demo, {ADDRESS}"
    assert event["dtstart"].dt == TUESDAY_10 and str(event["dtstart"].dt.tzinfo) == "Europe/Rome"
    assert ADDRESS in str(event["description"])


def test_without_an_address_the_calendar_location_gives_the_phone(api, owner, repo, salon_id):
    _set_address(owner, "")
    booked = _book(repo, salon_id)
    [event] = Calendar.from_ical(api.http.get(f"/manage/{booked.manage_token}/calendar.ics").body).walk("VEVENT")
    assert str(event["location"]) == "Studio Demo, +39 06 1234 5678"
