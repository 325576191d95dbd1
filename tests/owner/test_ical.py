"""Staff calendar feeds: a secret URL per specialist, made or replaced by the owner or the front
desk, shown once, and read by calendar apps without a session."""
import hashlib
import json
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from icalendar import Calendar

from chalicelib import auth, wiring
from chalicelib.auth import roles
from chalicelib.domain.appointment import CancelledBy
from chalicelib.services import manage
from tests.owner import test_auth
from tests.owner.test_agenda import ANNA, BRUNO, TUESDAY, api_post, at, book, csrf, signed_in, text

pytestmark = pytest.mark.dynamodb_local
client_address = test_auth.client_address  # autouse: each test signs in from an address of its own

FEED_URL = re.compile(r"https://book\.example/ical/([A-Za-z0-9_-]{43})\.ics")


def rotate(browser, staff_id: str = "giulia") -> str:
    """Make a new feed URL on the page; returns its path."""
    response = browser.post(f"/owner/agenda/feeds/{staff_id}/rotate", csrf=csrf(browser))
    assert response.status_code == 200, text(response)
    assert response.headers["Cache-Control"] == "no-store"
    urls = FEED_URL.findall(text(response))
    assert len(urls) == 1
    return f"/ical/{urls[0]}.ics"


def events(api, path: str) -> list:
    response = api.http.get(path)
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.body)
    return [c for c in calendar.walk("VEVENT")]


def test_the_feed_has_the_specialists_appointments_without_phone_numbers(api, salon_id, clock):
    anna = book(salon_id, at(TUESDAY, "10:00"))
    bruno = book(salon_id, at(TUESDAY, "11:00"), "marco", BRUNO, "Bruno Bianchi", "haircut")
    later = book(salon_id, at(TUESDAY, "15:00"), phone="+39 320 111 2222", name="Carla Verdi", service="haircut")
    salon, catalog = wiring.repository().load_salon(salon_id)
    manage.cancel_appointment(wiring.repository(), salon, catalog, later, CancelledBy.SALON, wiring.now(), "")
    owner = signed_in(api, salon_id)
    path = rotate(owner)
    body = api.http.get(path).body.decode()
    for secret in ("+39", "3331234567", "3201112222", "Rossi", "Verdi", BRUNO, ANNA):
        assert secret not in body
    found = {str(e["UID"]): e for e in events(api, path)}
    assert set(found) == {anna.id, later.id}  # Giulia's only: Marco's appointment is not in her feed
    assert bruno.id not in found
    event = found[anna.id]
    assert str(event["SUMMARY"]) == "Colore · Anna"
    assert event.decoded("DTSTART") == anna.start and event.decoded("DTEND") == anna.end
    assert event["DTSTART"].to_ical() == b"20260324T090000Z"  # UTC
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(found[later.id]["STATUS"]) == "CANCELLED"
    assert "Giulia" in str(Calendar.from_ical(api.http.get(path).body)["X-WR-CALNAME"])


def test_the_feed_covers_the_past_week_and_the_next_sixty_days(api, salon_id, clock):
    anna = book(salon_id, at(TUESDAY, "10:00"))
    owner = signed_in(api, salon_id)
    path = rotate(owner)
    clock["now"] += timedelta(days=8)  # a week and a day after Monday: Tuesday's appointment is 7 days old
    assert [str(e["UID"]) for e in events(api, path)] == [anna.id]
    clock["now"] += timedelta(days=1)
    assert events(api, path) == []


def test_rotating_replaces_the_url_and_the_old_one_stops_working(api, salon_id, clock):
    book(salon_id, at(TUESDAY, "10:00"))
    desk = signed_in(api, salon_id, roles.FRONT_DESK)
    page = text(desk.get("/owner/agenda/feeds"))
    assert "No link yet" in page and "Create a link" in page
    first = rotate(desk)
    assert "/ical/" not in text(desk.get("/owner/agenda/feeds"))  # shown once only
    assert "Replace the link" in text(desk.get("/owner/agenda/feeds"))
    second = rotate(desk)
    assert first != second
    gone = api.http.get(first)
    assert gone.status_code == 404 and gone.json_body["error"]["code"] == "feed_not_found"
    assert len(events(api, second)) == 1
    # Through the API too; the URL is in the answer only.
    answer = api_post(desk, "/v1/admin/feeds/giulia/rotate", token=csrf(desk))
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    third = FEED_URL.fullmatch(answer.json_body["url"])
    assert third and answer.json_body["staff_id"] == "giulia"
    assert api.http.get(second).status_code == 404
    assert api.http.get(f"/ical/{third.group(1)}.ics").status_code == 200
    missing = api_post(desk, "/v1/admin/feeds/nobody/rotate", token=csrf(desk))
    assert missing.status_code == 404 and missing.json_body["error"]["code"] == "staff_not_found"


