"""A user changes their own password: the page and its JSON twin, on DynamoDB Local through
Chalice's test client, with real Argon2 hashes, sessions, CSRF tokens and counters."""
import json
from datetime import timedelta

import pytest

from chalicelib import auth, wiring
from chalicelib.auth import roles
from chalicelib.storage import keys
from local.env import dynamodb_client
from tests.conftest import TEST_TABLE
from tests.owner import test_auth
from tests.owner.test_auth import PASSWORD, Browser, hidden, make_user, text

pytestmark = pytest.mark.dynamodb_local
client_address = test_auth.client_address  # autouse: each test signs in from an address of its own
owner = test_auth.owner

NEW = "a much better passphrase"


def change(browser: Browser, current: str = PASSWORD, new: str = NEW, again: str | None = None, **extra):
    form = browser.get("/owner/password")
    assert form.status_code == 200, text(form)
    fields = {"csrf": hidden(form, "csrf"), "current": current, "new": new, "again": new if again is None else again}
    return browser.post("/owner/password", **{**fields, **extra})


def api_change(browser: Browser, body: dict, token: str | None):
    headers = {"Content-Type": "application/json", **({"X-CSRF-Token": token} if token else {})}
    return browser.client.http.post("/v1/admin/me/password", body=json.dumps(body), headers=browser._headers(headers))


def csrf_of(browser: Browser) -> str:
    return browser.client.http.get("/v1/admin/me", headers=browser._headers({})).json_body["csrf_token"]


def signed_in_twice(api, email: str) -> tuple[Browser, Browser]:
    phone, laptop = Browser(api), Browser(api)
    for browser in (phone, laptop):
        assert browser.sign_in(email).status_code == 303
    return phone, laptop


def stored_hash(email: str) -> str:
    raw = dynamodb_client(wiring.config().dynamodb_endpoint).get_item(
        TableName=TEST_TABLE, Key={"PK": {"S": keys.user_pk(email)}, "SK": {"S": keys.USER_SK}}, ConsistentRead=True)
    return raw["Item"]["password_hash"]["S"]


def actions(salon_id: str) -> list[str]:
    return [e.action for e in auth.accounts().audit_entries(salon_id)]


def test_the_home_page_links_to_a_form_with_the_current_password_the_new_one_twice_and_csrf(api, salon_id, clock):
    staff = Browser(api)
    staff.sign_in(make_user(salon_id, roles.STAFF, staff_id="giulia").email)  # every role may change its own
    assert 'href="/owner/password"' in text(staff.get("/owner"))
    page = staff.get("/owner/password")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    body = text(page)
    for name in ('name="current"', 'name="new"', 'name="again"', 'autocomplete="current-password"',
                 'autocomplete="new-password"'):
        assert name in body
    assert hidden(page, "csrf") and "<script" not in body


def test_a_change_keeps_this_session_ends_the_others_and_is_audited(api, owner, salon_id, clock):
    phone, laptop = signed_in_twice(api, owner.email)
    before = stored_hash(owner.email)
    response = change(laptop)
    assert response.status_code == 303 and response.headers["Location"] == "/owner/password?done=1"
    assert "Your password is changed" in text(laptop.get("/owner/password?done=1"))
    assert laptop.get("/owner").status_code == 200  # this session goes on
    ended = phone.get("/owner")
    assert ended.status_code == 303 and ended.headers["Location"] == "/owner/login"
    after = stored_hash(owner.email)
    assert after != before and after.startswith("$argon2id$") and NEW not in after
    assert Browser(api).sign_in(owner.email, PASSWORD).status_code == 401
    assert Browser(api).sign_in(owner.email, NEW).status_code == 303
    entry = next(e for e in auth.accounts().audit_entries(salon_id) if e.action == "password_changed")
    assert entry.actor_user_id == owner.id and entry.target == f"user:{owner.id}"
    assert PASSWORD not in repr(entry) and NEW not in repr(entry)


@pytest.mark.parametrize(("new", "again", "message"), [
    (NEW, NEW + "!", "The two new passwords are not the same"),
    ("short", "short", "Use at least 10 characters."),
    ("x" * 257, "x" * 257, "Use at most 256 characters."),
])
def test_a_new_password_against_the_rules_changes_nothing(api, owner, clock, new, again, message):
    browser = Browser(api)
    browser.sign_in(owner.email)
    before = stored_hash(owner.email)
    response = change(browser, new=new, again=again)
    assert response.status_code == 400 and message in text(response)
    assert stored_hash(owner.email) == before
    assert browser.get("/owner").status_code == 200


