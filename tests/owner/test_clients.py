"""Clients on the owner side (HTML and /v1/admin JSON) on DynamoDB Local, through Chalice's test
client with real sessions and CSRF tokens: search, the file, edits, access, the no-show revert,
and who may reach what."""
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from chalicelib import auth, wiring
from chalicelib.auth import roles
from chalicelib.domain.errors import IllegalTransition
from chalicelib.services import attendance, booking
from chalicelib.services.salons import load_salon
from tests.owner.test_auth import Browser, client_address, hidden, make_user, text  # noqa: F401 - a fixture

pytestmark = pytest.mark.dynamodb_local

TUESDAY_10 = datetime(2026, 3, 24, 9, 0, tzinfo=UTC)  # 10:00 in Rome; the clock starts on Monday 09:00
PHONE = "+39 333 123 4567"
E164 = "+393331234567"
JSON = {"Content-Type": "application/json"}


# --- helpers ---------------------------------------------------------------------------------------

def book(salon_id, name="Élodie Rossi", phone=PHONE, start=TUESDAY_10, staff="giulia", service="haircut",
         notes=""):
    request = booking.BookingRequest(salon_id=salon_id, service_id=service, start=start, name=name, phone=phone,
                                     staff_id=staff, notes=notes)
    return booking.book(wiring.repository(), request, wiring.now(), base_url="https://book.example").appointment


def sign_in(api, salon_id, role=roles.OWNER, staff_id=None) -> Browser:
    user = make_user(salon_id, role, staff_id=staff_id)
    browser = Browser(api)
    assert browser.sign_in(user.email).status_code == 303
    browser.user = user
    browser.csrf = hidden(browser.get("/owner"), "csrf")
    return browser


def call(browser, method, path, body=None, csrf=True):
    """A JSON request with the browser's session (and its CSRF token unless `csrf` is False)."""
    headers = {**JSON, **({"X-CSRF-Token": browser.csrf} if csrf else {})}
    raw = json.dumps(body).encode() if body is not None else b""
    return browser.client.http.request(method, path, headers=browser._headers(headers), body=raw)


def form(browser, path, csrf=True, **fields):
    return browser.post(path, **({"csrf": browser.csrf} if csrf else {}), **fields)


def client_of(appt):
    return wiring.repository().get_client(appt.salon_id, appt.client_id)


def audit(salon_id, action):
    return [e for e in auth.accounts().audit_entries(salon_id, limit=100) if e.action == action]


@pytest.fixture
def owner(api, salon_id, clock):
    return sign_in(api, salon_id)


# --- search ------------------------------------------------------------------------------------

def test_search_by_name_prefix_folds_case_and_accents_and_finds_a_word_inside(owner, salon_id):
    elodie = book(salon_id)
    book(salon_id, "Marco Bianchi", "+39 333 765 4321", TUESDAY_10 + timedelta(hours=1))
    for q in ("elo", "ÉLODIE r", "  elodie   rossi "):
        page = text(owner.get(f"/owner/clients?q={quote(q)}"))
        assert f'href="/owner/clients/{elodie.client_id}"' in page and "Élodie Rossi" in page, q
        assert "Marco Bianchi" not in page
    surname = text(owner.get("/owner/clients?q=ross"))
    assert "Élodie Rossi" in surname and "a word of the name" in surname
    assert "No client matches" in text(owner.get("/owner/clients?q=zz"))
    found = call(owner, "GET", "/v1/admin/clients?q=elodie").json_body
    assert found["match"] == "name" and [c["id"] for c in found["clients"]] == [elodie.client_id]
    assert found["clients"][0]["phone"] == E164


