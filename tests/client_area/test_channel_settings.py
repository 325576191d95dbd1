"""The client changes how they are reached in their area (page and JSON), on DynamoDB Local."""
import json
from dataclasses import replace

import pytest

from tests.client_area.conftest import ANNA, Browser, book_for, hidden, last_code, sign_in, text, tuesday

pytestmark = pytest.mark.dynamodb_local
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def anna(api, repo, salon_id, clock, sms):
    salon, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(salon, channels_enabled=("whatsapp", "email", "sms")))
    book_for(repo, salon_id, ANNA, tuesday(10, weeks=1), clock["now"])
    browser = Browser(api)
    sign_in(browser, salon_id, ANNA, sms)
    return browser


def client(repo, salon_id):
    return repo.get_client(salon_id, repo.client_id_for_phone(salon_id, ANNA))


def test_the_client_picks_email_and_whatsapp_consent_on_the_settings_page(anna, repo, salon_id):
    form = anna.get(f"/my/{salon_id}/settings")
    assert "Come preferisci essere contattato dal salone?" in text(form)
    saved = anna.post(f"/my/{salon_id}/settings", csrf=hidden(form)["csrf"], channel="email",
                      email="anna@example.com", whatsapp="1", marketing="1")
    assert saved.status_code == 303
    after = client(repo, salon_id)
    assert (after.preferred_channel, after.email, after.whatsapp_consent, after.marketing_consent) == (
        "email", "anna@example.com", True, True)
    again = text(anna.get(f"/my/{salon_id}/settings"))
    assert 'value="email" checked' in again and 'value="anna@example.com"' in again


def test_a_refused_choice_writes_nothing_and_keeps_what_was_typed(anna, repo, salon_id):
    form = anna.get(f"/my/{salon_id}/settings")
    answer = anna.post(f"/my/{salon_id}/settings", csrf=hidden(form)["csrf"], channel="whatsapp",
                       email="anna@example.com", marketing="1")
    assert answer.status_code == 400
    page = text(answer)
    assert "Per essere contattato su WhatsApp, spunta la casella" in page
    assert 'value="anna@example.com"' in page and 'name="marketing" value="1" checked' in page
    after = client(repo, salon_id)
    assert after.email is None and after.preferred_channel is None and not after.marketing_consent


def test_a_new_address_lifts_the_suppression_of_the_old_one(anna, repo, salon_id):
    form = anna.get(f"/my/{salon_id}/settings")
    anna.post(f"/my/{salon_id}/settings", csrf=hidden(form)["csrf"], email="anna@example.com")
    client_id = repo.client_id_for_phone(salon_id, ANNA)
    assert repo.suppress_email(salon_id, client_id, "anna@example.com")
    assert 'id="email-suppressed"' in text(anna.get(f"/my/{salon_id}/settings"))
    form = anna.get(f"/my/{salon_id}/settings")
    anna.post(f"/my/{salon_id}/settings", csrf=hidden(form)["csrf"], email="anna.rossi@example.com", channel="email")
    after = client(repo, salon_id)
    assert after.email == "anna.rossi@example.com" and not after.email_suppressed


def test_the_json_twin_changes_the_channel_and_says_which_one_messages_take(api, anna, repo, salon_id, sms):
    api.http.post(f"/v1/salons/{salon_id}/sign-in", body=json.dumps({"phone": ANNA}), headers=JSON)
    token = api.http.post(f"/v1/salons/{salon_id}/sign-in/verify", headers=JSON, body=json.dumps(
        {"phone": ANNA, "code": last_code(sms, ANNA)})).json_body["token"]
    headers = {"Authorization": f"Bearer {token}", **JSON}
    me = api.http.get("/v1/me", headers=headers).json_body
    assert me["client"]["channel"] == "sms" and me["salon"]["channels"] == ["whatsapp", "email", "sms"]
    answer = api.http.put("/v1/me/preferences", headers=headers, body=json.dumps(
        {"recall_consent": False, "marketing_consent": False, "channel": "whatsapp", "whatsapp_consent": True}))
    assert answer.status_code == 200, answer.json_body
    assert answer.json_body["preferences"]["channel"] == "whatsapp"
    assert answer.json_body["reach"]["whatsapp_consent"] is True
    refused = api.http.put("/v1/me/preferences", headers=headers, body=json.dumps(
        {"recall_consent": True, "marketing_consent": True, "channel": "email"}))
    assert refused.status_code == 400 and refused.json_body["error"]["code"] == "invalid_channel"
    assert not client(repo, salon_id).recall_consent  # refused before any consent was written
    bad = api.http.put("/v1/me/preferences", headers=headers, body=json.dumps(
        {"recall_consent": True, "marketing_consent": True, "email": "not an address"}))
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "invalid_email"