def test_a_wrong_current_password_changes_nothing_and_counts_toward_the_lockout(api, owner, salon_id, clock):
    phone, laptop = signed_in_twice(api, owner.email)
    before = stored_hash(owner.email)
    for _ in range(5):
        wrong = change(laptop, current="not my password")
        assert wrong.status_code == 400 and "The current password is not right." in text(wrong)
    locked = change(laptop)  # the right one now: refused without being checked
    assert locked.status_code == 429 and "Too many failed attempts" in text(locked)
    assert locked.headers["Retry-After"] == "900"
    assert stored_hash(owner.email) == before
    assert Browser(api).sign_in(owner.email).status_code == 429  # the account is locked for sign-in too
    assert phone.get("/owner").status_code == 200  # no other session was ended
    assert actions(salon_id).count("password_change_failed") == 5 and "login_locked" in actions(salon_id)
    clock["now"] += timedelta(minutes=15)
    assert change(laptop).status_code == 303


def test_the_form_needs_the_sessions_csrf_token(api, owner, clock):
    browser = Browser(api)
    browser.sign_in(owner.email)
    before = stored_hash(owner.email)
    for token in ("", "x" * 43):
        response = browser.post("/owner/password", csrf=token, current=PASSWORD, new=NEW, again=NEW)
        assert response.status_code == 403
    assert stored_hash(owner.email) == before
    anonymous = api.http.post("/owner/password", body="current=x&new=y&again=y", headers=test_auth.FORM)
    assert anonymous.status_code == 303 and anonymous.headers["Location"] == "/owner/login"


def test_the_json_twin_changes_the_password_and_keeps_only_this_session(api, owner, salon_id, clock):
    phone, laptop = signed_in_twice(api, owner.email)
    token = csrf_of(laptop)
    assert api_change(laptop, {"current_password": PASSWORD, "new_password": NEW}, None).status_code == 403
    response = api_change(laptop, {"current_password": PASSWORD, "new_password": NEW}, token)
    assert response.status_code == 204, response.body
    assert api.http.get("/v1/admin/me", headers=laptop._headers({})).status_code == 200
    assert api.http.get("/v1/admin/me", headers=phone._headers({})).status_code == 401
    assert Browser(api).sign_in(owner.email, NEW).status_code == 303
    assert "password_changed" in actions(salon_id)


def test_the_json_twin_answers_each_refusal_with_its_code(api, owner, clock):
    browser = Browser(api)
    browser.sign_in(owner.email)
    token = csrf_of(browser)
    cases = [
        ({"current_password": "not my password", "new_password": NEW}, 400, "wrong_password"),
        ({"current_password": PASSWORD, "new_password": "short"}, 400, "invalid_request"),
        ({"current_password": PASSWORD}, 400, "invalid_request"),
        ({"current_password": PASSWORD, "new_password": NEW, "extra": 1}, 400, "invalid_request"),
    ]
    for body, status, code in cases:
        response = api_change(browser, body, token)
        assert response.status_code == status and response.json_body["error"]["code"] == code, body
        assert response.json_body["error"]["message"]
    for _ in range(4):  # with the wrong one above, five
        api_change(browser, {"current_password": "not my password", "new_password": NEW}, token)
    locked = api_change(browser, {"current_password": PASSWORD, "new_password": NEW}, token)
    assert locked.status_code == 429 and locked.json_body["error"]["code"] == "login_locked"
    assert locked.headers["Retry-After"] == "900"
    anonymous = api.http.post("/v1/admin/me/password", body="{}", headers={"Content-Type": "application/json"})
    assert anonymous.status_code == 401


def test_a_change_racing_another_change_of_the_account_writes_nothing(api, owner, clock):
    browser = Browser(api)
    browser.sign_in(owner.email)
    store = auth.accounts()
    user = store.get_user(owner.email)
    me = auth.sessions.resolve(store, browser.session(), wiring.now())
    digest = auth.sessions.session_digest(me)
    # The owner reset this user's password meanwhile: the generation moved on.
    store.set_password_hash(owner.email, auth.passwords.hash_password("reset by the owner"), end_sessions=True)
    assert not store.change_own_password(owner.email, digest, user.password_hash, user.session_generation, "$x")
    assert store.get_user(owner.email).password_hash != "$x"
