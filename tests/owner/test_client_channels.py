"""The client file's channels on the owner side (HTML and /v1/admin JSON), on DynamoDB Local: how the
client is reached, and a personal message (role, CSRF, audit, opt-out, the outbox)."""
import re
from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib import wiring
from chalicelib.auth import roles
from chalicelib.messaging.local import LocalSender
from chalicelib.services import dispatch
from tests.owner.test_auth import client_address, text  # noqa: F401 - a fixture
from tests.owner.test_clients import audit, book, call, client_of, form, sign_in

pytestmark = pytest.mark.dynamodb_local


@pytest.fixture
def channels(repo, salon_id):
    salon, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(salon, channels_enabled=("whatsapp", "email", "sms")))
    return salon_id


@pytest.fixture
def owner(api, channels, clock):
    return sign_in(api, channels)


def personal_messages(salon_id, client_id):
    return [m for m in wiring.repository().client_messages(salon_id, client_id) if m.kind == "personal"]


# --- how the client is reached ---------------------------------------------------------------------

def test_the_file_shows_the_channel_and_the_owner_changes_it(owner, channels):
    appt = book(channels)
    path = f"/owner/clients/{appt.client_id}"
    page = text(owner.get(path))
    assert re.search(r'id="reach-channel">SMS<', page) and 'id="personal-route"' in page
    saved = form(owner, f"{path}/reach", channel="email", email="elodie@example.com", whatsapp_consent="1")
    assert saved.status_code == 303
    client = client_of(appt)
    assert (client.preferred_channel, client.email, client.whatsapp_consent, client.marketing_consent) == (
        "email", "elodie@example.com", True, False)
    [entry] = audit(channels, "client_reach_changed")
    assert entry.details["fields"] == ["channel", "email", "whatsapp_consent"]
    assert "elodie@example.com" not in str(entry.details)  # the audit names fields, never the address
    assert re.search(r'id="reach-channel">E-mail<', text(owner.get(path)))


def test_a_refused_change_shows_the_problem_and_keeps_what_was_typed(owner, channels):
    appt = book(channels)
    answer = form(owner, f"/owner/clients/{appt.client_id}/reach", channel="email", email="not-an-address",
                  marketing_consent="1")
    assert answer.status_code == 400
    page = text(answer)
    assert 'value="not-an-address"' in page and 'name="marketing_consent" value="1" checked' in page
    assert client_of(appt).email is None and not client_of(appt).marketing_consent


def test_a_change_without_the_csrf_token_or_by_staff_is_refused(api, owner, channels):
    appt = book(channels)
    assert form(owner, f"/owner/clients/{appt.client_id}/reach", csrf=False, channel="sms").status_code == 403
    staff = sign_in(api, channels, roles.STAFF, staff_id="giulia")
    assert form(staff, f"/owner/clients/{appt.client_id}/reach", channel="sms").status_code == 403
    assert call(staff, "PUT", f"/v1/admin/clients/{appt.client_id}/reach",
                {"whatsapp_consent": True, "marketing_consent": True}).status_code == 403
    assert not client_of(appt).whatsapp_consent


def test_the_json_twin_changes_the_reach(owner, channels):
    appt = book(channels)
    answer = call(owner, "PUT", f"/v1/admin/clients/{appt.client_id}/reach",
                  {"channel": "whatsapp", "whatsapp_consent": True, "marketing_consent": True})
    assert answer.status_code == 200, answer.json_body
    assert answer.json_body["reach"]["channel"] == "whatsapp" and answer.json_body["reach"]["marketing_consent"]
    refused = call(owner, "PUT", f"/v1/admin/clients/{appt.client_id}/reach",
                   {"channel": "email", "whatsapp_consent": True, "marketing_consent": True})
    assert refused.status_code == 400 and refused.json_body["error"]["code"] == "invalid_channel"


# --- a personal message ----------------------------------------------------------------------------

def test_a_personal_message_is_queued_for_the_clients_channel_and_audited(owner, channels, clock):
    appt = book(channels)
    path = f"/owner/clients/{appt.client_id}"
    sent = form(owner, f"{path}/personal-message", text="Ciao Élodie, domani apriamo alle 10.")
    assert sent.status_code == 303
    [message] = personal_messages(channels, appt.client_id)
    assert message.body == "Ciao Élodie, domani apriamo alle 10." and message.status.value == "pending"
    assert message.phone == "+393331234567"
    [entry] = audit(channels, "personal_message_queued")
    assert entry.details == {"message_id": message.id, "channel": "sms", "parts": 1}
    assert "domani" not in str(entry.details)  # the text stays out of the audit
    sender = LocalSender()
    dispatch.dispatch(wiring.repository(), sender, clock["now"] + timedelta(minutes=1))
    assert message.body in [m["body"] for m in sender.sent if m["phone"] == "+393331234567"]
    assert wiring.repository().get_message(channels, message.id).status.value == "sent"


