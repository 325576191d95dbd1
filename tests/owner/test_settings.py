"""Settings pages and /v1/admin/settings on DynamoDB Local, through Chalice's test client with real
sessions and CSRF tokens; plus the authorization matrix of every settings, users, audit, messages
and waitlist route (HTML and JSON). Helpers here are shared by test_users.py and test_messages.py."""
import html
import json
import re
import uuid
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest

from chalicelib import auth, wiring
from chalicelib.auth import roles
from chalicelib.domain.catalog import Service, Staff
from tests.conftest import MONDAY_MORNING
from tests.owner.test_auth import Browser, make_user, text

pytestmark = pytest.mark.dynamodb_local

TUESDAY = date(2026, 3, 24)  # the demo salon's first open day after the pinned Monday


# --- the clock and the client address: autouse, so other modules import them without naming them ---------

NOW = {"now": MONDAY_MORNING}  # move time with NOW["now"] += ...


@pytest.fixture(autouse=True)
def pinned_clock(repo):
    NOW["now"] = MONDAY_MORNING
    wiring.set_clock(lambda: NOW["now"])
    yield NOW
    wiring.set_clock(None)


@pytest.fixture(autouse=True)
def own_address(monkeypatch):
    """A client address of the test's own, so login counters never meet another test's."""
    from chalice.local import LambdaEventConverter

    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
                                                                 f".{uuid.uuid4().int % 250 + 1}")


# --- a signed-in user with JSON calls ----------------------------------------------------------------

class Signed(Browser):
    """A browser signed in as `user`, that also speaks JSON with its CSRF token."""

    def __init__(self, client, user):
        super().__init__(client)
        self.user = user
        answer = self.sign_in(user.email)
        assert answer.status_code == 303, text(answer)
        self.csrf = self.json("GET", "/v1/admin/me").json_body["csrf_token"]

    def submit(self, path: str, **fields):
        """A form post with the session's CSRF token."""
        return self.post(path, csrf=self.csrf, **fields)

    def json(self, method: str, path: str, body=None, csrf: bool = True):
        headers = {"Content-Type": "application/json"}
        if csrf and method not in ("GET", "HEAD"):
            headers["X-CSRF-Token"] = self.csrf
        raw = b"" if body is None else json.dumps(body).encode()
        return self._keep(self.client.http.request(method, path, headers=self._headers(headers), body=raw))


def signed(api, salon_id: str, role: str = roles.OWNER, staff_id: str | None = None) -> Signed:
    return Signed(api, make_user(salon_id, role, staff_id=staff_id))


def audit(salon_id: str, action: str | None = None):
    entries = auth.accounts().audit_entries(salon_id, limit=100)
    return [e for e in entries if action is None or e.action == action]


def error_of(response) -> dict:
    body = response.json_body
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"], body
    return body["error"]


def field_error(response, name: str) -> str:
    """The problem the page shows beside field `name`."""
    match = re.search(rf'<p class="err" id="e-{name}">([^<]*)</p>', text(response))
    assert match, text(response)
    return html.unescape(match.group(1))


