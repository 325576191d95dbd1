"""Signing in to the client's area with a one-time code, on DynamoDB Local: the code's life
(10 minutes, 5 tries, one at a time, 5 an hour), the same answer for unknown phones, the session
cookie's flags, CSRF, sign out here and everywhere."""
import re
from datetime import timedelta

import pytest

from chalicelib.domain.outbox import MessageStatus
from chalicelib.storage.client_area_store import ClientAreaStore
from tests.client_area.conftest import (
    ANNA,
    STRANGER,
    Browser,
    ask_code,
    book_for,
    hidden,
    last_code,
    set_cookie_headers,
    sign_in,
    text,
    tuesday,
)

pytestmark = pytest.mark.dynamodb_local


@pytest.fixture
def anna(repo, salon_id, clock):
    return book_for(repo, salon_id, ANNA, tuesday(10), clock["now"], notes="fragile hair")


def test_a_known_phone_gets_a_code_and_signs_in_with_a_90_day_cookie_scoped_to_the_salon(
        api, repo, salon_id, anna, sms):
    browser = Browser(api)
    sent = ask_code(browser, salon_id, ANNA)
    assert sent.status_code == 200 and 'name="code"' in text(sent)
    code = last_code(sms, ANNA)
    done = browser.post(f"/my/{salon_id}/verify", phone=ANNA, code=code, csrf=hidden(sent)["csrf"])
    assert done.status_code == 303 and done.headers["Location"] == f"/my/{salon_id}"
    cookie = next(c for c in set_cookie_headers(done) if c.startswith("__Secure-chairtime_client="))
    assert f"Path=/my/{salon_id};" in cookie
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    assert f"Max-Age={90 * 24 * 3600}" in cookie
    home = browser.get(f"/my/{salon_id}")
    assert home.status_code == 200 and anna.appointment.id in text(home)
    assert "fragile hair" not in text(home)  # the client's note stays on the salon's side of the page
    assert home.headers["Cache-Control"] == "no-store"


def test_the_code_text_is_in_the_outbox_without_the_code(api, repo, salon_id, anna, sms):
    ask_code(Browser(api), salon_id, ANNA)
    code = last_code(sms, ANNA)
    [stored] = [m for m in repo.client_messages(salon_id, anna.appointment.client_id) if m.kind == "sign_in_code"]
    assert stored.status is MessageStatus.SENT and code not in stored.body and "******" in stored.body
    # A reply to it (STOP) reaches this salon; it answers no question.
    [route] = [r for r in repo.reply_routes(ANNA) if r.salon_id == salon_id]
    assert route.appointment_id is None


def test_an_unknown_phone_gets_the_same_answer_and_no_text(api, salon_id, anna, sms):
    known = ask_code(Browser(api), salon_id, ANNA)
    unknown = ask_code(Browser(api), salon_id, STRANGER)
    assert known.status_code == unknown.status_code == 200

    def without_tokens(response):
        return re.sub(r'value="[^"]*"', "", text(response))

    assert without_tokens(known) == without_tokens(unknown)
    assert [m["phone"] for m in sms.sent] == [ANNA]


def test_the_json_answer_is_the_same_for_known_and_unknown_phones(api, salon_id, anna, sms):
    answers = [api.http.post(f"/v1/salons/{salon_id}/sign-in", body=f'{{"phone": "{p}"}}',
                             headers={"Content-Type": "application/json"}) for p in (ANNA, STRANGER)]
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].body == answers[1].body


def test_five_wrong_codes_end_the_code(api, salon_id, anna, sms):
    browser = Browser(api)
    sent = ask_code(browser, salon_id, ANNA)
    code, csrf = last_code(sms, ANNA), hidden(sent)["csrf"]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        answer = browser.post(f"/my/{salon_id}/verify", phone=ANNA, code=wrong, csrf=csrf)
        assert answer.status_code == 400
    refused = browser.post(f"/my/{salon_id}/verify", phone=ANNA, code=code, csrf=csrf)
    assert refused.status_code == 400 and "Set-Cookie" not in refused.headers


def test_an_expired_code_is_refused(api, salon_id, anna, sms, clock):
    browser = Browser(api)
    sent = ask_code(browser, salon_id, ANNA)
    clock["now"] += timedelta(minutes=10, seconds=1)
    answer = browser.post(f"/my/{salon_id}/verify", phone=ANNA, code=last_code(sms, ANNA), csrf=hidden(sent)["csrf"])
    assert answer.status_code == 400


