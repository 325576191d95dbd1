"""E-mail through SES v2 on moto (what moto's backend received) and WhatsApp through botocore's
Stubber on a real `socialmessaging` client (moto has none): the exact parameters each sends."""
import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from chalicelib.config import Config
from chalicelib.domain.outbox import LINK_PLACEHOLDER
from chalicelib.messaging import channel_texts
from chalicelib.messaging.email import SesEmailSender
from chalicelib.messaging.local import LocalEmailSender, LocalWhatsAppSender
from chalicelib.messaging.providers import SendError, email_sender_from_config, whatsapp_sender_from_config
from chalicelib.messaging.whatsapp import META_API_VERSION, WhatsAppSender
from chalicelib.services.notify import stored_params

REGION = "eu-south-1"
SENDER = "studio@example.com"
TO = "anna@example.com"
PHONE = "+393331234567"
START = datetime(2026, 4, 15, 8, 0, tzinfo=UTC)  # 10:00 in Rome
BASE = "https://book.example"
PARAMS = stored_params("Studio Demo", {"start": START, "service_name": "Colore",
                                       "manage_url": f"{BASE}/m/{LINK_PLACEHOLDER}"})


@pytest.fixture
def aws_env(monkeypatch):
    for name, value in {"AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def moto_sesv2(aws_env):
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("sesv2", region_name=REGION)
        client.create_email_identity(EmailIdentity=SENDER)
        yield client


def sent_on_moto() -> list:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages


def capture_params(client, operation: str) -> list[dict]:
    calls = []
    client.meta.events.register(f"provide-client-params.{client.meta.service_model.service_id.hyphenize()}.{operation}",
                                lambda params, **_: calls.append(dict(params)))
    return calls


# --- e-mail ------------------------------------------------------------------------------------


def test_a_reminder_email_leaves_through_ses_with_the_configuration_set_text_and_html(moto_sesv2):
    calls = capture_params(moto_sesv2, "SendEmail")
    email = channel_texts.email("reminder", "it", "Europe/Rome", PARAMS, token="T" * 43)
    message_id = SesEmailSender(client=moto_sesv2, configuration_set="chairtime-email").send_email(SENDER, TO, email)
    [sent] = sent_on_moto()
    assert sent.id == message_id and sent.source == SENDER and sent.destinations["ToAddresses"] == [TO]
    assert sent.subject == email.subject and "Studio Demo" in sent.subject
    assert f'href="{BASE}/manage/{"T" * 43}/cancel"' in sent.body  # moto keeps the HTML part
    [call] = calls
    assert call["ConfigurationSetName"] == "chairtime-email"
    simple = call["Content"]["Simple"]
    assert simple["Body"]["Text"]["Data"] == email.text and "10:00" in email.text
    assert "Headers" not in simple  # not marketing: no List-Unsubscribe
    assert call["EmailTags"] == [{"Name": "kind", "Value": "reminder"}]


def test_a_marketing_email_carries_list_unsubscribe(moto_sesv2):
    calls = capture_params(moto_sesv2, "SendEmail")
    params = stored_params("Studio Demo", {"service_name": "Colore", "book_url": f"{BASE}/book/demo"})
    email = channel_texts.email("recall", "es", "Europe/Rome", params, unsubscribe_url=f"{BASE}/my/demo/settings")
    SesEmailSender(client=moto_sesv2).send_email(SENDER, TO, email)
    assert calls[0]["Content"]["Simple"]["Headers"] == [{"Name": "List-Unsubscribe",
                                                        "Value": f"<{BASE}/my/demo/settings>"}]
    assert "ConfigurationSetName" not in calls[0]
    assert f"{BASE}/my/demo/settings" in email.text and len(sent_on_moto()) == 1


def test_an_unverified_sender_is_refused_for_good(moto_sesv2):
    email = channel_texts.email("reminder", "en", "Europe/Rome", PARAMS, token="T" * 43)
    with pytest.raises(SendError) as raised:
        SesEmailSender(client=moto_sesv2).send_email("nobody@elsewhere.example", TO, email)
    assert raised.value.permanent and raised.value.reason.startswith("MessageRejected")
    assert sent_on_moto() == []


def test_email_texts_are_in_the_clients_language_with_the_full_manage_link():
    italian = channel_texts.email("booking_confirmation", "it", "Europe/Rome", PARAMS, token="T" * 43)
    assert f"{BASE}/manage/{'T' * 43}" in italian.text and "/m/" not in italian.text
    assert "10:00" in italian.text and italian.html.startswith('<!DOCTYPE html><html lang="it">')
    russian = channel_texts.email("reminder", "ru", "Europe/Rome", PARAMS, token="T" * 43)
    assert russian.subject != channel_texts.email("reminder", "en", "Europe/Rome", PARAMS, token="T" * 43).subject


# --- WhatsApp ----------------------------------------------------------------------------------


def test_whatsapp_sends_the_approved_template_with_its_parameters_as_the_cloud_api_json():
    client = boto3.client("socialmessaging", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    template = channel_texts.whatsapp("reminder", "pt", "America/Sao_Paulo", PARAMS, token="T" * 43)
    expected = {"messaging_product": "whatsapp", "to": PHONE, "type": "template",
                "template": {"name": "chairtime_reminder", "language": {"code": "pt_BR"},
                             "components": [{"type": "body", "parameters": [
                                 {"type": "text", "text": value} for value in template.parameters]}]}}
    with Stubber(client) as stub:
        stub.add_response("send_whatsapp_message", {"messageId": "wamid-1"},
                          {"originationPhoneNumberId": "phone-number-id-123",
                           "message": json.dumps(expected, ensure_ascii=False).encode("utf-8"),
                           "metaApiVersion": META_API_VERSION})
        assert WhatsAppSender(client=client).send_template("phone-number-id-123", PHONE, template) == "wamid-1"
        stub.assert_no_pending_responses()
    assert template.parameters[0] == "Studio Demo" and template.parameters[3] == "05:00"  # São Paulo time
    assert template.parameters[4] == f"{BASE}/m/{'T' * 43}"


@pytest.mark.parametrize(("code", "status", "permanent"), [
    ("ThrottledRequestException", 429, False), ("InternalServiceException", 500, False),
    ("InvalidParametersException", 400, True), ("ResourceNotFoundException", 404, True)])
def test_whatsapp_refusals_are_permanent_and_throttling_is_retried(code, status, permanent):
    client = boto3.client("socialmessaging", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    template = channel_texts.whatsapp("recall", "it", "Europe/Rome", stored_params("S", {"service_name": "C",
                                                                                       "book_url": "u"}))
    with Stubber(client) as stub:
        stub.add_client_error("send_whatsapp_message", service_error_code=code, http_status_code=status)
        with pytest.raises(SendError) as raised:
            WhatsAppSender(client=client).send_template("phone-number-id-123", PHONE, template)
    assert raised.value.permanent is permanent and raised.value.reason.startswith(code)


def test_the_configuration_picks_each_channels_provider():
    def config(**env):
        return Config.from_env(env)

    assert isinstance(email_sender_from_config(config()), LocalEmailSender)
    assert isinstance(whatsapp_sender_from_config(config()), LocalWhatsAppSender)
    ses = email_sender_from_config(config(EMAIL_PROVIDER="ses", SES_CONFIGURATION_SET="chairtime-email"))
    assert isinstance(ses, SesEmailSender) and ses.configuration_set == "chairtime-email"
    assert isinstance(whatsapp_sender_from_config(config(WHATSAPP_PROVIDER="eum")), WhatsAppSender)
    with pytest.raises(ValueError):
        email_sender_from_config(config(EMAIL_PROVIDER="smtp"))
