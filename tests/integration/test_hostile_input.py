"""Hostile input on every declared route (chalicelib/api/declared_routes.py), on DynamoDB Local
through Chalice's test client: dates at the ends of the calendar (year 1, year 9999, with the
widest UTC offsets) in each path, query and body parameter, and bodies nested 10,000 levels
deep. Whatever arrives, the answer is never a 5xx: an API client gets 400 in the error shape, a
person a 400 page. Owner routes are called signed in as the owner, with the CSRF token."""
import json
from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest

from chalicelib import wiring
from chalicelib.api.declared_routes import DECLARED
from chalicelib.api.lazy import FORM as FORM_TYPES
from chalicelib.auth import roles
from chalicelib.domain.clock import iso_utc
from chalicelib.payments.base import CheckoutRequest
from chalicelib.payments.local import LocalProvider
from chalicelib.services import booking
from chalicelib.web.owner.agenda import start_key
from tests.conftest import MONDAY_MORNING
from tests.owner import test_auth
from tests.owner.test_auth import Browser, hidden, make_user

pytestmark = pytest.mark.dynamodb_local
client_address = test_auth.client_address  # autouse: sign-in counters of this test's own address

TUESDAY_10 = MONDAY_MORNING + timedelta(days=1, hours=1)
HOSTILE_DAYS = ("0001-01-01", "9999-12-31")
HOSTILE_STARTS = ("9999-12-31T23:59:00+14:00", "0001-01-01T00:00:00-14:00")
HOSTILE_KEYS = ("00010101T000000Z", "99991231T235959Z")  # an appointment's start as its URL spells it
# Every date-like name a route reads from its query string, its form or its JSON body.
DAY_NAMES = ("day", "from", "to", "date_from", "date_to", "until", "first_day", "closed_dates")
INSTANT_NAMES = ("start", "time_off")
DATE_PATH_NAMES = ("start", "first_day")  # both ends; other path parameters get one
DEEP_BODIES = ("[" * 10_000, '{"a":' * 3_000, "[" * 8_000 + "]" * 8_000)  # each under the 16 KB limit
# Enough for a route to reach the code that reads dates (a service and a specialist chosen, the
# fields a JSON schema requires...); a hostile value then replaces one of them.
BASE_QUERY = {
    "/v1/salons/{salon_id}/availability": {"service_id": "color", "date_from": "2026-03-24",
                                           "date_to": "2026-03-25"},
    "/book/{salon_id}": {"service": "color", "staff": "giulia"},
    "/owner/agenda/book": {"service": "color", "pick": "giulia", "staff": "giulia"},
    "/owner/exports/appointments.csv": {"from": "2026-03-01", "to": "2026-03-31"},
}
CLIENT = {"name": "Anna Rossi", "phone": "+39 333 123 4567"}
WAITLIST = {"service_id": "color", "date_from": "2026-03-24", "date_to": "2026-03-25"}
BASE_BODY = {
    "/v1/salons/{salon_id}/bookings": {"service_id": "color", "start": "2026-03-24T11:00:00+01:00", "client": CLIENT},
    "/v1/admin/bookings": {"service_id": "color", "start": "2026-03-24T11:00:00+01:00", "client": CLIENT},
    "/v1/salons/{salon_id}/waitlist": {**WAITLIST, "client": CLIENT},
    "/v1/admin/waitlist": {**WAITLIST, **CLIENT},
    "/owner/waitlist": {**WAITLIST, **CLIENT},
    "/v1/admin/clients/{client_id}/access": {"access": "restricted", "until": "2026-04-30"},
    "/owner/clients/{client_id}/access": {"access": "restricted", "until": "2026-04-30"},
    "/book/{salon_id}": {"service": "color", "staff": "giulia", "start": "2026-03-24T11:00:00+01:00", **CLIENT},
}
SKIPPED = {("POST", "/owner/logout")}  # it would end the session the sweep uses


def hostile(name: str) -> tuple:
    """The hostile values of a parameter as JSON carries them (query strings and forms get them as
    text, `_texts`)."""
    if name == "time_off":
        return ([{"start": "9999-12-31T23:00", "end": "9999-12-31T23:59"}],
                [{"start": "0001-01-01T00:00", "end": "0001-01-01T01:00"}])
    if name == "closed_dates":
        return tuple([day] for day in HOSTILE_DAYS)
    return HOSTILE_STARTS if name == "start" else HOSTILE_DAYS