def test_a_new_code_replaces_the_previous_one(api, salon_id, anna, sms):
    browser = Browser(api)
    ask_code(browser, salon_id, ANNA)
    first = last_code(sms, ANNA)
    sent = ask_code(browser, salon_id, ANNA)
    second = last_code(sms, ANNA)
    csrf = hidden(sent)["csrf"]
    if first != second:
        assert browser.post(f"/my/{salon_id}/verify", phone=ANNA, code=first, csrf=csrf).status_code == 400
    assert browser.post(f"/my/{salon_id}/verify", phone=ANNA, code=second, csrf=csrf).status_code == 303


def test_a_used_code_does_not_open_a_second_session(api, salon_id, anna, sms):
    browser = Browser(api)
    sent = ask_code(browser, salon_id, ANNA)
    code, csrf = last_code(sms, ANNA), hidden(sent)["csrf"]
    assert browser.post(f"/my/{salon_id}/verify", phone=ANNA, code=code, csrf=csrf).status_code == 303
    assert Browser(api).post(f"/my/{salon_id}/verify", phone=ANNA, code=code, csrf=csrf).status_code in (400, 403)


def test_a_sixth_code_within_the_hour_is_refused_with_retry_after(api, salon_id, anna, sms, clock):
    browser = Browser(api)
    for _ in range(5):
        assert ask_code(browser, salon_id, ANNA).status_code == 200
    refused = ask_code(browser, salon_id, ANNA)
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 3600
    assert len(sms.sent) == 5
    json_refused = api.http.post(f"/v1/salons/{salon_id}/sign-in", body=f'{{"phone": "{ANNA}"}}',
                                 headers={"Content-Type": "application/json"})
    assert json_refused.status_code == 429 and json_refused.json_body["error"]["code"] == "rate_limited"
    assert "Retry-After" in json_refused.headers
    clock["now"] += timedelta(hours=1)
    assert ask_code(browser, salon_id, ANNA).status_code == 200