def field_value(response, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', text(response))
    assert match, text(response)
    return html.unescape(match.group(1))


def form_of(response) -> dict[str, str]:
    """Every text field of the page's forms with the value it shows (what a browser would send back)."""
    fields = _unescaped(re.findall(r'<input id="f-[^"]*" name="([^"]+)" type="(?:text|tel|email|date)" value="([^"]*)"',
                             text(response)))
    fields.update(_unescaped(re.findall(r'<textarea id="f-[^"]*" name="([^"]+)"[^>]*>([^<]*)</textarea>',
                                        text(response))))
    for name, options in re.findall(r'<select id="f-[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', text(response), re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        fields[name] = chosen.group(1) if chosen else ""
    fields.update((name, "1") for name in re.findall(r'name="([^"]+)" value="1" checked', text(response)))
    return fields


def _unescaped(pairs) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in pairs}


@pytest.fixture
def owner(api, salon_id) -> Signed:
    return signed(api, salon_id)


def slots(api, salon_id: str, day: date = TUESDAY, service: str = "haircut") -> list[str]:
    response = api.http.get(f"/v1/salons/{salon_id}/availability?service_id={service}&date_from={day}&date_to={day}")
    assert response.status_code == 200, response.body
    return [s["start"][11:16] for s in response.json_body["slots"]]


# --- the authorization matrix: every route of this area ------------------------------------------------

AREA = {  # path prefix -> the permission its routes need (None: any signed-in user)
    "/owner/settings": roles.SETTINGS, "/v1/admin/settings": roles.SETTINGS,
    "/owner/users": roles.USERS, "/v1/admin/users": roles.USERS,
    "/owner/audit": roles.AUDIT, "/v1/admin/audit": roles.AUDIT,
    "/owner/messages": roles.MESSAGES, "/v1/admin/messages": roles.MESSAGES, "/v1/admin/inbox": roles.MESSAGES,
    "/v1/admin/broadcasts": roles.MESSAGES,
    "/owner/waitlist": roles.WAITLIST, "/v1/admin/waitlist": roles.WAITLIST,
    "/v1/admin/me": None,
}
DUMMY = {"service_id": "nope", "staff_id": "nope", "user_id": "01JNOPE0000000000000000000", "first_day": "2026-03-24",
         "entry_id": "01JNOPE0000000000000000000", "broadcast_id": "01JNOPE0000000000000000000"}


def area_routes() -> list[tuple[str, str, str | None]]:
    """(method, concrete path, permission) for every route under this area's prefixes."""
    from app import app

    found = []
    for path, methods in app.routes.items():
        prefix = next((p for p in AREA if path == p or path.startswith(p + "/")), None)
        if prefix is None:
            continue
        concrete = re.sub(r"\{(\w+)\}", lambda m: DUMMY[m.group(1)], path)
        found += [(method, concrete, AREA[prefix]) for method in methods]
    return sorted(found)


def is_api(path: str) -> bool:
    return path.startswith("/v1/")


def call(browser: Browser, method: str, path: str, csrf: str | None = None):
    """Any route, the way its clients call it: JSON with the header, or a form with the field."""
    if is_api(path):
        headers = {"Content-Type": "application/json", **({"X-CSRF-Token": csrf} if csrf else {})}
        body = b"" if method == "GET" else b"{}"
        return browser.client.http.request(method, path, headers=browser._headers(headers), body=body)
    if method == "GET":
        return browser.get(path)
    return browser.post(path, **({"csrf": csrf} if csrf else {}))


def test_the_matrix_covers_every_route_of_the_area_modules():
    from app import app
    from chalicelib.api.declared_routes import DECLARED

    mine = {(method, route.path) for route in DECLARED["owner_settings"] for method in route.methods}
    covered = {(method, path) for path, methods in app.routes.items() for method in methods
               if any(path == p or path.startswith(p + "/") for p in AREA)}
    assert mine and mine <= covered
    routes = area_routes()
    assert ("GET", "/owner/settings/hours", roles.SETTINGS) in routes
    assert ("DELETE", "/v1/admin/waitlist/2026-03-24/01JNOPE0000000000000000000", roles.WAITLIST) in routes


def test_anonymous_requests_go_to_the_login_page_or_get_401(api):
    wrong = []
    for method, path, _ in area_routes():
        response = call(Browser(api), method, path)
        if is_api(path):
            ok = response.status_code == 401 and error_of(response)["code"] == "unauthenticated"
        else:
            ok = response.status_code == 303 and response.headers["Location"].startswith("/owner/login")
        if not ok:
            wrong.append((method, path, response.status_code))
    assert wrong == []


def test_forged_and_expired_sessions_are_anonymous(api, salon_id):
    forged = Browser(api)
    forged.jar["__Host-chairtime_session"] = "A" * 43 + "." + "B" * 43
    expired = signed(api, salon_id)
    NOW["now"] += timedelta(hours=12)
    wrong = []
    for browser in (forged, expired):
        for method, path, _ in area_routes():
            response = call(browser, method, path, getattr(browser, "csrf", None))
            expected = 401 if is_api(path) else 303
            if response.status_code != expected:
                wrong.append((method, path, response.status_code))
    assert wrong == []


@pytest.mark.parametrize("role", [roles.FRONT_DESK, roles.STAFF, roles.OWNER])
def test_each_role_gets_exactly_the_routes_its_permissions_allow(api, salon_id, role):
    user = signed(api, salon_id, role, staff_id="giulia" if role == roles.STAFF else None)
    wrong = []
    for method, path, permission in area_routes():
        response = call(user, method, path, user.csrf)
        allowed = permission is None or roles.can(role, permission)
        if allowed != (response.status_code not in (401, 403)) or response.status_code >= 500:
            wrong.append((method, path, response.status_code))
        if not allowed and is_api(path) and error_of(response)["code"] != "forbidden":
            wrong.append((method, path, "not forbidden"))
    assert wrong == []
    assert user.get("/owner").status_code == 200  # still signed in: nothing above ended the session


def test_changes_without_the_csrf_token_are_refused(api, salon_id):
    owner = signed(api, salon_id)
    wrong = []
    for method, path, _ in area_routes():
        if method == "GET":
            continue
        for token in (None, "forged-token"):
            response = call(owner, method, path, token)
            if response.status_code != 403 or (is_api(path) and error_of(response)["code"] != "csrf_failed"):
                wrong.append((method, path, token, response.status_code))
    assert wrong == []


@pytest.fixture
def other_salon(repo, api):
    """Salon B, with a user, a service, a staff member and a waitlist entry of its own."""
    from local.demo import seed

    salon_b = f"demo-{uuid.uuid4().hex[:10]}"
    seed(repo, salon_b)
    tag = uuid.uuid4().hex[:6]
    repo.save_service(salon_b, Service(f"b-svc-{tag}", "B only", 30, 0, Decimal("10")))
    repo.save_staff(salon_b, Staff(f"b-staff-{tag}", "B only", ("haircut",)))
    from chalicelib.services import waitlist

    request = waitlist.WaitlistRequest(salon_b, "haircut", TUESDAY, TUESDAY, "Bea", "+39 333 765 4321")
    entry = waitlist.join(repo, request, wiring.now())
    return {"salon": salon_b, "user": make_user(salon_b, roles.FRONT_DESK), "service": f"b-svc-{tag}",
            "staff": f"b-staff-{tag}", "entry": entry}


def test_a_user_of_one_salon_never_reaches_another_salons_things(api, repo, salon_id, other_salon):
    owner = signed(api, salon_id)
    b = other_salon
    service, staff, user = b["service"], b["staff"], b["user"].id
    entry = f"{b['entry'].first_day.isoformat()}/{b['entry'].id}"
    attempts = [
        ("GET", f"/owner/settings/services/{service}"), ("POST", f"/owner/settings/services/{service}"),
        ("POST", f"/owner/settings/services/{service}/active"), ("GET", f"/owner/settings/staff/{staff}"),
        ("POST", f"/owner/settings/staff/{staff}"), ("POST", f"/owner/settings/staff/{staff}/active"),
        ("GET", f"/owner/users/{user}"), ("POST", f"/owner/users/{user}/role"),
        ("POST", f"/owner/users/{user}/active"), ("POST", f"/owner/users/{user}/password"),
        ("POST", f"/owner/waitlist/{entry}/remove"),
        ("GET", f"/v1/admin/settings/services/{service}"), ("PATCH", f"/v1/admin/settings/services/{service}"),
        ("GET", f"/v1/admin/settings/staff/{staff}"), ("PATCH", f"/v1/admin/settings/staff/{staff}"),
        ("GET", f"/v1/admin/users/{user}"), ("PATCH", f"/v1/admin/users/{user}"),
        ("POST", f"/v1/admin/users/{user}/password"), ("DELETE", f"/v1/admin/waitlist/{entry}"),
    ]
    wrong = []
    for method, path in attempts:
        if is_api(path):
            response = owner.json(method, path, {"active": False} if method == "PATCH" else None)
        elif method == "GET":
            response = owner.get(path)
        else:
            response = owner.submit(path, active="0", role="staff", name="Taken over", duration_minutes="30",
                                    buffer_minutes="0", price="1")
        if response.status_code != 404:
            wrong.append((method, path, response.status_code))
    assert wrong == []
    # B is untouched: its service and staff are active, its user is active with the same role, its entry is there.
    _, catalog_b = repo.load_salon(b["salon"])
    assert next(s for s in catalog_b.services if s.id == service).active
    assert next(s for s in catalog_b.staff if s.id == staff).name == "B only"
    b_user = auth.accounts().get_user(b["user"].email)
    assert b_user.active and b_user.role == roles.FRONT_DESK and b_user.session_generation == 0
    assert [e.id for e in repo.waitlist_covering(b["salon"], TUESDAY, 30)] == [b["entry"].id]
    # And B's users, services and staff never appear in A's lists.
    assert user not in text(owner.get("/owner/users"))
    assert service not in json.dumps(owner.json("GET", "/v1/admin/settings").json_body)
    assert audit(b["salon"], "settings_changed") == []


# --- the salon page ---------------------------------------------------------------------------------

def test_the_salon_page_saves_and_audits_what_changed(owner, repo, salon_id):
    page = owner.get("/owner/settings/salon")
    assert page.status_code == 200 and "<script" not in text(page)
    values = {**form_of(page), "name": "Studio Nuovo", "timezone": "Europe/Warsaw", "locale": "pl"}
    response = owner.submit("/owner/settings/salon", **values)
    assert response.status_code == 303 and response.headers["Location"] == "/owner/settings/salon?done=saved"
    assert "Saved." in text(owner.get(response.headers["Location"]))
    salon, _ = repo.load_salon(salon_id)
    assert (salon.name, salon.timezone, salon.locale) == ("Studio Nuovo", "Europe/Warsaw", "pl")
    [entry] = audit(salon_id, "settings_changed")
    assert entry.actor_user_id == owner.user.id and entry.target == "settings:salon"
    assert entry.details["changes"] == {"name": "Studio Demo → Studio Nuovo", "timezone": "Europe/Rome → Europe/Warsaw",
                                        "locale": "it → pl"}
    again = owner.submit("/owner/settings/salon", **values)
    assert again.headers["Location"].endswith("done=unchanged") and len(audit(salon_id, "settings_changed")) == 1


@pytest.mark.parametrize("field, value, problem", [
    ("timezone", "Europe/Atlantis", "Unknown time zone"),
    ("timezone", "localtime", "Unknown time zone"),
    ("country", "XX", "two-letter ISO country code"),
    ("currency", "EURO", "three-letter ISO 4217 code"),
    ("phone", "12", "not a"),
    ("name", "", "Fill this in."),
    ("locale", "de", "Choose one of"),
])
def test_the_salon_page_refuses_bad_values_beside_the_field_and_keeps_the_input(owner, repo, salon_id, field, value,
                                                                                 problem):
    values = {**form_of(owner.get("/owner/settings/salon")), field: value}
    response = owner.submit("/owner/settings/salon", **values)
    assert response.status_code == 400
    assert problem in field_error(response, field)
    assert 'aria-invalid="true"' in text(response) and "Nothing was saved" in text(response)
    if field not in ("locale",):
        assert field_value(response, field) == value
    assert repo.load_salon(salon_id)[0].name == "Studio Demo" and audit(salon_id, "settings_changed") == []


# --- opening hours ----------------------------------------------------------------------------------

def test_changing_the_hours_changes_public_availability_at_once(api, owner, salon_id, repo):
    before = slots(api, salon_id)
    assert before[0] == "09:00" and "13:00" not in before and "14:00" in before
    values = {**form_of(owner.get("/owner/settings/hours")), "hours_tue": "10:00-12:00, 15:00-16:00"}
    assert owner.submit("/owner/settings/hours", **values).status_code == 303
    after = slots(api, salon_id)
    assert after[0] == "10:00" and after[-1] == "15:30" and "12:00" not in after and "14:00" not in after
    [entry] = audit(salon_id, "settings_changed")
    assert entry.details["changes"] == {"hours_tue": "09:00-13:00, 14:00-19:00 → 10:00-12:00, 15:00-16:00"}
    # A closed date empties the day; an empty weekday closes it every week.
    assert owner.submit("/owner/settings/hours", **{**values, "closed_dates": "2026-03-24"}).status_code == 303
    assert slots(api, salon_id) == []
    assert owner.submit("/owner/settings/hours", **{**values, "hours_wed": ""}).status_code == 303
    assert slots(api, salon_id, TUESDAY + timedelta(days=1)) == [] and slots(api, salon_id) != []


@pytest.mark.parametrize("field, value, problem", [
    ("hours_tue", "13:00-09:00", "ends after it starts"),
    ("hours_tue", "09:00-13:00, 12:00-15:00", "overlap"),
    ("hours_tue", "nine to five", "not an interval"),
    ("hours_tue", "09:00-25:00", "not an interval"),
    ("closed_dates", "2026-02-30", "not a date"),
])
def test_bad_hours_are_refused_beside_their_day(owner, repo, salon_id, field, value, problem):
    values = {**form_of(owner.get("/owner/settings/hours")), field: value}
    response = owner.submit("/owner/settings/hours", **values)
    assert response.status_code == 400 and problem in field_error(response, field)
    assert field_value(response, field) == value if field.startswith("hours") else value in text(response)
    assert repo.load_salon(salon_id)[0].intervals_on(TUESDAY)[0].start.hour == 9


# --- booking rules and policies ---------------------------------------------------------------------

@pytest.mark.parametrize("value, problem", [("7", "multiple of 5"), ("0", "from 5 to 120"), ("125", "from 5 to 120"),
                                            ("ten", "whole number")])
def test_the_slot_size_must_be_a_multiple_of_five_from_5_to_120(owner, value, problem):
    values = {**form_of(owner.get("/owner/settings/booking")), "slot_minutes": value}
    response = owner.submit("/owner/settings/booking", **values)
    assert response.status_code == 400 and problem in field_error(response, "slot_minutes")


def test_a_new_slot_size_changes_the_offered_times(api, owner, salon_id):
    values = {**form_of(owner.get("/owner/settings/booking")), "slot_minutes": "30"}
    assert owner.submit("/owner/settings/booking", **values).status_code == 303
    assert slots(api, salon_id)[:3] == ["09:00", "09:30", "10:00"]
    [entry] = audit(salon_id, "settings_changed")
    assert entry.details["changes"] == {"slot_minutes": "15 → 30"}


def test_policies_are_saved_with_the_staff_notes_flag(owner, repo, salon_id):
    values = {**form_of(owner.get("/owner/settings/policies")), "late_cancel_fee": "10,50", "no_show_fee": "20",
              "allowed_countries": "it, sm", "staff_see_notes": "1", "send_from": "08:30"}
    values.pop("confirmations", None)  # unticked
    assert owner.submit("/owner/settings/policies", **values).status_code == 303
    policy = repo.load_salon(salon_id)[0].policy
    assert policy.staff_see_notes is True and policy.confirmations is False
    assert (policy.late_cancel_fee, policy.no_show_fee) == (Decimal("10.50"), Decimal("20"))
    assert policy.allowed_countries == ("IT", "SM") and policy.send_from.strftime("%H:%M") == "08:30"
    changes = audit(salon_id, "settings_changed")[0].details["changes"]
    assert changes["staff_see_notes"] == "no → yes" and changes["confirmations"] == "yes → no"
    assert changes["late_cancel_fee"] == "(none) → 10.50"
    page = owner.get("/owner/settings/policies")
    assert 'name="staff_see_notes" value="1" checked' in text(page)


@pytest.mark.parametrize("field, value, problem", [
    ("late_cancel_fee", "-5", "cannot be negative"),
    ("no_show_fee", "12.345", "amount like"),
    ("allowed_countries", "IT, XX", "Unknown country code XX"),
    ("send_until", "08:00", "must end after it starts"),
    ("send_from", "9am", "time like 09:30"),
    ("restrict_at", "1", "warning's no-show or later"),
    ("phone_daily_cap", "0", "from 1 to 100"),
])
def test_bad_policies_are_refused_beside_the_field(owner, repo, salon_id, field, value, problem):
    values = {**form_of(owner.get("/owner/settings/policies")), field: value}
    response = owner.submit("/owner/settings/policies", **values)
    assert response.status_code == 400 and problem in field_error(response, field)
    assert repo.load_salon(salon_id)[0].policy.late_cancel_fee is None


# --- services and staff -----------------------------------------------------------------------------

def public_services(api, salon_id) -> list[str]:
    return [s["id"] for s in api.http.get(f"/v1/salons/{salon_id}/services").json_body["services"]]


def test_a_new_service_is_offered_and_a_deactivated_one_disappears(api, owner, salon_id):
    created = owner.submit("/owner/settings/services", name="Piega lunga", duration_minutes="45",
                           buffer_minutes="15", price="32.50", recall_days="")
    assert created.status_code == 303
    assert created.headers["Location"] == "/owner/settings/services/piega-lunga?done=created"
    assert "piega-lunga" in public_services(api, salon_id)
    twin = owner.submit("/owner/settings/services", name="Piega lunga", duration_minutes="30", buffer_minutes="0",
                        price="20")
    assert twin.headers["Location"].startswith("/owner/settings/services/piega-lunga-2?")
    off = owner.submit("/owner/settings/services/haircut/active", active="0")
    assert off.headers["Location"] == "/owner/settings/services/haircut?done=deactivated"
    assert "haircut" not in public_services(api, salon_id)
    assert "Inactive" in text(owner.get("/owner/settings/services"))
    assert owner.submit("/owner/settings/services/haircut/active", active="1").status_code == 303
    assert "haircut" in public_services(api, salon_id)
    actions = Counter(e.action for e in audit(salon_id))  # one pinned instant: their order is arbitrary
    assert (actions["service_created"], actions["service_deactivated"], actions["service_activated"]) == (2, 1, 1)


def test_editing_a_service_audits_before_and_after(owner, repo, salon_id):
    values = {**form_of(owner.get("/owner/settings/services/haircut")), "price": "30"}
    assert owner.submit("/owner/settings/services/haircut", **values).status_code == 303
    assert next(s for s in repo.load_salon(salon_id)[1].services if s.id == "haircut").price == Decimal("30")
    [entry] = audit(salon_id, "service_changed")
    assert entry.details == {"name": "Taglio donna", "changes": {"price": "28.00 → 30"}}


@pytest.mark.parametrize("field, value, problem", [
    ("buffer_minutes", "60", "at most 8 hours"),
    ("price", "-1", "cannot be negative"),
    ("price", "", "Fill this in"),
    ("duration_minutes", "0", "from 5 to 480"),
    ("recall_days", "soon", "whole number"),
])
def test_bad_services_are_refused(owner, field, value, problem):
    values = {"name": "Lunghissimo", "duration_minutes": "450", "buffer_minutes": "0", "price": "100",
              "recall_days": "", field: value}
    response = owner.submit("/owner/settings/services", **values)
    assert response.status_code == 400 and problem in field_error(response, field)


def test_staff_are_created_with_services_own_hours_clipped_and_time_off(api, owner, repo, salon_id):
    response = owner.submit("/owner/settings/staff", name="Sara", svc_haircut="1", own_hours="1",
                            hours_tue="08:00-12:00", hours_mon="10:00-12:00",
                            time_off="2026-03-31 to 2026-04-01\n2026-03-25 14:00 to 2026-03-25 18:00")
    assert response.status_code == 303 and response.headers["Location"] == "/owner/settings/staff/sara?done=clipped"
    sara = next(s for s in repo.load_salon(salon_id)[1].staff if s.id == "sara")
    assert sara.service_ids == ("haircut",)
    assert {day: [str(r) for r in ranges] for day, ranges in sara.hours.items()} == {1: ["09:00-12:00"]}
    assert [(p.start.isoformat(), p.end.isoformat()) for p in sara.time_off] == [
        ("2026-03-25T14:00:00", "2026-03-25T18:00:00"), ("2026-03-31T00:00:00", "2026-04-02T00:00:00")]
    page = owner.get(response.headers["Location"])
    assert "Hours outside the salon's opening hours were left out" in html.unescape(text(page))
    assert form_of(page)["time_off"] == "2026-03-25 14:00 to 2026-03-25 18:00\n2026-03-31 to 2026-04-01"
    sara_slots = api.http.get(f"/v1/salons/{salon_id}/availability?service_id=haircut&date_from={TUESDAY}"
                              f"&date_to={TUESDAY}&staff_id=sara").json_body["slots"]
    assert sara_slots[0]["start"][11:16] == "09:00" and sara_slots[-1]["start"][11:16] == "11:30"
    off = owner.submit("/owner/settings/staff/sara/active", active="0")
    assert off.status_code == 303
    assert "sara" not in [s["id"] for s in api.http.get(f"/v1/salons/{salon_id}/staff").json_body["staff"]]
    assert {"staff_deactivated", "staff_created"} <= {e.action for e in audit(salon_id)}


def test_editing_staff_audits_readable_changes(owner, salon_id):
    values = {**form_of(owner.get("/owner/settings/staff/giulia")), "time_off": "2026-04-06"}
    assert values.pop("svc_haircut") == "1"
    assert owner.submit("/owner/settings/staff/giulia", **values).status_code == 303
    [entry] = audit(salon_id, "staff_changed")
    assert entry.details == {"name": "Giulia", "changes": {
        "services": "Taglio donna, Colore, Trattamento viso → Colore, Trattamento viso",
        "time_off": "(none) → 2026-04-06"}}
    assert owner.submit("/owner/settings/staff/giulia/active", active="0").status_code == 303
    [off] = audit(salon_id, "staff_deactivated")
    assert off.details["changes"] == {"active": "yes → no"}


@pytest.mark.parametrize("field, value, problem", [
    ("time_off", "2026-04-10 to 2026-04-01", "not a period"),
    ("time_off", "next week", "not a period"),
    ("hours_fri", "12:00-10:00", "ends after it starts"),
    ("name", "", "Fill this in"),
])
def test_bad_staff_are_refused(owner, field, value, problem):
    values = {"name": "Sara", "svc_haircut": "1", "own_hours": "1", "hours_fri": "09:00-12:00", field: value}
    response = owner.submit("/owner/settings/staff", **values)
    assert response.status_code == 400 and problem in field_error(response, field)


# --- the same as JSON -------------------------------------------------------------------------------

def test_settings_as_json_read_and_patch(api, owner, salon_id):
    everything = owner.json("GET", "/v1/admin/settings")
    assert everything.status_code == 200 and everything.headers["Cache-Control"] == "no-store"
    body = everything.json_body
    assert body["salon"]["timezone"] == "Europe/Rome" and body["booking"]["slot_minutes"] == 15
    assert body["hours"]["hours"]["tue"] == ["09:00-13:00", "14:00-19:00"] and body["policies"]["warn_at"] == 2
    assert body["policies"]["staff_see_notes"] is False and body["policies"]["late_cancel_fee"] is None
    assert {s["id"] for s in body["services"]} == {"haircut", "manicure", "color", "facial"}
    patched = owner.json("PATCH", "/v1/admin/settings/hours", {"hours": {"tue": ["10:00-11:00"]}})
    assert patched.status_code == 200 and patched.json_body["hours"] == {"tue": ["10:00-11:00"]}
    assert slots(api, salon_id) == ["10:00", "10:15", "10:30"]
    policies = owner.json("PATCH", "/v1/admin/settings/policies", {"staff_see_notes": True, "no_show_fee": "15"})
    assert policies.json_body["staff_see_notes"] is True and policies.json_body["no_show_fee"] == "15"
    assert policies.json_body["send_from"] == "09:00"  # untouched fields keep their value


@pytest.mark.parametrize("path, body, field", [
    ("/v1/admin/settings/booking", {"slot_minutes": 7}, "slot_minutes"),
    ("/v1/admin/settings/salon", {"timezone": "Mars/Olympus"}, "timezone"),
    ("/v1/admin/settings/policies", {"late_cancel_fee": "-1"}, "late_cancel_fee"),
    ("/v1/admin/settings/policies", {"allowed_countries": ["IT", "ZZ"]}, "allowed_countries"),
    ("/v1/admin/settings/hours", {"hours": {"mon": ["09:00-12:00", "11:00-13:00"]}}, "hours_mon"),
])
def test_json_field_errors_name_the_field(owner, path, body, field):
    response = owner.json("PATCH", path, body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_request" and field in error["fields"]


@pytest.mark.parametrize("body", [{"colour": "red"}, [1, 2], {"slot_minutes": {"a": 1}}, "text"])
def test_json_bodies_that_are_not_the_section_are_refused(owner, body):
    response = owner.json("PATCH", "/v1/admin/settings/booking", body)
    assert response.status_code == 400 and error_of(response)["code"] == "invalid_request"


def test_services_and_staff_as_json(api, owner, salon_id):
    created = owner.json("POST", "/v1/admin/settings/services", {"name": "Brow lift", "duration_minutes": 40,
                                                                  "price": "45.00"})
    assert created.status_code == 201 and created.json_body["id"] == "brow-lift"
    assert created.json_body["buffer_minutes"] == 0 and created.json_body["recall_days"] is None
    off = owner.json("PATCH", "/v1/admin/settings/services/brow-lift", {"active": False, "price": 50})
    assert off.json_body["active"] is False and off.json_body["price"] == "50"
    assert "brow-lift" not in public_services(api, salon_id)
    too_long = owner.json("PATCH", "/v1/admin/settings/services/color", {"duration_minutes": 470})
    assert too_long.status_code == 400 and "buffer_minutes" in error_of(too_long)["fields"]
    staff = owner.json("POST", "/v1/admin/settings/staff", {
        "name": "Luca", "service_ids": ["color"], "hours": {"tue": ["14:00-20:00"]},
        "time_off": [{"start": "2026-04-01T00:00", "end": "2026-04-03T00:00"}]})
    assert staff.status_code == 201, staff.json_body
    assert staff.json_body["hours"] == {"tue": ["14:00-19:00"]} and staff.json_body["service_ids"] == ["color"]
    unknown = owner.json("PATCH", "/v1/admin/settings/staff/luca", {"service_ids": ["laser"]})
    assert unknown.status_code == 400 and "service_ids" in error_of(unknown)["fields"]
    assert owner.json("GET", "/v1/admin/settings/staff/luca").json_body["time_off"] == [
        {"start": "2026-04-01T00:00", "end": "2026-04-03T00:00"}]
