"""The owner's agenda on DynamoDB Local through Chalice's test client: real sessions, CSRF tokens,
roles and transactions. Every route's guard (HTML and JSON), what each role sees, and what each
action does to the appointment, the client's counters and the public availability.

Dates: the demo salon in Rome (CET, UTC+1 until 29 March 2026), open Tue-Sat 09-13, 14-19; the
clock starts on Monday 23 March 2026 at 09:00 in Rome."""
import json
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from chalicelib import wiring
from chalicelib.auth import roles
from chalicelib.domain.appointment import CancelledBy, Status
from chalicelib.domain.client import Access
from chalicelib.messaging.providers import LocalSender
from chalicelib.services import booking, dispatch
from chalicelib.storage import keys
from chalicelib.web.owner.agenda import start_key
from local.demo import seed
from local.env import dynamodb_client
from tests.conftest import TEST_TABLE
from tests.owner import test_auth
from tests.owner.test_auth import FORM, Browser, hidden, make_user, text
from tests.sent_texts import link_token, sent_text

pytestmark = pytest.mark.dynamodb_local
client_address = test_auth.client_address  # autouse: each test signs in from an address of its own

ROME = ZoneInfo("Europe/Rome")
TUESDAY = date(2026, 3, 24)
WEDNESDAY = date(2026, 3, 25)
ANNA = "+39 333 123 4567"
BRUNO = "+39 347 765 4321"


def at(day: date, hh_mm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hh_mm), ROME).astimezone(UTC)


def book(salon_id: str, start: datetime, staff: str = "giulia", phone: str = ANNA, name: str = "Anna Rossi",
         service: str = "color"):
    return booking.book(wiring.repository(), booking.BookingRequest(
        salon_id=salon_id, service_id=service, start=start, name=name, phone=phone, staff_id=staff),
        wiring.now(), base_url="https://book.example").appointment


def signed_in(api, salon_id: str, role: str = roles.OWNER, staff_id: str | None = None) -> Browser:
    browser = Browser(api)
    assert browser.sign_in(make_user(salon_id, role, staff_id=staff_id).email).status_code == 303
    return browser


def csrf(browser: Browser) -> str:
    return hidden(browser.get("/owner"), "csrf")


def api_get(browser: Browser, path: str):
    return browser.client.http.get(path, headers=browser._headers({}))


def api_post(browser: Browser, path: str, body=None, token: str | None = None, **headers):
    extra = {"Content-Type": "application/json", **({"X-CSRF-Token": token} if token else {}), **headers}
    return browser.client.http.post(path, body=json.dumps(body or {}), headers=browser._headers(extra))


def appt_path(appt, action: str = "", api: bool = False) -> str:
    base = "/v1/admin/appointments" if api else "/owner/agenda/appointments"
    return f"{base}/{start_key(appt.start)}/{appt.id}" + (f"/{action}" if action else "")


def stored(appt):
    return wiring.repository().get_appointment(appt.salon_id, appt.start, appt.id)


def client_of(appt):
    return wiring.repository().get_client(appt.salon_id, appt.client_id)


def public_starts(api, salon_id: str, day: date, staff: str = "giulia", service: str = "color") -> list[str]:
    query = urlencode({"service_id": service, "date_from": day.isoformat(), "date_to": day.isoformat(),
                       "staff_id": staff})
    response = api.http.get(f"/v1/salons/{salon_id}/availability?{query}")
    assert response.status_code == 200, response.body
    return [s["start"][11:16] for s in response.json_body["slots"]]


@pytest.fixture
def day(salon_id, clock):
    """Tuesday: Anna with Giulia at 10:00, Bruno with Marco at 11:00 (booked on Monday)."""
    return {"anna": book(salon_id, at(TUESDAY, "10:00")),
            "bruno": book(salon_id, at(TUESDAY, "11:00"), "marco", BRUNO, "Bruno Bianchi", "haircut")}


# --- the guard on every route ------------------------------------------------------------------------