def routes():
    for area in DECLARED.values():
        for route in area:
            for method in route.methods:
                if (method, route.path) not in SKIPPED:
                    yield method, route.path, route.content_types == FORM_TYPES


@pytest.fixture
def scene(api, salon_id, fixed_now):
    """A salon with one appointment, its client and manage token, an owner signed in, another user,
    and the local payment provider with a checkout ticket of that appointment (its page is served)."""
    payments = LocalProvider("hostile-input-secret")
    wiring.set_payments(payments)
    booked = booking.book(wiring.repository(), booking.BookingRequest(
        salon_id=salon_id, service_id="color", start=TUESDAY_10, name="Anna Rossi", phone="+39 333 123 4567",
        staff_id="giulia"), wiring.now(), base_url="https://book.example")
    appt = booked.appointment
    checkout = payments.create_deposit_checkout(CheckoutRequest(
        salon_id=salon_id, appointment_id=appt.id, appointment_start=iso_utc(appt.start), currency="EUR",
        description="Color", success_url="https://book.example/m/x", cancel_url="https://book.example/m/x",
        expires_at=wiring.now() + timedelta(minutes=15), country="IT", amount=2000, client_id=appt.client_id))
    owner = make_user(salon_id)
    other = make_user(salon_id, roles.FRONT_DESK)
    browser = Browser(api)
    assert browser.sign_in(owner.email).status_code == 303
    yield {
        "browser": browser, "csrf": hidden(browser.get("/owner"), "csrf"),
        "path": {"salon_id": salon_id, "token": booked.manage_token, "start": start_key(appt.start),
                 "appointment_id": appt.id, "client_id": appt.client_id, "staff_id": "giulia",
                 "service_id": "color", "user_id": other.id, "first_day": "2026-03-24", "entry_id": "x1",
                 "name": "nothing.ics", "provider": "local", "ticket": checkout.url.rsplit("/", 1)[1],
                 "slot": "1", "broadcast_id": "01J00000000000000000000000"},
    }
    wiring.set_payments(None)


def fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    assert "{" not in path, path
    return path


def path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


class Sweep:
    """Calls routes as the signed-in owner and keeps every 5xx as (method, url, body, status)."""

    def __init__(self, scene):
        self.browser, self.csrf, self.failures, self.calls = scene["browser"], scene["csrf"], [], 0

    def call(self, method: str, url: str, fields=None, is_form: bool = False, raw: str | None = None):
        headers = self.browser._headers({"X-CSRF-Token": self.csrf})
        body = raw
        if method != "GET" and raw is None:
            body = urlencode({"csrf": self.csrf, **fields}) if is_form else json.dumps(fields or {})
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded" if is_form else "application/json"
        response = self.browser.client.http.request(method, url, body=(body or "").encode(), headers=headers)
        self.calls += 1
        if response.status_code >= 500:
            self.failures.append((method, url, (body or "")[:80], response.status_code))
        return response

    def every(self, names, send) -> None:
        """Every name hostile at once (one request per end of the calendar); then, when the route
        refused either, each name alone, so a refusal of the first name read cannot hide what a later
        one does. A route that accepted both read none of them, or read them all without failing."""
        statuses = [send({name: hostile(name)[end] for name in names}).status_code for end in (0, 1)]
        if max(statuses) < 400:
            return
        for name in names:
            for value in hostile(name):
                send({name: value})


def test_hostile_dates_in_every_path_query_and_body_parameter_never_get_a_5xx(scene):
    sweep = Sweep(scene)
    valid = scene["path"]
    names = DAY_NAMES + INSTANT_NAMES
    for method, template, is_form in routes():
        url = fill(template, valid)
        body = BASE_BODY.get(template, {})
        for name in path_names(template):  # each path parameter in turn
            for value in HOSTILE_KEYS if name == "start" else HOSTILE_DAYS[:2 if name in DATE_PATH_NAMES else 1]:
                sweep.call(method, fill(template, {**valid, name: value}), body, is_form)
        if method == "GET":  # each date-like query parameter
            query = BASE_QUERY.get(template, {})
            sweep.every(names, lambda hostile_params, q=query, u=url, m=method: sweep.call(
                m, f"{u}?{urlencode({**q, **_texts(hostile_params)})}"))
        else:  # each date-like body field
            sweep.every(names, lambda hostile_fields, b=body, u=url, m=method, f=is_form: sweep.call(
                m, u, {**b, **(_texts(hostile_fields) if f else hostile_fields)}, f))
    assert sweep.failures == []
    assert sweep.calls > 500


