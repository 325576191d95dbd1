"""The booking page's channel choice and consents (in the salon's language), on DynamoDB Local."""
from dataclasses import replace

import pytest

from tests.integration.test_pages import book, text

pytestmark = pytest.mark.dynamodb_local
FORM_PAGE = "/book/{salon}?service=haircut&staff=giulia&start=2026-03-24T09:00:00%2B01:00"


@pytest.fixture
def channels(repo, salon_id):
    salon, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(salon, channels_enabled=("whatsapp", "email", "sms")))
    return salon_id


def stored_client(repo, salon_id):
    return repo.get_client(salon_id, repo.client_id_for_phone(salon_id, "+393331234567"))


def test_the_form_offers_the_salons_channels_and_two_unticked_consents(api, channels, fixed_now):
    page = text(api.http.get(FORM_PAGE.format(salon=channels)))
    assert "Come preferisci essere contattato dal salone?" in page
    for channel in ("whatsapp", "email", "sms"):
        assert f'name="channel" value="{channel}">' in page  # none chosen in advance
    assert 'name="whatsapp" value="1" id="whatsapp-consent">' in page
    assert 'name="marketing" value="1" id="marketing-consent">' in page  # separate, unticked


def test_a_salon_on_sms_only_asks_no_channel_but_still_offers_marketing(api, salon_id, fixed_now):
    page = text(api.http.get(FORM_PAGE.format(salon=salon_id)))
    assert 'name="channel"' not in page and 'name="whatsapp"' not in page
    assert 'id="marketing-consent"' in page


def test_the_choice_and_consents_are_stored_on_the_client(api, repo, channels, fixed_now):
    response = book(api, channels, email="anna@example.com", channel="whatsapp", whatsapp="1", marketing="1")
    assert response.status_code == 303, text(response)
    client = stored_client(repo, channels)
    assert (client.preferred_channel, client.email) == ("whatsapp", "anna@example.com")
    assert client.whatsapp_consent and client.marketing_consent


def test_nothing_ticked_consents_to_nothing(api, repo, channels, fixed_now):
    assert book(api, channels).status_code == 303
    client = stored_client(repo, channels)
    assert client.preferred_channel is None and not client.whatsapp_consent and not client.marketing_consent


@pytest.mark.parametrize("fields, message", [
    ({"channel": "email"}, "Per essere contattato via e-mail, indica il tuo indirizzo e-mail."),
    ({"channel": "whatsapp"}, "Per essere contattato su WhatsApp, spunta la casella"),
])
def test_a_channel_that_cannot_reach_the_client_re_renders_the_form_keeping_everything(api, repo, channels,
                                                                                     fixed_now, fields, message):
    response = book(api, channels, note="Tinta come l'ultima volta", marketing="1", **fields)
    assert response.status_code == 400
    page = text(response)
    assert message in page and 'id="channel-error"' in page
    assert f'value="{fields["channel"]}" checked' in page and 'id="marketing-consent" checked' in page
    assert "Tinta come l&#39;ultima volta" in page  # nothing the client typed is lost
    assert repo.client_id_for_phone(channels, "+393331234567") is None
