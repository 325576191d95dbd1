"""The owner side's door on DynamoDB Local, through Chalice's test client: real Argon2 hashes,
real sessions, real CSRF tokens and counters; nothing is bypassed. Each test has its own salon
copy, emails and client address, so counters and sessions never meet."""
import html
import io
import re
import threading
import uuid
from contextlib import redirect_stdout
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from chalice import Blueprint, Chalice

from chalicelib import auth, wiring
from chalicelib.auth import roles, sessions
from chalicelib.auth.guard import Guard, same_salon
from chalicelib.domain.errors import NotFound
from chalicelib.storage import keys
from local import create_owner
from local.demo_owner import ensure_demo_owner
from local.env import dynamodb_client
from tests.conftest import TEST_TABLE

pytestmark = pytest.mark.dynamodb_local

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PASSWORD = "correct horse battery"
WRONG_MESSAGE = "The email or the password is not right."


# --- a browser: a cookie jar over Chalice's test client ---------------------------------------------

def set_cookies(response) -> list[str]:
    value = response.headers.get("Set-Cookie") or response.headers.get("set-cookie") or []
    return [value] if isinstance(value, str) else list(value)


def cookie_header(response, name: str) -> str:
    found = [c for c in set_cookies(response) if c.split("=", 1)[0] == name]
    assert len(found) == 1, set_cookies(response)
    return found[0]


def text(response) -> str:
    return response.body.decode("utf-8")


def hidden(response, name: str) -> str:
    match = re.search(rf'type="hidden" name="{name}" value="([^"]*)"', text(response))
    assert match, text(response)
    return html.unescape(match.group(1))


class Browser:
    def __init__(self, client, **headers):
        self.client, self.headers, self.jar = client, headers, {}

    def get(self, path: str, **headers):
        return self._keep(self.client.http.get(path, headers=self._headers(headers)))

    def post(self, path: str, headers=None, **fields):
        return self._keep(self.client.http.post(path, body=urlencode(fields).encode(),
                                                headers=self._headers({**FORM, **(headers or {})})))

    def sign_in(self, email: str, password: str = PASSWORD, next_path: str | None = None):
        form = self.get("/owner/login" + (f"?{urlencode({'next': next_path})}" if next_path else ""))
        assert form.status_code == 200, text(form)
        return self.post("/owner/login", email=email, password=password, csrf=hidden(form, "csrf"),
                         next=hidden(form, "next"))

    def session(self) -> str:
        return next(v for k, v in self.jar.items() if k.endswith(sessions.SESSION_COOKIE))

    def _headers(self, extra: dict) -> dict:
        cookies = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        return {**self.headers, **({"Cookie": cookies} if cookies else {}), **extra}

    def _keep(self, response):
        for header in set_cookies(response):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in header or not value:
                self.jar.pop(name, None)
            else:
                self.jar[name] = value
        return response


@pytest.fixture(autouse=True)
def client_address(monkeypatch):
    """A client address of the test's own, so the per-address counter is the test's own too."""
    from chalice.local import LambdaEventConverter

    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", address)
    return address


def new_email(tag: str = "user") -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


def make_user(salon_id: str, role: str = roles.OWNER, email: str | None = None, staff_id: str | None = None):
    return auth.create_user(auth.accounts(), salon_id, email or new_email(role), PASSWORD, role, wiring.now(),
                            staff_id=staff_id)


@pytest.fixture
def owner(salon_id, clock):
    return make_user(salon_id)


@pytest.fixture
def signed_in(api, owner) -> Browser:
    browser = Browser(api)
    response = browser.sign_in(owner.email)
    assert response.status_code == 303, text(response)
    return browser


# --- signing in ------------------------------------------------------------------------------------

def test_sign_in_sets_a_secure_http_only_same_site_cookie_that_expires(api, owner, clock):
    response = Browser(api).sign_in(owner.email)
    assert response.status_code == 303
    assert response.headers["Location"] == "/owner"
    cookie = cookie_header(response, "__Host-chairtime_session")
    attributes = [a.strip() for a in cookie.split(";")]
    assert {"HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=43200"} <= set(attributes)
    assert "Expires=Mon, 23 Mar 2026 20:00:00 GMT" in attributes  # 12 hours after the pinned 08:00 UTC
    value = attributes[0].split("=", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}", value)
    # The login form's nonce cookie is done with.
    assert "Max-Age=0" in cookie_header(response, "__Host-chairtime_login")


