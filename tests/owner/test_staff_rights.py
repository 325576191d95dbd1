"""Staff who manage their own day, on DynamoDB Local: the owner's four switches, each tried on and
off against every route it opens (the authorization matrix), what a staff login may then do to
its own appointments only, its own hours within the salon's, and the audit entries every agenda
action writes.

Dates: the demo salon in Rome; the clock starts on Monday 23 March 2026 at 09:00."""
import json
from urllib.parse import urlencode

import pytest

from chalicelib import wiring
from chalicelib.auth import accounts, roles
from chalicelib.domain.appointment import CancelledBy, Status
from chalicelib.domain.staff_rights import BOOK, CAPABILITIES, FEED, MOVE_CANCEL, OWN_HOURS
from chalicelib.web.owner.agenda import start_key
from tests.owner import test_auth
from tests.owner.test_agenda import (
    BRUNO,
    TUESDAY,
    WEDNESDAY,
    api_get,
    api_post,
    appt_path,
    at,
    book,
    csrf,
    signed_in,
    stored,
)
from tests.owner.test_auth import FORM, text

pytestmark = pytest.mark.dynamodb_local
client_address = test_auth.client_address  # autouse: each test signs in from an address of its own

# (method, path, JSON?, the switch that opens it to staff); {appt}: Giulia's own appointment
ROUTES = [
    ("POST", "/owner/agenda/appointments/{appt}/cancel", False, MOVE_CANCEL),
    ("GET", "/owner/agenda/appointments/{appt}/move", False, MOVE_CANCEL),
    ("POST", "/owner/agenda/appointments/{appt}/move", False, MOVE_CANCEL),
    ("POST", "/v1/admin/appointments/{appt}/cancel", True, MOVE_CANCEL),
    ("POST", "/v1/admin/appointments/{appt}/move", True, MOVE_CANCEL),
    ("GET", "/owner/agenda/book", False, BOOK),
    ("POST", "/owner/agenda/book", False, BOOK),
    ("POST", "/v1/admin/bookings", True, BOOK),
    ("GET", "/owner/agenda/feeds", False, FEED),
    ("POST", "/owner/agenda/feeds/giulia/rotate", False, FEED),
    ("POST", "/v1/admin/feeds/giulia/rotate", True, FEED),
    ("GET", "/owner/agenda/my-hours", False, OWN_HOURS),
    ("POST", "/owner/agenda/my-hours", False, OWN_HOURS),
    ("GET", "/v1/admin/my-hours", True, OWN_HOURS),
    ("PUT", "/v1/admin/my-hours", True, OWN_HOURS),
]


@pytest.fixture
def day(salon_id, clock):
    """Tuesday: Anna with Giulia at 10:00, Bruno with Marco at 11:00 (booked on Monday)."""
    return {"anna": book(salon_id, at(TUESDAY, "10:00")),
            "bruno": book(salon_id, at(TUESDAY, "11:00"), "marco", BRUNO, "Bruno Bianchi", "haircut")}


def switch(api, salon_id: str, *on: str):
    owner = signed_in(api, salon_id)
    response = owner.client.http.put("/v1/admin/staff-rights", body=json.dumps({"on": ",".join(on)}),
                                     headers=owner._headers({"Content-Type": "application/json",
                                                             "X-CSRF-Token": csrf(owner)}))
    assert response.status_code == 200, response.body
    assert response.json_body["capabilities"] == {c: c in on for c in CAPABILITIES}


def call(browser, method: str, path: str, is_json: bool, token: str):
    if method == "GET":
        return browser.client.http.get(path, headers=browser._headers({}))
    if is_json:
        body = {"start": "2026-03-25T11:00:00+01:00"} if path.endswith("/move") else {}
        return getattr(browser.client.http, method.lower())(path, body=json.dumps(body), headers=browser._headers(
            {"Content-Type": "application/json", "X-CSRF-Token": token}))
    return browser.client.http.post(path, body=urlencode({"csrf": token}), headers=browser._headers(FORM))


def refused(response, is_json: bool) -> bool:
    if response.status_code != 403:
        return False
    if is_json:
        return response.json_body["error"]["code"] == "forbidden"
    return "Your role does not allow this." in text(response)


