"""The client's channel and consents, chosen when booking through the public API, on DynamoDB Local."""
from dataclasses import replace

import pytest

from tests.dynamo.helpers import booking_body, post

PHONE = "+393331234567"

pytestmark = pytest.mark.usefixtures("fixed_now")


@pytest.fixture
def channels(repo, salon_id):
    """The salon writes on WhatsApp, e-mail and SMS."""
    salon, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(salon, channels_enabled=("whatsapp", "email", "sms")))
    return salon_id


def book(api, salon_id, client_extra=None, **kwargs):
    body = booking_body(**kwargs)
    body["client"].update(client_extra or {})
    return post(api, f"/v1/salons/{salon_id}/bookings", body)


def client_of(repo, salon_id, response):
    assert response.status_code == 201, response.json_body
    return repo.get_client(salon_id, repo.client_id_for_phone(salon_id, PHONE))


def test_the_salon_says_which_channels_a_client_may_choose(api, channels):
    assert api.http.get(f"/v1/salons/{channels}").json_body["channels"] == ["whatsapp", "email", "sms"]


def test_a_new_client_keeps_the_channel_email_and_consents_given_when_booking(api, repo, channels):
    response = book(api, channels, email="Anna.Rossi@Example.COM", client_extra={
        "channel": "whatsapp", "whatsapp_consent": True, "marketing_consent": True})
    client = client_of(repo, channels, response)
    assert (client.preferred_channel, client.email) == ("whatsapp", "Anna.Rossi@example.com")
    assert client.whatsapp_consent and client.marketing_consent and not client.recall_consent
    reach = client.reachability()
    assert reach.preferred == "whatsapp" and reach.can_use("whatsapp") and reach.can_use("email")


def test_without_a_choice_the_salons_order_decides_and_marketing_stays_off(api, repo, channels):
    from chalicelib.domain.channels import route

    client = client_of(repo, channels, book(api, channels, email="anna@example.com"))
    assert client.preferred_channel is None and not client.marketing_consent and not client.whatsapp_consent
    assert route(client.reachability(), ("whatsapp", "email", "sms"))[0] == "email"  # no WhatsApp consent


@pytest.mark.parametrize("client_extra, code", [
    ({"channel": "email"}, "invalid_channel"),  # e-mail chosen, none given
    ({"channel": "whatsapp"}, "invalid_channel"),  # WhatsApp chosen, not agreed to
    ({"channel": "pigeon"}, "invalid_channel"),
    ({"email": "anna@@example"}, "invalid_email"),
    ({"email": "anna at example.com"}, "invalid_email"),
])
def test_a_bad_email_or_channel_is_a_400_that_says_what_to_fix_and_books_nothing(api, repo, channels,
                                                                                client_extra, code):
    response = book(api, channels, client_extra=client_extra)
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == code and len(response.json_body["error"]["message"]) > 20
    assert repo.client_id_for_phone(channels, PHONE) is None  # nothing was written
    assert book(api, channels).status_code == 201  # the slot is still free


def test_a_channel_the_salon_does_not_use_is_refused(api, salon_id):
    response = book(api, salon_id, email="anna@example.com", client_extra={"channel": "email"})
    assert response.status_code == 400 and response.json_body["error"]["code"] == "invalid_channel"
    assert "sms" in response.json_body["error"]["message"]


def test_a_returning_clients_email_and_channel_are_not_rewritten_from_the_public_side(api, repo, channels):
    first = client_of(repo, channels, book(api, channels, email="anna@example.com",
                                           client_extra={"channel": "email"}))
    again = book(api, channels, start="2026-03-25T10:00:00+01:00", email="someone.else@example.com",
                 client_extra={"channel": "whatsapp", "whatsapp_consent": True, "marketing_consent": True})
    assert again.status_code == 201
    after = repo.get_client(channels, first.id)
    assert (after.email, after.preferred_channel) == ("anna@example.com", "email")  # anyone can type a phone
    assert after.whatsapp_consent and after.marketing_consent  # consents given again are added