def test_the_home_page_shows_the_salon_the_role_the_sections_and_a_logout_form(signed_in, owner):
    response = signed_in.get("/owner")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    assert "Studio Demo" in page and "Owner" in page and owner.email in page
    for path in ("/owner/agenda", "/owner/clients", "/owner/messages", "/owner/settings"):
        assert f'href="{path}"' in page
    assert 'action="/owner/logout"' in page and hidden(response, "csrf")
    assert "<script" not in page


def test_staff_see_only_their_sections(api, salon_id, clock):
    user = make_user(salon_id, roles.STAFF, staff_id="giulia")
    browser = Browser(api)
    browser.sign_in(user.email)
    page = text(browser.get("/owner"))
    assert "Staff" in page and 'href="/owner/agenda"' in page and 'href="/owner/clients"' in page
    assert 'href="/owner/settings"' not in page and 'href="/owner/messages"' not in page


def test_plain_http_to_this_machine_gets_a_cookie_without_secure(api, owner):
    local = Browser(api, Host="127.0.0.1:8000")
    response = local.sign_in(owner.email)
    cookie = cookie_header(response, "chairtime_session")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert local.get("/owner").status_code == 200
    # Behind a TLS proxy the same host is https: Secure again.
    proxied = Browser(api, Host="localhost:8000", **{"X-Forwarded-Proto": "https"}).sign_in(owner.email)
    assert "Secure" in cookie_header(proxied, "__Host-chairtime_session")


def test_an_http_cookie_is_not_read_over_https(api, owner):
    local = Browser(api, Host="127.0.0.1:8000")
    local.sign_in(owner.email)
    planted = api.http.get("/owner", headers={"Cookie": f"chairtime_session={local.session()}"})
    assert planted.status_code == 303