OWN, ALL = roles.AGENDA_OWN, roles.AGENDA_ALL
# (method, path with {appt} for an appointment's key, JSON?, permission)
ROUTES = [
    ("GET", "/owner/agenda", False, OWN),
    ("GET", "/owner/agenda/appointments/{appt}", False, OWN),
    ("POST", "/owner/agenda/appointments/{appt}/arrived", False, OWN),
    ("POST", "/owner/agenda/appointments/{appt}/completed", False, OWN),
    ("POST", "/owner/agenda/appointments/{appt}/no-show", False, OWN),
    ("POST", "/owner/agenda/appointments/{appt}/revert-no-show", False, ALL),
    ("POST", "/owner/agenda/appointments/{appt}/cancel", False, ALL),
    ("GET", "/owner/agenda/appointments/{appt}/move", False, ALL),
    ("POST", "/owner/agenda/appointments/{appt}/move", False, ALL),
    ("GET", "/owner/agenda/book", False, ALL),
    ("POST", "/owner/agenda/book", False, ALL),
    ("GET", "/owner/agenda/feeds", False, ALL),
    ("POST", "/owner/agenda/feeds/giulia/rotate", False, ALL),
    ("GET", "/v1/admin/agenda", True, OWN),
    ("POST", "/v1/admin/appointments/{appt}/arrived", True, OWN),
    ("POST", "/v1/admin/appointments/{appt}/completed", True, OWN),
    ("POST", "/v1/admin/appointments/{appt}/no-show", True, OWN),
    ("POST", "/v1/admin/appointments/{appt}/revert-no-show", True, ALL),
    ("POST", "/v1/admin/appointments/{appt}/cancel", True, ALL),
    ("POST", "/v1/admin/appointments/{appt}/move", True, ALL),
    ("POST", "/v1/admin/bookings", True, ALL),
    ("POST", "/v1/admin/feeds/giulia/rotate", True, ALL),
]
APPOINTMENT_ROUTES = [r for r in ROUTES if "{appt}" in r[1]]


def call(api, browser: Browser | None, method: str, path: str, is_json: bool, token: str | None = None,
         cookie: str | None = None):
    """The route as a browser (form) or an API client (JSON) calls it; with a CSRF token if given."""
    headers = browser._headers({}) if browser else {}
    if cookie is not None:
        headers["Cookie"] = f"__Host-chairtime_session={cookie}"
    if method == "GET":
        return api.http.get(path, headers=headers)
    if is_json:
        headers.update({"Content-Type": "application/json", **({"X-CSRF-Token": token} if token else {})})
        body = {"start": "2026-03-25T11:00:00+01:00"} if path.endswith("/move") else {}
        return api.http.post(path, body=json.dumps(body), headers=headers)
    headers.update(FORM)
    return api.http.post(path, body=urlencode({"csrf": token} if token else {}), headers=headers)


def refused_to_sign_in(response, method: str, is_json: bool):
    if is_json:
        return response.status_code == 401 and response.json_body["error"]["code"] == "unauthenticated"
    location = response.headers.get("Location", "")
    expected = location.startswith("/owner/login?next=") if method == "GET" else location == "/owner/login"
    return response.status_code == 303 and expected


def test_every_route_sends_anonymous_forged_and_expired_sessions_to_sign_in(api, salon_id, day, clock):
    anna = day["anna"]
    browser = signed_in(api, salon_id)
    forged = "A" * 43 + "." + "B" * 43
    for method, template, is_json, _ in ROUTES:
        path = template.replace("{appt}", f"{start_key(anna.start)}/{anna.id}")
        for cookie in (None, forged, "nonsense"):
            response = call(api, None, method, path, is_json, cookie=cookie)
            assert refused_to_sign_in(response, method, is_json), (method, path, cookie, response.status_code)
    clock["now"] += timedelta(hours=12)  # the session has ended
    for method, template, is_json, _ in ROUTES:
        path = template.replace("{appt}", f"{start_key(anna.start)}/{anna.id}")
        response = call(api, browser, method, path, is_json, token="whatever")
        assert refused_to_sign_in(response, method, is_json), (method, path, response.status_code)
    assert stored(anna).status is Status.BOOKED


def test_every_route_needs_its_permission(api, salon_id, day):
    """A staff login holds AGENDA_OWN only: every front-desk route answers 403, with or without JSON."""
    anna = day["anna"]  # Giulia's own appointment: the 403 is about the role, not the appointment
    staff = signed_in(api, salon_id, roles.STAFF, "giulia")
    token = csrf(staff)
    checked = 0
    for method, template, is_json, permission in ROUTES:
        if roles.can(roles.STAFF, permission):
            continue
        path = template.replace("{appt}", f"{start_key(anna.start)}/{anna.id}")
        response = call(api, staff, method, path, is_json, token=token)
        assert response.status_code == 403, (method, path, response.status_code)
        if is_json:
            assert response.json_body["error"]["code"] == "forbidden"
        else:
            assert "Your role does not allow this." in text(response)
        checked += 1
    assert checked == 13
    assert stored(anna).status is Status.BOOKED