def test_search_by_full_phone_in_any_format_and_by_a_few_digits(owner, salon_id):
    elodie = book(salon_id)
    book(salon_id, "Marco Bianchi", "+39 347 000 1111", TUESDAY_10 + timedelta(hours=1))
    for q in ("3331234567", "+39 333-123-4567", "0039 333 1234567", "(333) 123 45 67"):
        found = call(owner, "GET", f"/v1/admin/clients?q={quote(q)}").json_body
        assert found["match"] == "phone" and [c["id"] for c in found["clients"]] == [elodie.client_id], q
    last = call(owner, "GET", "/v1/admin/clients?q=4567").json_body
    assert last["match"] == "digits" and [c["id"] for c in last["clients"]] == [elodie.client_id]
    assert len(call(owner, "GET", "/v1/admin/clients?q=333").json_body["clients"]) == 1
    assert "Type at least 3 digits" in text(owner.get("/owner/clients?q=45"))
    assert call(owner, "GET", "/v1/admin/clients?q=45").status_code == 400
    assert "Élodie Rossi" in text(owner.get("/owner/clients?q=" + quote("+39 333 123 4567")))


# --- the file ----------------------------------------------------------------------------------

def test_the_file_shows_contact_counters_and_both_histories_newest_first(owner, salon_id):
    first = book(salon_id, notes="Short please")
    later = book(salon_id, start=TUESDAY_10 + timedelta(days=2), service="color")
    response = owner.get(f"/owner/clients/{first.client_id}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = text(response)
    assert '<a href="tel:+393331234567">' in page and "No-shows" in page and "Fees owed" in page
    assert page.index("Colore") < page.index("Taglio donna")  # newest first
    assert "Texts sent" in page and "<script" not in page
    file = call(owner, "GET", f"/v1/admin/clients/{first.client_id}").json_body
    assert [a["id"] for a in file["appointments"]] == [later.id, first.id]
    assert file["appointments"][1]["client_note"] == "Short please"
    assert file["client"]["notes"] == "" and file["can"] == {"edit": True, "notes": True, "export": True,
                                                            "erase": True}
    assert {m["kind"] for m in file["messages"]} >= {"booking_confirmation"}


def test_notes_are_hidden_from_staff_unless_the_salon_allows_them(api, owner, salon_id, repo):
    appt = book(salon_id)  # with Giulia
    path = f"/owner/clients/{appt.client_id}"
    assert form(owner, f"{path}/notes", notes="Formula 7G\r\nnot too hot", allergies="Nickel").status_code == 303
    assert client_of(appt).notes == "Formula 7G\nnot too hot"
    giulia = sign_in(api, salon_id, roles.STAFF, staff_id="giulia")
    page = text(giulia.get(path))
    assert "Élodie Rossi" in page
    for secret in ("Formula 7G", "Nickel", "Private notes", "Allergies", f"{path}/notes", "Texts sent"):
        assert secret not in page
    file = call(giulia, "GET", f"/v1/admin/clients/{appt.client_id}").json_body
    assert "notes" not in file["client"] and "allergies" not in file["client"] and "messages" not in file
    assert form(giulia, f"{path}/notes", notes="mine").status_code == 403
    assert call(giulia, "PATCH", f"/v1/admin/clients/{appt.client_id}", {"notes": "x"}).status_code == 403
    salon, _ = load_salon(repo, salon_id)
    repo.save_salon(replace(salon, policy=replace(salon.policy, staff_see_notes=True)))
    assert "Formula 7G" in text(giulia.get(path)) and "Nickel" in text(giulia.get(path))
    assert form(giulia, f"{path}/notes", notes="Formula 8G", allergies="Nickel").status_code == 303
    assert client_of(appt).notes == "Formula 8G"
    assert form(giulia, f"{path}/contact", name="X", phone=PHONE).status_code == 403  # contact: not staff's


def test_edits_are_audited_with_field_names_only(owner, salon_id, clock):
    appt = book(salon_id)
    path = f"/owner/clients/{appt.client_id}"
    form(owner, f"{path}/notes", notes="Secret formula 7G", allergies="")
    clock["now"] += timedelta(seconds=1)  # audit entries of one millisecond have no order
    form(owner, f"{path}/contact", name="Élodie Rossi-Bruni", phone="+39 333 999 0000", email="e@example.com",
         locale="en")
    clock["now"] += timedelta(seconds=1)
    form(owner, f"{path}/consent", recall_consent="1")
    changes = audit(salon_id, "client_updated")
    assert [e.details["fields"] for e in changes] == [["recall_consent"], ["name", "phone", "email", "locale"],
                                                        ["notes"]]
    assert all(e.actor_user_id == owner.user.id and e.target == f"client:{appt.client_id}" for e in changes)
    logged = json.dumps([e.details for e in changes])
    assert "Secret" not in logged and "3339990000" not in logged and "999" not in logged
    client = client_of(appt)
    assert (client.name, client.phone, client.email, client.locale, client.recall_consent) == (
        "Élodie Rossi-Bruni", "+393339990000", "e@example.com", "en", True)
    assert "Contact details saved." in text(owner.get(f"{path}?done=contact"))
    form(owner, f"{path}/contact", name="Élodie Rossi-Bruni", phone="+393339990000", email="e@example.com",
         locale="en")
    assert len(audit(salon_id, "client_updated")) == 3  # nothing changed: nothing audited


def test_a_new_name_is_found_by_search_and_the_old_one_is_not(owner, salon_id):
    appt = book(salon_id)
    call(owner, "PATCH", f"/v1/admin/clients/{appt.client_id}", {"name": "Zoë Verdi"})
    assert [c["id"] for c in call(owner, "GET", "/v1/admin/clients?q=zoe").json_body["clients"]] == [appt.client_id]
    assert call(owner, "GET", "/v1/admin/clients?q=elodie").json_body["clients"] == []


def test_a_phone_change_moves_the_claim_and_another_clients_phone_is_refused(owner, salon_id, repo):
    anna = book(salon_id, "Anna Neri")
    marco = book(salon_id, "Marco Bianchi", "+39 347 000 1111", TUESDAY_10 + timedelta(hours=1))
    anna_path = f"/owner/clients/{anna.client_id}"
    moved = form(owner, f"{anna_path}/contact", name="Anna Neri", phone="347 222 3333", email="", locale="")
    assert moved.status_code == 303 and moved.headers["Location"] == f"{anna_path}?done=contact#contact"
    assert repo.client_id_for_phone(salon_id, "+393472223333") == anna.client_id
    assert repo.client_id_for_phone(salon_id, E164) is None  # the old number is free again
    taken = form(owner, f"/owner/clients/{marco.client_id}/contact", name="Marco Bianchi", phone="+39 347 222 3333",
                 email="", locale="")
    assert taken.status_code == 409 and "Another client already has this phone number" in text(taken)
    assert 'value="+39 347 222 3333"' in text(taken)  # what was typed comes back
    answer = call(owner, "PATCH", f"/v1/admin/clients/{marco.client_id}", {"phone": "+393472223333"})
    assert answer.status_code == 409 and answer.json_body["error"]["code"] == "phone_taken"
    assert client_of(marco).phone == "+393470001111" and repo.client_id_for_phone(salon_id, "+393470001111")
    bad = call(owner, "PATCH", f"/v1/admin/clients/{marco.client_id}", {"phone": "12345"})
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "invalid_phone"
    assert form(owner, f"/owner/clients/{marco.client_id}/contact", name="", phone="+393470001111", email="",
                locale="").status_code == 400


def test_a_phone_change_from_a_stale_file_changes_nothing(salon_id, repo, clock):
    before = client_of(book(salon_id))
    repo.update_client(salon_id, before, replace(before, phone="+393470001111"))
    with pytest.raises(IllegalTransition) as refused:
        repo.update_client(salon_id, before, replace(before, phone="+393472223333", name="Someone"))
    assert refused.value.code == "client_changed"
    assert repo.client_id_for_phone(salon_id, "+393472223333") is None
    assert repo.client_id_for_phone(salon_id, "+393470001111") == before.id
    assert repo.get_client(salon_id, before.id).name == "Élodie Rossi"


def test_patch_validates_its_body(owner, salon_id):
    appt = book(salon_id)
    path = f"/v1/admin/clients/{appt.client_id}"
    for body, code in (({}, "invalid_request"), ({"recall_consent": "yes"}, "invalid_request"),
                       ({"color": "red"}, "invalid_request"), ({"email": "not-an-email"}, "invalid_request"),
                       ({"locale": "xx"}, "invalid_request"), ([1], "invalid_request")):
        answer = call(owner, "PATCH", path, body)
        assert answer.status_code == 400 and answer.json_body["error"]["code"] == code, body
    done = call(owner, "PATCH", path, {"recall_consent": True, "email": "a@b.it", "allergies": "latex"}).json_body
    assert done["client"]["recall_consent"] is True and done["client"]["allergies"] == "latex"
    assert call(owner, "PATCH", path, {"email": ""}).json_body["client"]["email"] is None


# --- online-booking access ---------------------------------------------------------------------

def public_booking(api, salon_id, start, phone=PHONE):
    body = {"service_id": "haircut", "staff_id": "marco", "start": start.isoformat(),
            "client": {"name": "Élodie Rossi", "phone": phone}}
    return api.http.post(f"/v1/salons/{salon_id}/bookings", body=json.dumps(body).encode(), headers=JSON)


def test_restrict_ban_and_lift_change_what_the_public_api_allows(api, owner, salon_id, repo, clock):
    appt = book(salon_id)
    access = f"/v1/admin/clients/{appt.client_id}/access"
    banned = call(owner, "POST", access, {"access": "banned"})
    assert banned.status_code == 200 and banned.json_body["client"]["access"] == "banned"
    refused = public_booking(api, salon_id, TUESDAY_10 + timedelta(hours=2))
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "booking_restricted"
    clock["now"] += timedelta(seconds=1)  # audit entries of one millisecond have no order
    assert call(owner, "POST", access, {"access": "ok"}).json_body["client"]["access"] == "ok"
    assert public_booking(api, salon_id, TUESDAY_10 + timedelta(hours=2)).status_code == 201
    clock["now"] += timedelta(seconds=1)
    form(owner, f"/owner/clients/{appt.client_id}/access", access="restricted", until="2026-06-01")
    assert client_of(appt).restricted_until.isoformat() == "2026-06-01"
    assert public_booking(api, salon_id, TUESDAY_10 + timedelta(hours=4)).status_code == 403
    assert "Restricted: phone bookings only" in text(owner.get(f"/owner/clients/{appt.client_id}"))
    past = call(owner, "POST", access, {"access": "restricted", "until": "2026-03-01"})
    assert past.status_code == 400
    assert call(owner, "POST", access, {"access": "sometimes"}).status_code == 400
    kinds = [m.kind for m in repo.client_messages(salon_id, appt.client_id)]
    assert kinds.count("ban_notice") == 1 and kinds.count("booking_restricted") == 1
    assert [e.details for e in audit(salon_id, "client_access_changed")] == [
        {"access": "restricted", "until": "2026-06-01"}, {"access": "ok", "until": None},
        {"access": "banned", "until": None}]


# --- the no-show revert ------------------------------------------------------------------------

def no_show(repo, salon_id, clock):
    """A Tuesday appointment marked a no-show after closing (the clock moves there)."""
    appt = book(salon_id)
    clock["now"] = TUESDAY_10 + timedelta(hours=9)
    salon, catalog = load_salon(repo, salon_id)
    attendance.mark_no_show(repo, salon, catalog, appt, clock["now"])
    return appt


def test_revert_no_show_restores_the_counters(api, salon_id, repo, clock):
    appt = no_show(repo, salon_id, clock)
    owner = sign_in(api, salon_id)
    assert client_of(appt).no_show_count == 1
    path = f"/owner/clients/{appt.client_id}"
    page = text(owner.get(path))
    revert = f"{path}/appointments/{appt.id}/revert-no-show"
    assert f'action="{revert}"' in page and "No-show" in page
    assert form(owner, revert).status_code == 303
    client = client_of(appt)
    assert client.no_show_count == 0 and client.no_show_days == ()
    assert repo.get_appointment(salon_id, appt.start, appt.id).status.value == "arrived"
    again = call(owner, "POST", f"/v1/admin/clients/{appt.client_id}/appointments/{appt.id}/revert-no-show")
    assert again.status_code == 409 and again.json_body["error"]["code"] == "illegal_transition"
    missing = call(owner, "POST", f"/v1/admin/clients/{appt.client_id}/appointments/nope/revert-no-show")
    assert missing.status_code == 404 and missing.json_body["error"]["code"] == "appointment_not_found"
    assert audit(salon_id, "no_show_reverted")[0].target == f"appointment:{appt.id}"


def test_revert_no_show_by_json_answers_the_appointment_and_the_file(api, salon_id, repo, clock):
    appt = no_show(repo, salon_id, clock)
    owner = sign_in(api, salon_id)
    answer = call(owner, "POST", f"/v1/admin/clients/{appt.client_id}/appointments/{appt.id}/revert-no-show")
    assert answer.status_code == 200
    assert answer.json_body["appointment"]["status"] == "arrived"
    assert answer.json_body["client"]["no_show_count"] == 0


# --- who may reach what ------------------------------------------------------------------------

# (method, path, kind, permission): every route of the Clients area. `{c}` is a client id, `{a}` an appointment id.
ROUTES = [
    ("GET", "/owner/clients?q=anna", "html", roles.CLIENTS_OWN),
    ("GET", "/owner/clients/{c}", "html", roles.CLIENTS_OWN),
    ("POST", "/owner/clients/{c}/contact", "html", roles.CLIENTS),
    ("POST", "/owner/clients/{c}/notes", "html", roles.CLIENT_NOTES),
    ("POST", "/owner/clients/{c}/consent", "html", roles.CLIENTS),
    ("POST", "/owner/clients/{c}/access", "html", roles.CLIENTS),
    ("POST", "/owner/clients/{c}/appointments/{a}/revert-no-show", "html", roles.CLIENTS),
    ("GET", "/owner/clients/{c}/export.json", "html", roles.EXPORTS),
    ("GET", "/owner/clients/{c}/erase", "html", roles.EXPORTS),
    ("POST", "/owner/clients/{c}/erase", "html", roles.EXPORTS),
    ("GET", "/owner/exports", "html", roles.EXPORTS),
    ("GET", "/owner/exports/clients.csv", "html", roles.EXPORTS),
    ("GET", "/owner/exports/appointments.csv?from=2026-03-01&to=2026-03-31", "html", roles.EXPORTS),
    ("GET", "/v1/admin/clients?q=anna", "json", roles.CLIENTS_OWN),
    ("GET", "/v1/admin/clients/{c}", "json", roles.CLIENTS_OWN),
    ("PATCH", "/v1/admin/clients/{c}", "json", roles.CLIENTS),
    ("POST", "/v1/admin/clients/{c}/access", "json", roles.CLIENTS),
    ("POST", "/v1/admin/clients/{c}/appointments/{a}/revert-no-show", "json", roles.CLIENTS),
    ("GET", "/v1/admin/clients/{c}/export", "json", roles.EXPORTS),
    ("POST", "/v1/admin/clients/{c}/erase", "json", roles.EXPORTS),
]
BODIES = {"/contact": {"name": "Anna", "phone": PHONE, "email": "", "locale": ""}, "/notes": {"notes": "n"},
          "/consent": {"recall_consent": "1"}, "/access": {"access": "banned"}, "/erase": {"confirm": "nobody"}}
JSON_BODIES = {"PATCH": {"name": "Anna"}, "/access": {"access": "banned"}, "/erase": {"confirm": "nobody"}}


def request(api, browser, method, path, kind, csrf=True, cookie=None):
    """One route as a browser or an API client would send it (`browser` None: anonymous)."""
    tail = next((t for t in BODIES if path.endswith(t)), None)
    headers = {"Cookie": cookie} if cookie else {}
    if browser is not None:
        headers = browser._headers({})
        if csrf and method != "GET":
            headers = {**headers, **({"X-CSRF-Token": browser.csrf} if kind == "json" else {})}
    if kind == "json":
        body = JSON_BODIES.get(method) or JSON_BODIES.get(tail) if method != "GET" else None
        raw = json.dumps(body).encode() if body else b""
        return api.http.request(method, path, headers={**JSON, **headers}, body=raw)
    if method == "GET":
        return api.http.get(path, headers=headers)
    fields = {**BODIES.get(tail, {}), **({"csrf": browser.csrf} if browser is not None and csrf else {})}
    from urllib.parse import urlencode

    return api.http.post(path, headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
                         body=urlencode(fields).encode())


def routes_for(appt):
    return [(m, p.replace("{c}", appt.client_id).replace("{a}", appt.id), k, perm) for m, p, k, perm in ROUTES]


def assert_sent_to_login(response, method, kind, path):
    if kind == "json":
        assert response.status_code == 401, path
        assert response.json_body["error"]["code"] == "unauthenticated", path
    else:
        assert response.status_code == 303, path
        expected = "/owner/login?next=" if method == "GET" else "/owner/login"
        assert response.headers["Location"].startswith(expected), path


def test_anonymous_and_forged_sessions_go_to_the_login_page_or_get_401(api, salon_id, clock):
    appt = book(salon_id)
    for method, path, kind, _ in routes_for(appt):
        assert_sent_to_login(request(api, None, method, path, kind), method, kind, path)
        forged = "__Host-chairtime_session=" + "A" * 43 + "." + "B" * 43
        assert_sent_to_login(request(api, None, method, path, kind, cookie=forged), method, kind, path)


def test_an_expired_session_goes_to_the_login_page(api, owner, salon_id, clock):
    appt = book(salon_id)
    clock["now"] += timedelta(hours=12)
    for method, path, kind, _ in routes_for(appt):
        assert_sent_to_login(request(api, owner, method, path, kind), method, kind, path)


def test_changes_without_the_csrf_token_are_refused(api, owner, salon_id):
    appt = book(salon_id)
    for method, path, kind, _ in routes_for(appt):
        if method == "GET":
            continue
        response = request(api, owner, method, path, kind, csrf=False)
        assert response.status_code == 403, path
        if kind == "json":
            assert response.json_body["error"]["code"] == "csrf_failed"
        else:
            assert "This form has expired" in text(response)
    client = client_of(appt)
    assert client.access.value == "ok" and not client.erased and client.notes == ""


def test_staff_and_front_desk_are_refused_what_their_role_does_not_hold(api, salon_id, clock):
    appt = book(salon_id)  # Giulia's client: staff Giulia may open the file
    giulia = sign_in(api, salon_id, roles.STAFF, staff_id="giulia")
    desk = sign_in(api, salon_id, roles.FRONT_DESK)
    for method, path, kind, permission in routes_for(appt):
        for browser, role in ((giulia, roles.STAFF), (desk, roles.FRONT_DESK)):
            response = request(api, browser, method, path, kind)
            allowed = roles.can(role, permission)
            if allowed:
                assert response.status_code in (200, 303, 400, 409), (role, path, response.status_code)
            else:
                assert response.status_code == 403, (role, path, response.status_code)
                if kind == "json":
                    assert response.json_body["error"]["code"] == "forbidden"
                else:
                    assert "Not allowed" in text(response)
    assert client_of(appt).name == "Anna"  # the front desk's own changes went through


def test_staff_see_only_clients_with_an_appointment_with_them(api, salon_id, clock):
    mine = book(salon_id, "Anna Neri", staff="giulia")
    theirs = book(salon_id, "Anna Bianchi", "+39 347 000 1111", TUESDAY_10 + timedelta(hours=1), staff="marco")
    giulia = sign_in(api, salon_id, roles.STAFF, staff_id="giulia")
    found = call(giulia, "GET", "/v1/admin/clients?q=anna").json_body["clients"]
    assert [c["id"] for c in found] == [mine.client_id]
    assert "Anna Bianchi" not in text(giulia.get("/owner/clients?q=anna"))
    assert call(giulia, "GET", "/v1/admin/clients?q=1111").json_body["clients"] == []
    assert giulia.get(f"/owner/clients/{theirs.client_id}").status_code == 404
    assert call(giulia, "GET", f"/v1/admin/clients/{theirs.client_id}").status_code == 404
    assert form(giulia, f"/owner/clients/{theirs.client_id}/notes", notes="x").status_code == 404
    assert giulia.get(f"/owner/clients/{mine.client_id}").status_code == 200


def test_staff_search_answers_from_their_own_clients_only_and_reveals_no_one_else(api, salon_id, clock):
    """Typing the name or the phone of a client they have not served gives a staff member exactly
    the answer a name or a number nobody has gives: same clients, count, match and wording."""
    book(salon_id, "Zoe Verdi", "+39 320 555 7788", staff="marco")  # someone else's client
    marta = book(salon_id, "Marta Zoeller", "+39 347 000 2222", TUESDAY_10 + timedelta(hours=1), staff="giulia")
    giulia = sign_in(api, salon_id, roles.STAFF, staff_id="giulia")

    def answer(q):
        found = call(giulia, "GET", f"/v1/admin/clients?q={quote(q)}")
        assert found.status_code == 200, found.body
        page = text(giulia.get(f"/owner/clients?q={quote(q)}"))
        return {k: v for k, v in found.json_body.items() if k != "query"}, page.replace(q, "<q>")

    pairs = (("Zoe Verdi", "Qzx Verdi"), ("zoe v", "qzx v"), ("+39 320 555 7788", "+39 320 555 7799"),
             ("3205557788", "3205557799"), ("7788", "7799"))
    for hidden_text, nobody in pairs:
        assert answer(hidden_text) == answer(nobody), hidden_text
        assert answer(hidden_text)[0]["clients"] == []
        assert "Zoe" not in answer(hidden_text)[1]
    # A name that starts only a hidden client's name still finds her own client by a word inside.
    zoe = answer("zoe")[0]
    assert [c["id"] for c in zoe["clients"]] == [marta.client_id] and zoe["match"] == "word"
    assert "1 found" in answer("zoe")[1]
    # The owner's search is unchanged: the name's start finds Zoe.
    owner = sign_in(api, salon_id)
    both = call(owner, "GET", "/v1/admin/clients?q=zoe").json_body
    assert both["match"] == "name" and [c["name"] for c in both["clients"]] == ["Zoe Verdi"]


def test_a_client_of_another_salon_is_not_found(api, salon_id, clock):
    from local.demo import seed

    other_salon = f"{salon_id}-b"
    seed(wiring.repository(), other_salon)
    theirs = book(other_salon)
    owner_a = sign_in(api, salon_id)
    for method, path, kind, _ in routes_for(theirs):
        if "/exports" in path or "?q=" in path:  # these name no client
            continue
        response = request(api, owner_a, method, path, kind)
        assert response.status_code == 404, (path, response.status_code)
        if kind == "json":
            assert response.json_body["error"]["code"] in ("client_not_found", "not_found")
    assert call(owner_a, "GET", "/v1/admin/clients?q=elodie").json_body["clients"] == []
    assert client_of(theirs).name == "Élodie Rossi" and client_of(theirs).access.value == "ok"


def test_odd_client_ids_are_simply_not_found(owner, salon_id):
    for client_id in ("x" * 300, "a.b", "%C3%A9"):
        assert owner.get(f"/owner/clients/{client_id}").status_code == 404
        assert call(owner, "GET", f"/v1/admin/clients/{client_id}").status_code == 404
    assert re.search("Name or phone number", text(owner.get("/owner/clients")))