def test_only_the_tokens_hash_is_stored(api, salon_id, clock):
    owner = signed_in(api, salon_id)
    token = rotate(owner).removeprefix("/ical/").removesuffix(".ics")
    repo = wiring.repository()
    digest = hashlib.sha256(token.encode()).hexdigest()
    feed = repo.feed(digest)
    assert (feed.salon_id, feed.staff_id) == (salon_id, "giulia")
    assert repo.feed(token) is None
    assert set(repo.salon_feeds(salon_id)) == {"giulia"}
    # With the clock pinned, entries of one instant sort by id: look among the latest few.
    [entry] = [e for e in auth.accounts().audit_entries(salon_id, limit=5) if e.action == "feed_rotated"]
    assert entry.target == "staff:giulia" and token not in repr(entry)


@pytest.mark.parametrize("path", ["/ical/nothing.ics", "/ical/" + "A" * 43 + ".ics", "/ical/" + "A" * 43,
                                  "/ical/%2E%2E.ics"])
def test_unknown_feeds_are_not_found(api, path):
    response = api.http.get(path)
    assert response.status_code == 404 and response.json_body["error"]["code"] == "feed_not_found"


def test_staff_cannot_make_feed_urls(api, salon_id, clock):
    giulia = signed_in(api, salon_id, roles.STAFF, "giulia")
    assert giulia.post("/owner/agenda/feeds/giulia/rotate", csrf=csrf(giulia)).status_code == 403
    assert giulia.get("/owner/agenda/feeds").status_code == 403
    assert wiring.repository().salon_feeds(salon_id) == {}


# --- a deactivated staff member's feed stops, and only a new link starts it again -------------------

def patch(browser, path: str, body: dict):
    return browser.client.http.request("PATCH", path, body=json.dumps(body), headers=browser._headers(
        {"Content-Type": "application/json", "X-CSRF-Token": csrf(browser)}))


def unknown_link_answer(api):
    return api.http.get("/ical/" + "Z" * 43 + ".ics")


def assert_stopped(api, path: str) -> None:
    response = api.http.get(path)
    unknown = unknown_link_answer(api)
    assert response.status_code == unknown.status_code == 404
    assert response.json_body == unknown.json_body  # says no more than a link that never existed


def test_deactivating_a_staff_member_stops_their_feed_and_reactivating_does_not_revive_it(api, salon_id, clock):
    book(salon_id, at(TUESDAY, "10:00"))
    owner = signed_in(api, salon_id)
    giulia, marco = rotate(owner), rotate(owner, "marco")
    assert owner.post("/owner/settings/staff/giulia/active", csrf=csrf(owner), active="0").status_code == 303
    assert_stopped(api, giulia)
    assert api.http.get(marco).status_code == 200  # the others' feeds carry on
    assert "giulia" not in wiring.repository().salon_feeds(salon_id)
    page = text(owner.get("/owner/agenda/feeds"))
    assert "/owner/agenda/feeds/giulia/rotate" not in page  # no link for an inactive member
    refused = api_post(owner, "/v1/admin/feeds/giulia/rotate", token=csrf(owner))
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "staff_inactive"
    # Active again: the old link stays dead until the owner makes a new one.
    assert patch(owner, "/v1/admin/settings/staff/giulia", {"active": True}).status_code == 200
    assert_stopped(api, giulia)
    fresh = rotate(owner)
    assert len(events(api, fresh)) == 1
    assert_stopped(api, giulia)
    ended = [e for e in auth.accounts().audit_entries(salon_id, limit=20) if e.action == "feed_ended"]
    assert [(e.target, e.details) for e in ended] == [("staff:giulia", {"reason": "staff_deactivated"})]


def test_disabling_a_staff_login_stops_their_feed_until_the_owner_makes_a_new_one(api, salon_id, clock):
    owner = signed_in(api, salon_id)
    path = rotate(owner)
    login = auth.create_user(auth.accounts(), salon_id, f"giulia-{salon_id}@example.com", test_auth.PASSWORD,
                             roles.STAFF, wiring.now(), staff_id="giulia")
    assert patch(owner, f"/v1/admin/users/{login.id}", {"active": False}).status_code == 200
    assert_stopped(api, path)
    assert patch(owner, f"/v1/admin/users/{login.id}", {"active": True}).status_code == 200
    assert_stopped(api, path)
    assert api.http.get(rotate(owner)).status_code == 200
    [entry] = [e for e in auth.accounts().audit_entries(salon_id, limit=20) if e.action == "feed_ended"]
    assert entry.target == "staff:giulia" and entry.details == {"reason": "user_disabled"}


def test_a_feed_left_on_an_inactive_staff_member_answers_like_an_unknown_link(api, salon_id, clock):
    """Feeds of staff deactivated before feeds were ended with them, or a deactivation whose end failed."""
    owner = signed_in(api, salon_id)
    path = rotate(owner)
    repo = wiring.repository()
    _, catalog = repo.load_salon(salon_id)
    repo.save_staff(salon_id, replace(catalog.staff_member("giulia"), active=False))  # the items stay
    assert "giulia" in repo.salon_feeds(salon_id)
    assert_stopped(api, path)