def routes_for(appt):
    return [(m, p.replace("{appt}", f"{start_key(appt.start)}/{appt.id}"), j, c) for m, p, j, c in ROUTES]


@pytest.mark.parametrize("enabled", [None, *CAPABILITIES])
def test_each_switch_opens_its_routes_to_staff_and_no_other(api, salon_id, day, enabled):
    if enabled:
        switch(api, salon_id, enabled)
    giulia = signed_in(api, salon_id, roles.STAFF, "giulia")
    token = csrf(giulia)
    for method, path, is_json, capability in routes_for(day["anna"]):
        response = call(giulia, method, path, is_json, token)
        if capability == enabled:
            assert not refused(response, is_json), (enabled, method, path, response.status_code)
        else:
            assert refused(response, is_json), (enabled, method, path, response.status_code)
    if enabled != MOVE_CANCEL:
        assert stored(day["anna"]).status is Status.BOOKED


def test_the_owner_and_the_front_desk_keep_every_route_whatever_the_switches(api, salon_id, day):
    for role in (roles.OWNER, roles.FRONT_DESK):
        browser = signed_in(api, salon_id, role)
        for method, path, is_json, capability in routes_for(day["bruno"]):
            if capability == OWN_HOURS:
                continue  # a staff member's own page: the owner edits staff in Settings
            if method == "POST" and path.endswith("/cancel"):
                continue  # would cancel before the move routes run
            assert not refused(call(browser, method, path, is_json, csrf(browser)), is_json), (role, path)


def test_only_the_owner_sets_the_switches(api, salon_id, clock):
    desk = signed_in(api, salon_id, roles.FRONT_DESK)
    assert desk.get("/owner/staff-rights").status_code == 403
    owner = signed_in(api, salon_id)
    page = owner.get("/owner/staff-rights")
    assert page.status_code == 200 and 'name="move_cancel"' in text(page)
    saved = owner.post("/owner/staff-rights", csrf=csrf(owner), move_cancel="1", feed="1")
    assert saved.status_code == 303
    salon, _ = wiring.repository().load_salon(salon_id)
    assert salon.staff_rights == {MOVE_CANCEL, FEED}
    entry = next(e for e in accounts().audit_entries(salon_id) if e.action == "staff_rights_changed")
    assert entry.details == {"on": ["feed", "move_cancel"]}
    assert 'name="feed" value="1" style="width:auto;min-height:auto" checked' in text(owner.get("/owner/staff-rights"))
    assert owner.post("/owner/staff-rights", csrf=csrf(owner)).status_code == 303  # every box unticked
    assert wiring.repository().load_salon(salon_id)[0].staff_rights == frozenset()


def test_staff_move_and_cancel_their_own_appointments_only(api, salon_id, day):
    switch(api, salon_id, MOVE_CANCEL)
    giulia = signed_in(api, salon_id, roles.STAFF, "giulia")
    token = csrf(giulia)
    agenda = text(giulia.get("/owner/agenda?day=2026-03-24"))
    assert f'href="{appt_path(day["anna"], "move")}"' in text(giulia.get(appt_path(day["anna"])))
    assert "Bruno" not in agenda
    assert api_post(giulia, appt_path(day["bruno"], "cancel", api=True), token=token).status_code == 404
    moved = api_post(giulia, appt_path(day["anna"], "move", api=True),
                     {"start": "2026-03-25T10:00:00+01:00", "staff_id": "marco"}, token)
    assert moved.status_code == 200, moved.body
    assert moved.json_body["appointment"]["staff_id"] == "giulia"  # a staff login moves within its own agenda
    [now_at] = [a for a in wiring.repository().appointments_overlapping(salon_id, at(WEDNESDAY, "09:00"),
                                                                         at(WEDNESDAY, "12:00"))]
    cancelled = api_post(giulia, appt_path(now_at, "cancel", api=True), token=token)
    assert cancelled.status_code == 200 and cancelled.json_body["appointment"]["status"] == "cancelled"
    assert stored(now_at).cancelled_by is CancelledBy.SALON and not stored(now_at).late
    actions = [e.action for e in accounts().audit_entries(salon_id, limit=100)]
    assert "appointment_moved" in actions and "appointment_cancel" in actions