def test_every_post_needs_the_csrf_token(api, salon_id, day):
    anna = day["anna"]
    owner = signed_in(api, salon_id)
    for method, template, is_json, _ in ROUTES:
        if method != "POST":
            continue
        path = template.replace("{appt}", f"{start_key(anna.start)}/{anna.id}")
        for token in (None, "x" * 43):
            response = call(api, owner, method, path, is_json, token=token)
            assert response.status_code == 403, (path, token, response.status_code)
            if is_json:
                assert response.json_body["error"]["code"] == "csrf_failed"
            else:
                assert "This form has expired" in text(response)
    assert stored(anna).status is Status.BOOKED
    assert wiring.repository().salon_feeds(salon_id) == {}


def test_another_salons_appointments_are_not_found(api, salon_id, day, clock):
    other = f"other-{uuid.uuid4().hex[:8]}"
    seed(wiring.repository(), other)
    theirs = book(other, at(TUESDAY, "10:00"))
    clock["now"] = at(TUESDAY, "10:05")  # every action would be allowed on it
    owner = signed_in(api, salon_id)
    token = csrf(owner)
    for method, template, is_json, _ in APPOINTMENT_ROUTES:
        path = template.replace("{appt}", f"{start_key(theirs.start)}/{theirs.id}")
        response = call(api, owner, method, path, is_json, token=token)
        assert response.status_code == 404, (method, path, response.status_code)
        if is_json:
            assert response.json_body["error"]["code"] == "appointment_not_found"
    # Malformed keys are the same "not found".
    for path in ("/v1/admin/appointments/2026-03-24/x/arrived", f"/v1/admin/appointments/{start_key(theirs.start)}/"
                 "..%2F/arrived"):
        assert api_post(owner, path, token=token).status_code == 404
    assert stored(theirs).status is Status.BOOKED
    agenda = api_get(owner, "/v1/admin/agenda?day=2026-03-24").json_body
    assert theirs.id not in json.dumps(agenda)


def test_staff_see_only_their_own_agenda_and_appointments(api, salon_id, day, clock):
    anna, bruno = day["anna"], day["bruno"]
    clock["now"] = at(TUESDAY, "11:05")
    giulia = signed_in(api, salon_id, roles.STAFF, "giulia")
    for query in ("", "&staff=marco", "&staff=all"):
        page = text(giulia.get(f"/owner/agenda?day=2026-03-24{query}"))
        assert "Anna Rossi" in page and "Bruno Bianchi" not in page, query
        assert "Book by phone" not in page and "Calendar links" not in page
        listed = api_get(giulia, f"/v1/admin/agenda?day=2026-03-24{query}").json_body
        assert [a["id"] for d in listed["days"] for a in d["appointments"]] == [anna.id]
        assert listed["staff"] == [{"id": "giulia", "name": "Giulia"}]
    assert giulia.get(appt_path(bruno)).status_code == 404
    token = csrf(giulia)
    for action in ("arrived", "no-show"):
        assert api_post(giulia, appt_path(bruno, action, api=True), token=token).status_code == 404
        assert giulia.post(appt_path(bruno, action), csrf=token).status_code == 404
    assert stored(bruno).status is Status.BOOKED
    # Their own: the attendance marks are theirs to make.
    assert giulia.post(appt_path(anna, "arrived"), csrf=token).status_code == 303
    assert stored(anna).status is Status.ARRIVED


def test_a_staff_login_without_a_specialist_sees_no_agenda(api, salon_id, day):
    nobody = signed_in(api, salon_id, roles.STAFF, None)
    page = nobody.get("/owner/agenda?day=2026-03-24")
    assert page.status_code == 200 and "not linked to a specialist" in text(page)
    assert "Anna Rossi" not in text(page)
    assert api_get(nobody, "/v1/admin/agenda?day=2026-03-24").json_body["staff"] == []


# --- what the agenda shows ---------------------------------------------------------------------------