def test_wrong_password_and_unknown_email_get_the_same_answer(api, owner):
    wrong = Browser(api).sign_in(owner.email, "not the password")
    unknown = Browser(api).sign_in(new_email("nobody"), PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert WRONG_MESSAGE in text(response)
        assert not any("chairtime_session" in c for c in set_cookies(response))
    assert f'value="{owner.email}"' in text(wrong)  # typed again only the password


def test_sign_in_goes_back_to_the_page_asked_for_and_never_to_another_site(api, owner):
    anonymous = api.http.get("/owner?tab=today")
    assert anonymous.status_code == 303
    assert anonymous.headers["Location"] == "/owner/login?next=%2Fowner%3Ftab%3Dtoday"
    assert Browser(api).sign_in(owner.email, next_path="/owner?tab=today").headers["Location"] == "/owner?tab=today"
    for evil in ("https://evil.example/owner", "//evil.example/owner", "/book/x", "/owner\\@evil"):
        assert Browser(api).sign_in(owner.email, next_path=evil).headers["Location"] == "/owner"


def test_the_login_page_sends_a_signed_in_user_home(signed_in):
    response = signed_in.get("/owner/login")
    assert response.status_code == 303 and response.headers["Location"] == "/owner"


# --- throttling ------------------------------------------------------------------------------------

def test_five_failures_lock_the_account_even_for_the_right_password_until_the_lock_ends(api, owner, clock,
                                                                                        salon_id):
    for _ in range(5):
        assert Browser(api).sign_in(owner.email, "wrong password").status_code == 401
    locked = Browser(api).sign_in(owner.email, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed attempts. Try again in 15 minutes." in text(locked)
    assert locked.headers["Retry-After"] == "900"
    clock["now"] += timedelta(minutes=14, seconds=59)
    assert Browser(api).sign_in(owner.email, PASSWORD).status_code == 429
    clock["now"] += timedelta(seconds=1)
    assert Browser(api).sign_in(owner.email, PASSWORD).status_code == 303
    actions = [e.action for e in auth.accounts().audit_entries(salon_id)]
    assert actions[:1] == ["login"] and "login_locked" in actions and actions.count("login_failed") == 5


def test_failures_are_forgotten_after_the_window_and_a_success_forgives_the_account(api, owner, clock):
    for _ in range(4):
        Browser(api).sign_in(owner.email, "wrong password")
    clock["now"] += timedelta(minutes=16)
    for _ in range(4):
        Browser(api).sign_in(owner.email, "wrong password")
    assert Browser(api).sign_in(owner.email).status_code == 303  # 4 + 4, but never 5 within 15 minutes
    for _ in range(4):
        Browser(api).sign_in(owner.email, "wrong password")
    assert Browser(api).sign_in(owner.email).status_code == 303  # the success before started over


def test_an_unknown_email_locks_like_a_real_one(api, clock):
    ghost = new_email("ghost")
    answers = [Browser(api).sign_in(ghost, "whatever-password").status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]


def test_one_address_trying_many_accounts_is_locked(api, salon_id, clock):
    victim = make_user(salon_id)
    for _ in range(throttle_limit("address")):
        assert Browser(api).sign_in(new_email("spray"), "password123").status_code == 401
    assert Browser(api).sign_in(victim.email).status_code == 429


def test_twenty_parallel_wrong_passwords_get_at_most_five_checks_and_lock_the_account(owner, salon_id, clock):
    from chalicelib.auth import passwords

    checks, outcomes, guard = [], [], threading.Lock()
    start = threading.Barrier(20)

    def counting_verify(stored_hash, typed):
        with guard:
            checks.append(typed)
        return passwords.verify(stored_hash, typed)

    def guess(n: int) -> None:
        start.wait()
        try:  # 20 addresses: only the account's counter can stop them
            sessions.sign_in(auth.accounts(), owner.email, f"wrong guess {n}", f"192.0.2.{n + 1}", wiring.now(),
                             verify=counting_verify)
            outcome = "signed in"
        except sessions.LoginLocked:
            outcome = "locked"
        except sessions.InvalidCredentials:
            outcome = "wrong"
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checks) == throttle_limit("account") == 5
    assert sorted(outcomes) == ["locked"] * 15 + ["wrong"] * 5
    with pytest.raises(sessions.LoginLocked):  # even the right password, afterwards
        sessions.sign_in(auth.accounts(), owner.email, PASSWORD, "192.0.2.200", wiring.now(), verify=counting_verify)
    assert len(checks) == 5
    actions = [e.action for e in auth.accounts().audit_entries(salon_id)]
    assert actions.count("login_failed") == 5 and actions.count("login_locked") == 1


def test_twenty_simultaneous_wrong_sign_ins_through_the_server_check_five_passwords(live_server, api, owner,
                                                                                    salon_id, clock):
    """The same race end to end, through the threaded local server and the login form (one address)."""
    import requests

    def opened_form():
        browser = requests.Session()
        form = browser.get(f"{live_server}/owner/login", timeout=30)
        assert form.status_code == 200
        return browser, html.unescape(re.search(r'name="csrf" value="([^"]*)"', form.text).group(1))

    forms = [opened_form() for _ in range(20)]
    statuses, guard = [], threading.Lock()
    start = threading.Barrier(len(forms))

    def post(browser, token):
        start.wait()
        response = browser.post(f"{live_server}/owner/login", allow_redirects=False, timeout=120,
                                data={"email": owner.email, "password": "wrong guess", "csrf": token})
        with guard:
            statuses.append(response.status_code)
        browser.close()

    threads = [threading.Thread(target=post, args=form) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [401] * 5 + [429] * 15
    actions = [e.action for e in auth.accounts().audit_entries(salon_id)]
    assert actions.count("login_failed") == 5 and actions.count("login_locked") == 1
    # Only five of the address's twenty were failures: the address itself is not locked.
    assert Browser(api).sign_in(make_user(salon_id).email).status_code == 303


def test_a_right_password_gives_the_address_its_attempt_back(api, salon_id, clock, client_address):
    """A salon's front desk shares one address: signing in all day must never lock it."""
    user = make_user(salon_id)
    for _ in range(throttle_limit("address") + 5):
        assert Browser(api).sign_in(user.email).status_code == 303
    assert Browser(api).sign_in(new_email("typo"), "wrong password").status_code == 401


def test_right_passwords_do_not_keep_an_addresss_old_failures_alive(api, salon_id, clock):
    user = make_user(salon_id)
    for _ in range(throttle_limit("address") - 1):
        assert Browser(api).sign_in(new_email("typo"), "wrong password").status_code == 401
    clock["now"] += timedelta(minutes=10)
    assert Browser(api).sign_in(user.email).status_code == 303
    clock["now"] += timedelta(minutes=6)  # 16 minutes after the last failure: all forgotten
    assert Browser(api).sign_in(new_email("typo"), "wrong password").status_code == 401
    assert Browser(api).sign_in(user.email).status_code == 303


def throttle_limit(scope: str) -> int:
    from chalicelib.auth import throttle

    return throttle.POLICIES[scope].limit


# --- sessions that must not work -----------------------------------------------------------------

@pytest.mark.parametrize("cookie", [
    "nonsense",
    "A" * 43 + "." + "B" * 43,  # well-formed, wrong tag
    "",
])
def test_forged_cookies_go_to_the_login_page(api, cookie):
    response = api.http.get("/owner", headers={"Cookie": f"__Host-chairtime_session={cookie}"})
    assert response.status_code == 303 and response.headers["Location"] == "/owner/login"


def test_a_tampered_cookie_goes_to_the_login_page_and_is_cleared(signed_in):
    session_id, tag = signed_in.session().split(".")
    flipped = ("B" if session_id[0] == "A" else "A") + session_id[1:]
    for forged in (f"{flipped}.{tag}", f"{session_id}.{tag[:-1]}", session_id):
        response = signed_in.client.http.get("/owner", headers={"Cookie": f"__Host-chairtime_session={forged}"})
        assert response.status_code == 303, forged
        assert "Max-Age=0" in cookie_header(response, "__Host-chairtime_session")


def test_a_session_expires_after_twelve_hours(signed_in, clock):
    clock["now"] += timedelta(hours=11, minutes=59)
    assert signed_in.get("/owner").status_code == 200
    clock["now"] += timedelta(minutes=1)
    response = signed_in.get("/owner")
    assert response.status_code == 303 and response.headers["Location"] == "/owner/login"


def test_after_logout_the_old_cookie_is_dead(signed_in, salon_id, clock):
    cookie = signed_in.session()
    clock["now"] += timedelta(minutes=5)
    home = signed_in.get("/owner")
    response = signed_in.post("/owner/logout", csrf=hidden(home, "csrf"))
    assert response.status_code == 303 and response.headers["Location"] == "/owner/login?signed_out=1"
    assert "Max-Age=0" in cookie_header(response, "__Host-chairtime_session")
    replay = signed_in.client.http.get("/owner", headers={"Cookie": f"__Host-chairtime_session={cookie}"})
    assert replay.status_code == 303
    assert "You are signed out." in text(signed_in.get("/owner/login?signed_out=1"))
    assert auth.accounts().audit_entries(salon_id, limit=1)[0].action == "logout"


def test_log_out_everywhere_ends_the_other_devices_too(api, owner, clock):
    phone, laptop = Browser(api), Browser(api)
    phone.sign_in(owner.email)
    laptop.sign_in(owner.email)
    phone.post("/owner/logout", csrf=hidden(phone.get("/owner"), "csrf"), everywhere="1")
    assert laptop.get("/owner").status_code == 303
    again = Browser(api)
    again.sign_in(owner.email)  # a new sign-in after it works
    assert again.get("/owner").status_code == 200


def test_a_new_sign_in_replaces_the_browsers_previous_session(signed_in, api, owner):
    before = signed_in.session()
    form = api.http.get("/owner/login")  # a signed-in browser would be sent home: take a fresh form
    nonce = cookie_header(form, "__Host-chairtime_login").split(";")[0].split("=", 1)[1]
    response = api.http.post(
        "/owner/login", body=urlencode({"email": owner.email, "password": PASSWORD, "csrf": hidden(form, "csrf")}),
        headers={**FORM, "Cookie": f"__Host-chairtime_session={before}; __Host-chairtime_login={nonce}"})
    assert response.status_code == 303
    old = api.http.get("/owner", headers={"Cookie": f"__Host-chairtime_session={before}"})
    assert old.status_code == 303


# --- CSRF ------------------------------------------------------------------------------------------

def test_a_post_without_or_with_a_wrong_csrf_token_is_refused(signed_in, api, owner):
    other = Browser(api)
    other.sign_in(owner.email)
    another_sessions_token = hidden(other.get("/owner"), "csrf")
    for fields in ({}, {"csrf": ""}, {"csrf": "x" * 43}, {"csrf": another_sessions_token}, {"csrf": "é"}):
        response = signed_in.post("/owner/logout", **fields)
        assert response.status_code == 403, fields
        assert "This form has expired" in text(response)
    assert signed_in.get("/owner").status_code == 200  # still signed in


def test_the_login_form_needs_its_own_token_and_nonce_cookie(api, owner):
    browser = Browser(api)
    form = browser.get("/owner/login")
    token = hidden(form, "csrf")
    without_token = browser.post("/owner/login", email=owner.email, password=PASSWORD)
    assert without_token.status_code == 403 and "expired" in text(without_token)
    without_cookie = api.http.post("/owner/login", body=urlencode({"email": owner.email, "password": PASSWORD,
                                                                   "csrf": token}), headers=FORM)
    assert without_cookie.status_code == 403
    assert browser.post("/owner/login", email=owner.email, password=PASSWORD, csrf=token).status_code == 303


def test_an_anonymous_post_goes_to_the_login_page(api):
    response = api.http.post("/owner/logout", body="csrf=x", headers=FORM)
    assert response.status_code == 303 and response.headers["Location"] == "/owner/login"


# --- the guard on other routes: roles, JSON, salons -------------------------------------------------

probe = Blueprint("tests.owner.probe")
probe_guard = Guard(probe)


@probe.route("/owner/probe/{permission}", methods=["GET"])
def probe_page(permission):
    @probe_guard.require(permission)
    def inner():
        return {"role": probe_guard.principal().role}
    return inner()


@probe.route("/v1/admin/probe/salons/{salon_id}", methods=["GET", "POST"])
@probe_guard.require(roles.CLIENTS, api=True)
def probe_salon(salon_id):
    me = probe_guard.principal()
    same_salon(me, salon_id)
    return {"salon_id": me.salon_id, "staff_id": me.staff_id}


probe_app = Chalice(app_name="probe")  # once: a blueprint cannot be registered twice
probe_app.register_blueprint(probe)


@pytest.fixture
def probe_api(repo):
    from chalice.test import Client

    with Client(probe_app) as client:
        yield client


@pytest.mark.parametrize("role", roles.ROLES)
def test_the_guard_enforces_the_matrix_for_every_permission(api, probe_api, salon_id, clock, role):
    browser = Browser(api)
    browser.sign_in(make_user(salon_id, role, staff_id="giulia").email)
    prober = Browser(probe_api)
    prober.jar = browser.jar
    for permission in roles.PERMISSIONS:
        response = prober.get(f"/owner/probe/{permission}")
        if roles.can(role, permission):
            assert response.status_code == 200 and response.json_body == {"role": role}, permission
        else:
            assert response.status_code == 403, permission
            assert "Your role does not allow this." in text(response)


def test_json_routes_answer_401_403_and_check_csrf(api, probe_api, salon_id, clock):
    anonymous = probe_api.http.get(f"/v1/admin/probe/salons/{salon_id}")
    assert anonymous.status_code == 401 and anonymous.json_body["error"]["code"] == "unauthenticated"

    staff = Browser(api)
    staff.sign_in(make_user(salon_id, roles.STAFF).email)
    refused = probe_api.http.get(f"/v1/admin/probe/salons/{salon_id}", headers=staff._headers({}))
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "forbidden"

    desk = Browser(api)
    desk.sign_in(make_user(salon_id, roles.FRONT_DESK, staff_id=None).email)
    ok = probe_api.http.get(f"/v1/admin/probe/salons/{salon_id}", headers=desk._headers({}))
    assert ok.status_code == 200 and ok.json_body == {"salon_id": salon_id, "staff_id": None}
    json_post = {**desk._headers({}), "Content-Type": "application/json"}
    no_token = probe_api.http.post(f"/v1/admin/probe/salons/{salon_id}", body="{}", headers=json_post)
    assert no_token.status_code == 403 and no_token.json_body["error"]["code"] == "csrf_failed", no_token.body
    token = hidden(desk.get("/owner"), "csrf")
    with_token = probe_api.http.post(f"/v1/admin/probe/salons/{salon_id}", body="{}",
                                     headers={**json_post, "X-CSRF-Token": token})
    assert with_token.status_code == 200


def test_a_user_of_one_salon_gets_404_for_another_salons_ids(api, probe_api, salon_id, clock):
    other_salon = f"other-{uuid.uuid4().hex[:8]}"
    desk = Browser(api)
    desk.sign_in(make_user(salon_id, roles.FRONT_DESK).email)
    response = probe_api.http.get(f"/v1/admin/probe/salons/{other_salon}", headers=desk._headers({}))
    assert response.status_code == 404 and response.json_body["error"]["code"] == "not_found"
    # The same answer as for a salon that does not exist at all.
    missing = probe_api.http.get("/v1/admin/probe/salons/no-such-salon", headers=desk._headers({}))
    assert missing.json_body == response.json_body


def test_same_salon_raises_not_found_for_another_salon(api, salon_id, clock):
    browser = Browser(api)
    browser.sign_in(make_user(salon_id).email)
    me = sessions.resolve(auth.accounts(), browser.session(), wiring.now())
    assert me is not None and me.salon_id == salon_id
    same_salon(me, salon_id)
    for other in ("another-salon", "", None):
        with pytest.raises(NotFound):
            same_salon(me, other)
    assert "session_id" not in repr(me) and "csrf_token" not in repr(me)


# --- accounts, storage and the audit log --------------------------------------------------------

def test_passwords_are_stored_only_as_argon2_hashes(salon_id, clock):
    user = make_user(salon_id)
    raw = dynamodb_client(wiring.config().dynamodb_endpoint).get_item(
        TableName=TEST_TABLE, Key={"PK": {"S": keys.user_pk(user.email)}, "SK": {"S": keys.USER_SK}},
        ConsistentRead=True)["Item"]
    assert PASSWORD not in repr(raw)
    assert raw["password_hash"]["S"].startswith("$argon2id$")
    assert PASSWORD not in repr(user)
    entries = auth.accounts().audit_entries(salon_id)
    assert entries[0].action == "user_created" and PASSWORD not in repr(entries)


def test_an_email_is_one_account_across_salons(salon_id, clock):
    from chalicelib.storage.accounts import EmailTaken

    user = make_user(salon_id)
    with pytest.raises(EmailTaken):
        make_user("another-salon", email=user.email.upper())


def test_weak_passwords_and_unknown_roles_are_refused(salon_id, clock):
    from chalicelib.domain.errors import InvalidRequest

    with pytest.raises(InvalidRequest):
        auth.create_user(auth.accounts(), salon_id, new_email(), "short", roles.OWNER, wiring.now())
    with pytest.raises(InvalidRequest):
        auth.create_user(auth.accounts(), salon_id, new_email(), PASSWORD, "admin", wiring.now())
    with pytest.raises(InvalidRequest):
        auth.create_user(auth.accounts(), salon_id, "not-an-email", PASSWORD, roles.OWNER, wiring.now())


def test_users_are_listed_per_salon(salon_id, clock):
    first = make_user(salon_id)
    clock["now"] += timedelta(seconds=1)  # ids sort by creation time
    second = make_user(salon_id, roles.STAFF, staff_id="marco")
    make_user(f"other-{uuid.uuid4().hex[:8]}")
    listed = auth.accounts().users_of_salon(salon_id)
    assert [u.email for u in listed] == [first.email, second.email]
    assert listed[1].staff_id == "marco" and listed[1].role == roles.STAFF


def test_the_audit_log_reads_newest_first_in_pages(salon_id, clock):
    store = auth.accounts()
    for n in range(5):
        store.record_audit(salon_id, "u1", "client_updated", f"client:{n}", {"n": n}, clock["now"])
        clock["now"] += timedelta(seconds=1)
    first = store.audit_entries(salon_id, limit=3)
    assert [e.target for e in first] == ["client:4", "client:3", "client:2"]
    rest = store.audit_entries(salon_id, limit=3, before=first[-1])
    assert [e.target for e in rest] == ["client:1", "client:0"]
    assert rest[0].details == {"n": 1} and rest[0].actor_user_id == "u1"
    assert store.audit_entries(f"other-{uuid.uuid4().hex[:8]}") == []


# --- the commands ----------------------------------------------------------------------------------

def test_create_owner_creates_a_working_login(api, salon_id, clock):
    email = new_email("cli")
    out = io.StringIO()
    with redirect_stdout(out):
        assert create_owner.main(["--salon", salon_id, "--email", email, "--table", TEST_TABLE]) == 0
    password = re.search(r"Password \(shown only now\): (\S+)", out.getvalue()).group(1)
    assert len(password) >= 20
    browser = Browser(api)
    assert browser.sign_in(email, password).status_code == 303
    assert "Owner" in text(browser.get("/owner"))
    with redirect_stdout(io.StringIO()):
        assert create_owner.main(["--salon", salon_id, "--email", email, "--table", TEST_TABLE]) == 1
        assert create_owner.main(["--salon", "no-such-salon", "--email", new_email(), "--table", TEST_TABLE]) == 1
        assert create_owner.main(["--salon", salon_id, "--email", new_email(), "--password", "short",
                                  "--table", TEST_TABLE]) == 1


def test_the_demo_owner_is_created_once_and_can_sign_in(api, repo, clock):
    first = ensure_demo_owner(repo)
    assert ensure_demo_owner(auth.accounts()) == first
    email, password = first
    assert Browser(api).sign_in(email, password).status_code == 303


# --- the signing key ---------------------------------------------------------------------------------

@pytest.fixture
def environment(monkeypatch):
    yield monkeypatch
    monkeypatch.undo()
    wiring.reset()


def test_the_signing_key_comes_from_ssm_when_configured(environment):
    from aws_lambda_powertools.utilities import parameters

    calls = []

    def fake_get_parameter(name, decrypt=False, max_age=None):
        calls.append((name, decrypt, max_age))
        return "s" * 40

    environment.setattr(parameters, "get_parameter", fake_get_parameter)
    environment.setenv("SESSION_SECRET_PARAMETER", "/chairtime/session-secret")
    environment.setenv("SESSION_SECRET", "ignored-when-the-parameter-is-set-xxxxxxxx")
    wiring.reset()
    assert auth.signing_key() == b"s" * 40
    assert calls == [("/chairtime/session-secret", True, 300)]


def test_the_signing_key_falls_back_to_the_variable_then_refuses_on_aws(environment):
    environment.delenv("SESSION_SECRET_PARAMETER", raising=False)
    environment.setenv("SESSION_SECRET", "v" * 32)
    wiring.reset()
    assert auth.signing_key() == b"v" * 32
    environment.setenv("SESSION_SECRET", "too-short")
    wiring.reset()
    with pytest.raises(RuntimeError):
        auth.signing_key()
    environment.delenv("SESSION_SECRET")
    environment.delenv("DYNAMODB_ENDPOINT", raising=False)
    environment.setenv("STAGE", "prod")
    wiring.reset()
    with pytest.raises(RuntimeError):
        auth.signing_key()
    environment.setenv("STAGE", "local")
    wiring.reset()
    assert auth.signing_key() == auth.signing_key() and len(auth.signing_key()) == 32