def test_staff_book_by_phone_into_their_own_agenda(api, salon_id, clock):
    switch(api, salon_id, BOOK)
    giulia = signed_in(api, salon_id, roles.STAFF, "giulia")
    response = api_post(giulia, "/v1/admin/bookings", {
        "service_id": "haircut", "start": "2026-03-24T15:00:00+01:00", "staff_id": "marco",
        "client": {"name": "Carla Verdi", "phone": "+39 340 111 2222"}}, csrf(giulia))
    assert response.status_code == 201, response.body
    assert response.json_body["appointment"]["staff_id"] == "giulia"
    entry = next(e for e in accounts().audit_entries(salon_id) if e.action == "appointment_booked")
    assert entry.details == {"staff_id": "giulia", "by_phone": True}
    assert "Carla" not in json.dumps(entry.details)


def test_staff_rotate_only_their_own_calendar_link(api, salon_id, clock):
    switch(api, salon_id, FEED)
    giulia = signed_in(api, salon_id, roles.STAFF, "giulia")
    token = csrf(giulia)
    assert api_post(giulia, "/v1/admin/feeds/marco/rotate", token=token).status_code == 404
    own = api_post(giulia, "/v1/admin/feeds/giulia/rotate", token=token)
    assert own.status_code == 200 and "/ical/" in own.json_body["url"]
    page = text(giulia.get("/owner/agenda/feeds"))
    assert "Giulia" in page and "Marco" not in page
    assert set(wiring.repository().salon_feeds(salon_id)) == {"giulia"}


def test_staff_set_their_own_hours_within_the_salons_and_time_off(api, salon_id, clock):
    switch(api, salon_id, OWN_HOURS)
    giulia = signed_in(api, salon_id, roles.STAFF, "giulia")
    outside = giulia.post("/owner/agenda/my-hours", csrf=csrf(giulia), tue="08:00-12:00")
    assert outside.status_code == 400 and "within the salon's" in text(outside)
    saved = giulia.post("/owner/agenda/my-hours", csrf=csrf(giulia), tue="09:00-13:00", wed="14:00-19:00",
                        time_off="2026-04-01 to 2026-04-03\r\n2026-04-10")
    assert saved.status_code == 303, text(saved)
    _, catalog = wiring.repository().load_salon(salon_id)
    giulia_now = catalog.staff_member("giulia")
    assert {day: [str(r) for r in ranges] for day, ranges in giulia_now.hours.items()} == {
        1: ["09:00-13:00"], 2: ["14:00-19:00"]}
    assert [(o.start.isoformat(), o.end.isoformat()) for o in giulia_now.time_off] == [
        ("2026-04-01T00:00:00", "2026-04-04T00:00:00"), ("2026-04-10T00:00:00", "2026-04-11T00:00:00")]
    answer = api_get(giulia, "/v1/admin/my-hours").json_body
    assert answer["tue"] == "09:00-13:00" and answer["time_off"] == "2026-04-01 to 2026-04-03\n2026-04-10"
    slots = api.http.get("/v1/salons/" + salon_id + "/availability?" + urlencode(
        {"service_id": "haircut", "date_from": "2026-03-31", "date_to": "2026-03-31", "staff_id": "giulia"}))
    assert [s["start"][11:16] for s in slots.json_body["slots"]][-1] == "12:30"  # her Tuesday ends at 13:00
    assert "own_schedule_changed" in [e.action for e in accounts().audit_entries(salon_id)]


def test_every_agenda_action_writes_an_audit_entry(api, salon_id, day, clock):
    clock["now"] = at(TUESDAY, "11:30")
    owner = signed_in(api, salon_id)
    token = csrf(owner)
    for appt, action in ((day["anna"], "arrived"), (day["anna"], "completed"), (day["bruno"], "no-show"),
                         (day["bruno"], "revert-no-show")):
        assert api_post(owner, appt_path(appt, action, api=True), token=token).status_code == 200
    entries = [e for e in accounts().audit_entries(salon_id, limit=100) if e.action.startswith("appointment_")]
    assert sorted(e.action for e in entries) == ["appointment_arrived", "appointment_completed",
                                                 "appointment_no_show", "appointment_revert_no_show"]
    assert {e.target for e in entries} == {f"appointment:{day['anna'].id}", f"appointment:{day['bruno'].id}"}