def test_the_day_shows_each_appointment_in_the_salons_zone_with_a_tel_link(api, salon_id, day):
    owner = signed_in(api, salon_id)
    response = owner.get("/owner/agenda?day=2026-03-24")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = text(response)
    assert "<script" not in page
    assert "Giulia" in page and "Marco" in page
    assert "10:00–11:00" in page and "Colore" in page and "Anna Rossi" in page  # 09:00 UTC
    assert 'href="tel:+393331234567"' in page and "11:00–11:30" in page and "Taglio donna" in page
    assert page.index("Anna Rossi") < page.index("Bruno Bianchi")  # Giulia's column first
    assert "Booked" in page
    assert 'href="/owner/agenda?day=2026-03-23&amp;staff=all&amp;view=day"' in page  # previous day
    assert 'href="/owner/agenda?day=2026-03-25&amp;staff=all&amp;view=day"' in page  # next day
    # Only Marco's column when asked.
    marco = text(owner.get("/owner/agenda?day=2026-03-24&staff=marco"))
    assert "Bruno Bianchi" in marco and "Anna Rossi" not in marco
    assert owner.get("/owner/agenda?staff=nobody").status_code == 404
    # Today by default (Monday: nothing booked).
    assert "Monday, March 23, 2026" in text(owner.get("/owner/agenda")) and "No appointments." in text(
        owner.get("/owner/agenda"))


def test_the_week_view_lists_seven_days_compactly(api, salon_id, day, clock):
    book(salon_id, at(date(2026, 3, 28), "15:00"), "marco", "+39 320 111 2222", "Carla Verdi", "manicure")
    owner = signed_in(api, salon_id)
    page = text(owner.get("/owner/agenda?day=2026-03-26&view=week"))
    for label in ("Mon 23 Mar", "Tue 24 Mar", "Sat 28 Mar", "Sun 29 Mar"):
        assert label in page
    assert page.index("Anna Rossi") < page.index("Carla Verdi")
    assert 'href="/owner/agenda?day=2026-03-19&amp;staff=all&amp;view=week"' in page  # previous week
    listed = api_get(owner, "/v1/admin/agenda?day=2026-03-26&view=week").json_body
    assert (listed["first_day"], listed["last_day"], len(listed["days"])) == ("2026-03-23", "2026-03-29", 7)
    tuesday = listed["days"][1]["appointments"]
    assert [a["client"]["name"] for a in tuesday] == ["Anna Rossi", "Bruno Bianchi"]
    assert tuesday[0]["start"] == "2026-03-24T10:00:00+01:00" and tuesday[0]["client"]["phone"] == "+393331234567"
    assert tuesday[0]["path"] == appt_path(day["anna"], api=True)
    assert api_get(owner, "/v1/admin/agenda?view=month").status_code == 400
    assert api_get(owner, "/v1/admin/agenda?day=24-03-2026").status_code == 400
    assert api_get(owner, "/v1/admin/agenda?staff=nobody").json_body["error"]["code"] == "staff_not_found"


def test_the_allergy_flag_is_shown_only_to_roles_that_may_read_notes(api, salon_id, day):
    repo = wiring.repository()
    anna = client_of(day["anna"])
    repo.save_client(salon_id, replace(anna, allergies="nickel", notes="prefers mornings"), wiring.now())
    owner, desk = signed_in(api, salon_id), signed_in(api, salon_id, roles.FRONT_DESK)
    giulia = signed_in(api, salon_id, roles.STAFF, "giulia")
    for browser, shown in ((owner, True), (desk, True), (giulia, False)):
        page = text(browser.get("/owner/agenda?day=2026-03-24"))
        assert ("⚠ allergies" in page) is shown and ("note</span>" in page) is shown
        details = text(browser.get(appt_path(day["anna"])))
        assert ("nickel" in details) is shown and ("prefers mornings" in details) is shown
        flags = api_get(browser, "/v1/admin/agenda?day=2026-03-24").json_body["days"][0]["appointments"][0]["flags"]
        assert flags == (["allergies", "note"] if shown else [])
    # The salon may let its staff read notes (a Settings policy).
    salon, _ = repo.load_salon(salon_id)
    if not hasattr(salon.policy, "staff_see_notes"):
        pytest.skip("the staff_see_notes policy is not there yet")
    repo.save_salon(replace(salon, policy=replace(salon.policy, staff_see_notes=True)))
    assert "⚠ allergies" in text(giulia.get("/owner/agenda?day=2026-03-24"))


# --- actions -------------------------------------------------------------------------------------------