def test_the_reply_to_a_personal_message_lands_in_the_inbox(owner, channels, clock):
    from chalicelib.services import inbound

    appt = book(channels)
    form(owner, f"/owner/clients/{appt.client_id}/personal-message", text="Ci vediamo domani?")
    dispatch.dispatch(wiring.repository(), LocalSender(), clock["now"] + timedelta(minutes=1))
    handled = inbound.handle_reply(wiring.repository(), "+393331234567", "Certo, a domani!",
                                   clock["now"] + timedelta(minutes=5), "https://book.example")
    assert channels in handled.salon_ids
    assert any(e["body"] == "Certo, a domani!" and e["handled_as"] == "inbox"
               for e in wiring.repository().inbox_of_salon(channels))


def test_a_client_who_opted_out_everywhere_is_not_written_to(owner, channels):
    appt = book(channels)
    wiring.repository().set_sms_opt_out(channels, appt.client_id, True)
    page = text(owner.get(f"/owner/clients/{appt.client_id}"))
    assert 'name="text"' not in page and 'id="personal-route"' in page
    answer = call(owner, "POST", f"/v1/admin/clients/{appt.client_id}/messages", {"text": "Ciao"})
    assert answer.status_code == 409 and answer.json_body["error"]["code"] == "client_unreachable"
    assert personal_messages(channels, appt.client_id) == []


def test_an_empty_or_too_long_message_is_refused_and_the_text_kept(owner, channels):
    appt = book(channels)
    long_text = "x" * 641
    answer = form(owner, f"/owner/clients/{appt.client_id}/personal-message", text=long_text)
    assert answer.status_code == 400 and long_text in text(answer)
    assert call(owner, "POST", f"/v1/admin/clients/{appt.client_id}/messages", {"text": "  "}).status_code == 400
    assert personal_messages(channels, appt.client_id) == []


def test_the_json_twin_previews_the_channel_and_cost_then_queues(owner, channels):
    appt = book(channels)
    path = f"/v1/admin/clients/{appt.client_id}/messages"
    preview = call(owner, "POST", path, {"text": "Ciao! " * 30, "preview": True})
    assert preview.status_code == 200
    assert preview.json_body["estimate"] == {"channel": "sms", "parts": 2, "cost_usd": "0.1800", "country": "IT"}
    assert personal_messages(channels, appt.client_id) == []
    call(owner, "PUT", f"/v1/admin/clients/{appt.client_id}/reach",
         {"channel": "whatsapp", "whatsapp_consent": True, "marketing_consent": False})
    queued = call(owner, "POST", path, {"text": "Ciao!"})
    assert queued.status_code == 201
    estimate = queued.json_body["estimate"]
    assert (estimate["channel"], estimate["cost_usd"]) == ("whatsapp", "0.0300")
    assert [m.id for m in personal_messages(channels, appt.client_id)] == [queued.json_body["message"]["id"]]


def test_without_the_csrf_token_or_the_role_nothing_is_sent(api, owner, channels):
    appt = book(channels)
    assert call(owner, "POST", f"/v1/admin/clients/{appt.client_id}/messages", {"text": "Ciao"},
                csrf=False).status_code == 403
    staff = sign_in(api, channels, roles.STAFF, staff_id="giulia")
    assert form(staff, f"/owner/clients/{appt.client_id}/personal-message", text="Ciao").status_code in (403, 404)
    assert personal_messages(channels, appt.client_id) == []


def test_a_new_address_in_the_contact_details_lifts_the_suppression(owner, channels):
    appt = book(channels)
    path = f"/owner/clients/{appt.client_id}"
    form(owner, f"{path}/reach", channel="email", email="elodie@example.com")
    assert wiring.repository().suppress_email(channels, appt.client_id, "elodie@example.com")
    assert 'id="email-suppressed"' in text(owner.get(path))
    form(owner, f"{path}/contact", name="Élodie Rossi", phone="+39 333 123 4567", email="elodie.r@example.com",
         locale="")
    client = client_of(appt)
    assert client.email == "elodie.r@example.com" and not client.email_suppressed
    assert client.reachability().can_use("email")