def _texts(values: dict) -> dict[str, str]:
    """Query strings and forms carry text: lists become the text a person would type."""
    return {name: value if isinstance(value, str) else _text(value) for name, value in values.items()}


def _text(value) -> str:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "\n".join(f"{p['start']} to {p['end']}".replace("T", " ") for p in value)
    return ", ".join(value)


def test_deeply_nested_bodies_on_every_route_never_get_a_5xx(scene):
    sweep = Sweep(scene)
    for method, template, _ in routes():
        if method == "GET":
            continue
        for body in DEEP_BODIES:
            response = sweep.call(method, fill(template, scene["path"]), raw=body)
            if template.startswith("/v1/") and response.status_code >= 400:
                assert set(response.json_body) == {"error"}, (method, template, response.body[:200])
    assert sweep.failures == []


@pytest.mark.parametrize("body", DEEP_BODIES, ids=("arrays", "objects", "closed arrays"))
def test_a_deeply_nested_booking_is_a_400_in_the_error_shape(api, salon_id, body):
    response = api.http.post(f"/v1/salons/{salon_id}/bookings", body=body,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "invalid_request"
    assert response.json_body["error"]["message"] == "The request body is nested too deeply (at most 32 levels)."


def test_out_of_range_dates_are_a_400_in_the_api_the_admin_api_and_the_pages(scene):
    sweep, salon_id = Sweep(scene), scene["path"]["salon_id"]
    # The public API answers in English; the owner (who follows the demo salon) reads Italian.
    for url, says in ((f"/v1/salons/{salon_id}/availability?service_id=color&date_from=0001-01-01&date_to=2026-03-25",
                       "between 2000-01-01 and 2100-12-31"),
                      ("/v1/admin/agenda?day=9999-12-31", "day deve essere tra il 2000-01-01 e il 2100-12-31.")):
        response = sweep.call("GET", url)
        assert response.status_code == 400, url
        assert response.json_body["error"]["code"] == "invalid_request"
        assert says in response.json_body["error"]["message"]
    token = scene["path"]["token"]
    pages = [f"/book/{salon_id}?service=color&staff=giulia&day=9999-12-31",
             f"/book/{salon_id}?service=color&staff=giulia&start=9999-12-31T23%3A59%3A00%2B14%3A00",
             f"/manage/{token}/reschedule?day=0001-01-01", "/owner/agenda?day=0001-01-01",
             "/owner/exports/appointments.csv?from=0001-01-01&to=2026-03-31", "/owner/waitlist?day=9999-12-31"]
    for url in pages:
        response = sweep.call("GET", url)
        assert response.status_code == 400, (url, response.status_code)
        assert response.headers["Content-Type"].startswith("text/html"), url
    assert sweep.failures == []


def test_every_unusable_phone_is_invalid_phone_in_the_api_and_the_admin_api(scene):
    sweep, salon_id, client_id = Sweep(scene), scene["path"]["salon_id"], scene["path"]["client_id"]
    for phone in ("12", 12, "x" * 40, "+39 000"):
        booking = {**BASE_BODY["/v1/salons/{salon_id}/bookings"], "client": {"name": "Anna Rossi", "phone": phone}}
        calls = [("POST", f"/v1/salons/{salon_id}/bookings", booking),
                 ("POST", f"/v1/salons/{salon_id}/waitlist", {**WAITLIST, "client": booking["client"]}),
                 ("POST", "/v1/admin/bookings", booking),
                 ("PATCH", f"/v1/admin/clients/{client_id}", {"phone": phone}),
                 ("POST", "/v1/admin/waitlist", {**WAITLIST, "name": "Anna Rossi", "phone": phone}),
                 ("PATCH", "/v1/admin/settings/salon", {"phone": phone})]
        for method, url, body in calls:
            response = sweep.call(method, url, body)
            assert response.status_code == 400, (method, url, phone, response.json_body)
            assert response.json_body["error"]["code"] == "invalid_phone", (method, url, phone, response.json_body)