def test_arrived_then_completed_through_the_page(api, salon_id, day, clock):
    anna = day["anna"]
    clock["now"] = at(TUESDAY - timedelta(days=1), "22:00")  # sessions last 12 hours: this one lasts into Tuesday
    owner = signed_in(api, salon_id)
    token = csrf(owner)
    early = owner.post(appt_path(anna, "arrived"), csrf=token)  # Monday: not the appointment's day
    assert early.status_code == 409 and "only on its day" in text(early)
    assert 'href="/owner/agenda?day=2026-03-24"' in text(early)
    clock["now"] = at(TUESDAY, "09:55")
    page = text(owner.get("/owner/agenda?day=2026-03-24"))
    assert f'action="{appt_path(anna, "arrived")}"' in page
    response = owner.post(appt_path(anna, "arrived"), csrf=token, staff="giulia", view="day")
    assert response.status_code == 303
    assert response.headers["Location"] == "/owner/agenda?day=2026-03-24&staff=giulia&view=day&done=arrived"
    assert stored(anna).status is Status.ARRIVED
    assert "Marked as arrived." in text(owner.get(response.headers["Location"]))
    again = owner.post(appt_path(anna, "arrived"), csrf=token)
    assert again.status_code == 409 and "cannot become arrived" in text(again)
    assert owner.post(appt_path(anna, "completed"), csrf=token).status_code == 303
    assert stored(anna).status is Status.COMPLETED


def test_arrived_and_completed_through_the_api(api, salon_id, day, clock):
    bruno = day["bruno"]
    clock["now"] = at(TUESDAY, "11:00")
    desk = signed_in(api, salon_id, roles.FRONT_DESK)
    token = csrf(desk)
    response = api_post(desk, appt_path(bruno, "arrived", api=True), token=token)
    assert response.status_code == 200 and response.json_body["appointment"]["status"] == "arrived"
    assert response.headers["Cache-Control"] == "no-store"
    done = api_post(desk, appt_path(bruno, "completed", api=True), token=token)
    assert done.json_body["appointment"]["status"] == "completed"
    refused = api_post(desk, appt_path(bruno, "no-show", api=True), token=token)
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "illegal_transition"


def test_a_no_show_during_the_appointment_counts_and_frees_the_rest_of_the_slot(api, salon_id, day, clock):
    anna = day["anna"]
    repo = wiring.repository()
    salon, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(salon, min_notice_minutes=0))  # so the freed rest of the slot is bookable now
    clock["now"] = at(TUESDAY - timedelta(days=1), "23:00")  # sessions last 12 hours: this one lasts into Tuesday
    owner = signed_in(api, salon_id)
    token = csrf(owner)
    too_soon = owner.post(appt_path(anna, "no-show"), csrf=token)
    assert too_soon.status_code == 409 and "only once it has started" in text(too_soon)
    clock["now"] = at(TUESDAY, "10:05")
    assert "10:15" not in public_starts(api, salon_id, TUESDAY)
    response = owner.post(appt_path(anna, "no-show"), csrf=token)
    assert response.status_code == 303 and response.headers["Location"].endswith("done=no_show")
    assert stored(anna).status is Status.NO_SHOW
    assert client_of(anna).no_show_count == 1
    assert "10:15" in public_starts(api, salon_id, TUESDAY)  # the chair is free again
    locks = dynamodb_client(wiring.config().dynamodb_endpoint).query(
        TableName=TEST_TABLE, KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.lock_pk(salon_id, "giulia")}})["Items"]
    assert locks == []
    # A wrong mark is undone by the front desk or the owner.
    assert owner.post(appt_path(anna, "revert-no-show"), csrf=token).status_code == 303
    assert stored(anna).status is Status.ARRIVED and client_of(anna).no_show_count == 0


def test_no_show_and_its_revert_through_the_api(api, salon_id, day, clock):
    bruno = day["bruno"]
    clock["now"] = at(TUESDAY, "18:00")  # after the appointment: nothing left to free
    owner = signed_in(api, salon_id)
    token = csrf(owner)
    marked = api_post(owner, appt_path(bruno, "no-show", api=True), token=token)
    assert marked.status_code == 200 and marked.json_body["appointment"]["status"] == "no_show"
    assert client_of(bruno).no_show_count == 1
    reverted = api_post(owner, appt_path(bruno, "revert-no-show", api=True), token=token)
    assert reverted.json_body["appointment"]["status"] == "arrived" and client_of(bruno).no_show_count == 0