def test_unknown_phones_are_limited_like_known_ones(api, salon_id, anna, sms):
    browser = Browser(api)
    statuses = [ask_code(browser, salon_id, STRANGER).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_the_code_leaves_at_once_even_in_quiet_hours(api, repo, salon_id, anna, sms, clock):
    clock["now"] = tuesday(23) - timedelta(days=1)  # Monday 23:00 in Rome: reminders would wait for the morning
    ask_code(Browser(api), salon_id, ANNA)
    assert len(sms.sent) == 1


def test_the_code_counts_against_the_phone_daily_cap(api, repo, salon_id, anna, sms, clock):
    salon, _ = repo.load_salon(salon_id)
    for _ in range(salon.policy.phone_daily_cap):
        assert repo.consume_sms_quota(salon_id, ANNA, clock["now"].astimezone(salon.tz).date(),
                                      salon.policy.phone_daily_cap, salon.policy.salon_daily_cap, clock["now"])
    answer = ask_code(Browser(api), salon_id, ANNA)
    assert answer.status_code == 200  # the same answer: the page says nothing about the number
    assert sms.sent == []
    [stored] = [m for m in repo.client_messages(salon_id, anna.appointment.client_id) if m.kind == "sign_in_code"]
    assert stored.status is MessageStatus.FAILED and stored.reason == "daily_cap_reached"


def test_the_sign_in_forms_need_their_csrf_token(api, salon_id, anna, sms):
    browser = Browser(api)
    browser.get(f"/my/{salon_id}")
    assert browser.post(f"/my/{salon_id}/code", phone=ANNA, csrf="forged").status_code == 403
    assert sms.sent == []
    sent = ask_code(browser, salon_id, ANNA)
    stranger = Browser(api)  # another browser: its nonce cookie is not the one the token is bound to
    stranger.get(f"/my/{salon_id}")
    assert stranger.post(f"/my/{salon_id}/verify", phone=ANNA, code=last_code(sms, ANNA),
                         csrf=hidden(sent)["csrf"]).status_code == 403


def test_a_signed_in_form_without_its_csrf_token_changes_nothing(api, repo, salon_id, anna, sms):
    browser = Browser(api)
    sign_in(browser, salon_id, ANNA, sms)
    refused = browser.post(f"/my/{salon_id}/appointments/{anna.appointment.id}/cancel", csrf="forged")
    assert refused.status_code == 403
    appt = repo.client_appointment(salon_id, anna.appointment.client_id, anna.appointment.id)
    assert appt.status.value == "booked"


def test_sign_out_ends_this_session_only(api, salon_id, anna, sms):
    one, two = Browser(api), Browser(api)
    sign_in(one, salon_id, ANNA, sms)
    sign_in(two, salon_id, ANNA, sms)
    csrf = hidden(one.get(f"/my/{salon_id}"))["csrf"]
    assert one.post(f"/my/{salon_id}/sign-out", csrf=csrf).status_code == 303
    assert 'name="code"' not in text(one.get(f"/my/{salon_id}")) and 'name="phone"' in text(one.get(f"/my/{salon_id}"))
    assert anna.appointment.id in text(two.get(f"/my/{salon_id}"))


def test_sign_out_everywhere_ends_every_session_of_the_client(api, salon_id, anna, sms):
    one, two = Browser(api), Browser(api)
    sign_in(one, salon_id, ANNA, sms)
    sign_in(two, salon_id, ANNA, sms)
    stolen = dict(two.jar)
    csrf = hidden(one.get(f"/my/{salon_id}"))["csrf"]
    assert one.post(f"/my/{salon_id}/sign-out", csrf=csrf, everywhere="1").status_code == 303
    two.jar = stolen
    assert anna.appointment.id not in text(two.get(f"/my/{salon_id}"))


def test_sessions_and_codes_are_stored_hashed(repo, api, salon_id, anna, sms):
    browser = Browser(api)
    sign_in(browser, salon_id, ANNA, sms)
    cookie = next(v for k, v in browser.jar.items() if k.endswith("chairtime_client"))
    session_id = cookie.split(".")[0]
    store = ClientAreaStore()
    import hashlib

    assert store.client_session(hashlib.sha256(session_id.encode()).hexdigest()) is not None
    assert store.client_session(session_id) is None
    code_item = store.sign_in_code(salon_id, ANNA)
    assert code_item.code_digest == ""  # used: nothing left that could open another session


def test_a_forged_or_expired_session_is_not_signed_in(api, salon_id, anna, sms, clock):
    browser = Browser(api)
    sign_in(browser, salon_id, ANNA, sms)
    name = next(k for k in browser.jar if k.endswith("chairtime_client"))
    forged = Browser(api)
    forged.jar = {name: browser.jar[name][:-2] + "xx"}
    assert 'name="phone"' in text(forged.get(f"/my/{salon_id}"))
    clock["now"] += timedelta(days=90, seconds=1)
    assert 'name="phone"' in text(browser.get(f"/my/{salon_id}"))


def _json_sign_in(api, salon_id: str, phone: str):
    return api.http.post(f"/v1/salons/{salon_id}/sign-in", body=f'{{"phone": "{phone}"}}',
                         headers={"Content-Type": "application/json"})


def test_one_address_asking_codes_for_many_phones_is_limited_with_retry_after(api, salon_id, anna, sms):
    # Ten numbers a minute from one address pass (a family, a salon's shared Wi-Fi); the eleventh
    # number is refused by the address's counter, whatever the number, and no text leaves for it.
    phones = [f"+39 347 000 {n:04d}" for n in range(11)]
    statuses = [_json_sign_in(api, salon_id, phone).status_code for phone in phones]
    assert statuses == [202] * 10 + [429]
    refused = _json_sign_in(api, salon_id, ANNA)
    assert refused.status_code == 429 and refused.json_body["error"]["code"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert sms.sent == []  # none of the eleven was a client; Anna's request was refused before any text


def test_one_address_checking_codes_across_phones_is_limited(api, salon_id, anna, sms):
    # The code item allows 5 tries per phone; the address's counter stops trying codes across phones.
    statuses = []
    for n in range(31):
        answer = api.http.post(f"/v1/salons/{salon_id}/sign-in/verify",
                               body=f'{{"phone": "+39 347 111 {n:04d}", "code": "000000"}}',
                               headers={"Content-Type": "application/json"})
        statuses.append(answer.status_code)
    assert statuses == [400] * 30 + [429]
    assert answer.json_body["error"]["code"] == "rate_limited" and "Retry-After" in answer.headers