def test_the_salon_cancels_never_late_and_the_time_is_offered_again(api, salon_id, day, clock):
    anna = day["anna"]
    clock["now"] = at(TUESDAY, "08:00")  # inside the 24-hour cutoff: a client's cancel would be late
    owner = signed_in(api, salon_id)
    token = csrf(owner)
    assert "10:00" not in public_starts(api, salon_id, TUESDAY)
    unconfirmed = owner.post(appt_path(anna, "cancel"), csrf=token)  # only the appointment page's form cancels
    assert unconfirmed.status_code == 303 and unconfirmed.headers["Location"] == appt_path(anna)
    assert stored(anna).status is Status.BOOKED
    details = text(owner.get(appt_path(anna)))
    assert 'name="confirm" value="1"' in details and "sends the client a text" in details
    response = owner.post(appt_path(anna, "cancel"), csrf=token, confirm="1")
    assert response.status_code == 303 and response.headers["Location"] == "/owner/agenda?day=2026-03-24&done=cancel"
    cancelled = stored(anna)
    assert cancelled.status is Status.CANCELLED and cancelled.cancelled_by is CancelledBy.SALON and not cancelled.late
    assert client_of(anna).late_cancel_count == 0
    assert "10:00" in public_starts(api, salon_id, TUESDAY)
    kinds = [m.kind for m in wiring.repository().messages_of_salon(salon_id)]
    assert "cancellation_confirmation" in kinds
    again = api_post(owner, appt_path(anna, "cancel", api=True), token=token)
    assert again.status_code == 409


def test_move_through_the_picker_frees_the_old_time(api, salon_id, day):
    anna = day["anna"]
    owner = signed_in(api, salon_id)
    token = csrf(owner)
    picker = owner.get(appt_path(anna, "move") + "?day=2026-03-25")
    assert picker.status_code == 200
    page = text(picker)
    assert "Wednesday, March 25, 2026" in page and 'class="btn slot"' in page
    assert "start=2026-03-25T11%3A00%3A00%2B01%3A00" in page
    confirm = text(owner.get(appt_path(anna, "move") + "?start=2026-03-25T11:00:00%2B01:00&slot_staff=marco"))
    assert 'name="start" value="2026-03-25T11:00:00+01:00"' in confirm and "Marco" in confirm
    response = owner.post(appt_path(anna, "move"), csrf=token, start="2026-03-25T11:00:00+01:00", staff="marco")
    assert response.status_code == 303 and response.headers["Location"] == "/owner/agenda?day=2026-03-25&done=move"
    assert stored(anna) is None
    moved = wiring.repository().get_appointment(salon_id, at(WEDNESDAY, "11:00"), anna.id)
    assert moved.staff_id == "marco" and moved.status is Status.BOOKED
    assert "10:00" in public_starts(api, salon_id, TUESDAY)
    assert "11:00" not in public_starts(api, salon_id, WEDNESDAY, staff="marco")
    texts = [m for m in wiring.repository().messages_of_salon(salon_id) if m.kind == "booking_confirmation"]
    assert len(texts) == 3  # two bookings, then the move: with a fresh manage link that works
    sender = LocalSender()
    dispatch.dispatch(wiring.repository(), sender, wiring.now())  # the link is made as the text leaves
    link = link_token(sent_text(sender, texts[0]))
    assert api.http.get(f"/v1/bookings/{link}").json_body["booking"]["id"] == anna.id


def test_move_through_the_api_keeps_the_salons_rules(api, salon_id, day):
    bruno = day["bruno"]
    desk = signed_in(api, salon_id, roles.FRONT_DESK)
    token = csrf(desk)
    closed = api_post(desk, appt_path(bruno, "move", api=True), {"start": "2026-03-29T11:00:00+02:00"}, token)
    assert closed.status_code == 422 and closed.json_body["error"]["code"] == "slot_not_offered"
    taken = api_post(desk, appt_path(bruno, "move", api=True),
                     {"start": "2026-03-24T10:00:00+01:00", "staff_id": "giulia"}, token)
    assert taken.status_code == 409 and taken.json_body["error"]["code"] == "slot_taken"
    moved = api_post(desk, appt_path(bruno, "move", api=True), {"start": "2026-03-24T12:00:00+01:00"}, token)
    assert moved.status_code == 200
    assert moved.json_body["appointment"]["start"] == "2026-03-24T12:00:00+01:00"
    assert moved.json_body["appointment"]["staff_id"] == "marco"
    assert "11:00" in public_starts(api, salon_id, TUESDAY, staff="marco", service="haircut")


# --- booking for a client on the phone ---------------------------------------------------------------------

@pytest.fixture
def restricted(salon_id, day, clock):
    """Anna may not book online until June."""
    from chalicelib.services.owner import client_access

    repo = wiring.repository()
    salon, _ = repo.load_salon(salon_id)
    client_access.set_access(repo, salon, day["anna"].client_id, Access.RESTRICTED, wiring.now(), date(2026, 6, 1))
    return day["anna"]


def test_book_by_phone_for_a_restricted_client_through_the_pages(api, salon_id, restricted):
    public = api.http.post(f"/v1/salons/{salon_id}/bookings", headers={"Content-Type": "application/json"},
                           body=json.dumps({"service_id": "haircut", "start": "2026-03-25T15:00:00+01:00",
                                            "client": {"name": "Anna Rossi", "phone": ANNA}}))
    assert public.status_code == 403 and public.json_body["error"]["code"] == "booking_restricted"
    owner = signed_in(api, salon_id)
    assert "Taglio donna" in text(owner.get("/owner/agenda/book"))
    assert "Anyone" in text(owner.get("/owner/agenda/book?service=haircut"))
    times = text(owner.get("/owner/agenda/book?service=haircut&pick=any&day=2026-03-25"))
    assert "start=2026-03-25T15%3A00%3A00%2B01%3A00" in times
    form = owner.get("/owner/agenda/book?service=haircut&pick=any&start=2026-03-25T15:00:00%2B01:00&slot_staff=marco")
    assert form.status_code == 200 and "does not apply" in text(form)
    fields = {name: hidden(form, name) for name in ("csrf", "service", "start", "staff", "pick", "key")}
    response = owner.post("/owner/agenda/book", name="Anna Rossi", phone="333 123 4567", **fields)
    assert response.status_code == 303 and response.headers["Location"] == "/owner/agenda?day=2026-03-25&done=booked"
    agenda = text(owner.get(response.headers["Location"]))
    assert "Booked. The client gets a text" in agenda and "15:00–15:30" in agenda and "Anna Rossi" in agenda
    # The same form again (a double tap) does not book twice.
    assert owner.post("/owner/agenda/book", name="Anna Rossi", phone="333 123 4567", **fields).status_code == 303
    wednesday = api_get(owner, "/v1/admin/agenda?day=2026-03-25").json_body["days"][0]["appointments"]
    assert [(a["client"]["name"], a["staff_id"]) for a in wednesday] == [("Anna Rossi", "marco")]
    assert client_of(restricted).access is Access.RESTRICTED  # still restricted online


def test_book_by_phone_through_the_api_and_its_problems(api, salon_id, restricted):
    desk = signed_in(api, salon_id, roles.FRONT_DESK)
    token = csrf(desk)
    body = {"service_id": "color", "start": "2026-03-26T09:00:00+01:00", "staff_id": "giulia",
            "client": {"name": "Anna Rossi", "phone": ANNA}}
    booked = api_post(desk, "/v1/admin/bookings", body, token, **{"Idempotency-Key": "call-1"})
    assert booked.status_code == 201, booked.body
    appointment = booked.json_body["appointment"]
    assert appointment["start"] == "2026-03-26T09:00:00+01:00" and "manage_token" not in booked.json_body
    replay = api_post(desk, "/v1/admin/bookings", body, token, **{"Idempotency-Key": "call-1"})
    assert replay.status_code == 200 and replay.json_body["appointment"]["id"] == appointment["id"]
    taken = api_post(desk, "/v1/admin/bookings", {**body, "client": {"name": "Bruno", "phone": BRUNO}}, token)
    assert taken.status_code == 409 and taken.json_body["error"]["code"] == "slot_taken"
    bad_phone = api_post(desk, "/v1/admin/bookings", {**body, "client": {"name": "X", "phone": "12"}}, token)
    assert bad_phone.status_code == 400
    page = desk.post("/owner/agenda/book", csrf=token, service="color", start="2026-03-26T09:00:00+01:00",
                     staff="giulia", pick="giulia", name="Carla", phone="+39 320 111 2222", key="k-1")
    assert page.status_code == 409 and "just taken" in text(page)
