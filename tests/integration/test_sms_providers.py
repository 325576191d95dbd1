"""SMS providers: SNS on moto, End User Messaging with botocore's Stubber, the local recorder,
and the choice the configuration makes."""
import logging
import threading
from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber

from chalicelib.config import Config
from chalicelib.messaging.providers import (
    EumSender,
    LocalSender,
    SendError,
    SmsSender,
    SnsSender,
    sender_from_config,
)

REGION = "eu-south-1"
PHONE = "+393331234567"
BODY = "Promemoria Salone Demo: Taglio, martedì 24/3 alle 10:00. Rispondi 1 per confermare, 2 per annullare."


@pytest.fixture
def aws_env(monkeypatch):
    for name, value in {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def moto_sns(aws_env):
    from moto import mock_aws

    with mock_aws():
        yield boto3.client("sns", region_name=REGION)


def sent_on_moto() -> dict:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    return sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages  # {message_id: (phone, body)}


def capture_params(client, operation: str) -> list[dict]:
    """The parameters of every call as the client sends them (moto keeps no SMS attributes)."""
    calls = []
    client.meta.events.register(
        f"provide-client-params.{client.meta.service_model.endpoint_prefix}.{operation}",
        lambda params, **_: calls.append(dict(params)),
    )
    return calls


# --- SNS ---------------------------------------------------------------------------------------


def test_sns_publishes_a_transactional_sms(moto_sns):
    calls = capture_params(moto_sns, "Publish")
    sender = SnsSender(client=moto_sns)
    message_id = sender.send(PHONE, BODY)
    assert sent_on_moto()[message_id] == (PHONE, BODY)
    assert calls == [{
        "PhoneNumber": PHONE,
        "Message": BODY,
        "MessageAttributes": {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}},
    }]


def test_sns_adds_the_sender_id_when_configured(moto_sns):
    calls = capture_params(moto_sns, "Publish")
    message_id = SnsSender(client=moto_sns, sender_id="SaloneDemo").send(PHONE, BODY)
    assert sent_on_moto()[message_id] == (PHONE, BODY)
    assert calls[0]["MessageAttributes"]["AWS.SNS.SMS.SenderID"] == {"DataType": "String", "StringValue": "SaloneDemo"}
    assert calls[0]["MessageAttributes"]["AWS.SNS.SMS.SMSType"]["StringValue"] == "Transactional"


def test_sns_creates_its_client_on_first_use(moto_sns):
    sender = SnsSender(region=REGION)
    assert sender._client is None
    message_id = sender.send(PHONE, BODY)
    assert sent_on_moto()[message_id] == (PHONE, BODY)
    assert sender.client.meta.region_name == REGION


def test_sns_opt_out_check(moto_sns):
    sender = SnsSender(client=moto_sns)
    assert sender.is_opted_out("+393331234599") is True  # moto: numbers ending in 99 are opted out
    assert sender.is_opted_out(PHONE) is False


def test_sns_refusal_of_a_bad_number_is_permanent(moto_sns):
    with pytest.raises(SendError) as raised:
        SnsSender(client=moto_sns).send("+0123", BODY)  # not E.164: moto answers InvalidParameter
    assert raised.value.permanent is True
    assert raised.value.reason.startswith("InvalidParameter")


@pytest.mark.parametrize(
    ("code", "status", "permanent"),
    [
        ("Throttling", 400, False),
        ("KMSThrottling", 400, False),
        ("InternalError", 500, False),
        ("SomethingNew", 503, False),  # any 5xx
        ("InvalidParameter", 400, True),
        ("ParameterValueInvalid", 400, True),
        ("AuthorizationError", 403, True),
        ("EndpointDisabled", 400, True),
        ("OptedOut", 400, True),
        ("KMSDisabled", 400, True),
    ],
)
def test_sns_errors_are_transient_or_permanent(aws_env, code, status, permanent):
    client = boto3.client("sns", region_name=REGION)
    with Stubber(client) as stub:
        stub.add_client_error("publish", service_error_code=code, service_message="nope", http_status_code=status)
        with pytest.raises(SendError) as raised:
            SnsSender(client=client).send(PHONE, BODY)
    assert raised.value.permanent is permanent
    assert raised.value.reason == f"{code}: nope"


class Unreachable:
    """A client whose every call finds no endpoint, or no answer."""

    def __init__(self, error):
        self.error = error

    def __getattr__(self, name):
        def call(**_):
            raise self.error

        return call


@pytest.mark.parametrize(
    "error",
    [EndpointConnectionError(endpoint_url="https://sns.eu-south-1.amazonaws.com"),
     ReadTimeoutError(endpoint_url="https://sns.eu-south-1.amazonaws.com")],
)
def test_no_answer_is_transient(error):
    for sender in (SnsSender(client=Unreachable(error)), EumSender(client=Unreachable(error))):
        with pytest.raises(SendError) as raised:
            sender.send(PHONE, BODY)
        assert raised.value.permanent is False
        with pytest.raises(SendError):
            sender.is_opted_out(PHONE)


# --- End User Messaging SMS --------------------------------------------------------------------


@pytest.fixture
def eum_client(aws_env):
    return boto3.client("pinpoint-sms-voice-v2", region_name=REGION)


def test_eum_sends_a_transactional_text(eum_client):
    with Stubber(eum_client) as stub:
        stub.add_response(
            "send_text_message",
            {"MessageId": "eum-1"},
            {"DestinationPhoneNumber": PHONE, "MessageBody": BODY, "MessageType": "TRANSACTIONAL"},
        )
        assert EumSender(client=eum_client).send(PHONE, BODY) == "eum-1"
        stub.assert_no_pending_responses()


def test_eum_sends_from_the_configured_identity_and_configuration_set(eum_client):
    with Stubber(eum_client) as stub:
        stub.add_response(
            "send_text_message",
            {"MessageId": "eum-2"},
            {
                "DestinationPhoneNumber": PHONE,
                "MessageBody": BODY,
                "MessageType": "TRANSACTIONAL",
                "OriginationIdentity": "SaloneDemo",
                "ConfigurationSetName": "chairtime-events",
            },
        )
        sender = EumSender(client=eum_client, origination_identity="SaloneDemo", configuration_set="chairtime-events")
        assert sender.send(PHONE, BODY) == "eum-2"


@pytest.mark.parametrize(
    ("code", "status", "permanent"),
    [
        ("ThrottlingException", 400, False),
        ("InternalServerException", 500, False),
        ("ValidationException", 400, True),
        ("AccessDeniedException", 400, True),
        ("ConflictException", 400, True),
        ("ResourceNotFoundException", 400, True),
        ("ServiceQuotaExceededException", 400, True),
    ],
)
def test_eum_errors_are_transient_or_permanent(eum_client, code, status, permanent):
    with Stubber(eum_client) as stub:
        stub.add_client_error("send_text_message", service_error_code=code, service_message="nope",
                              http_status_code=status)
        with pytest.raises(SendError) as raised:
            EumSender(client=eum_client).send(PHONE, BODY)
    assert raised.value.permanent is permanent
    assert raised.value.reason == f"{code}: nope"


def test_eum_reports_an_opted_out_number(eum_client):
    with Stubber(eum_client) as stub:
        stub.add_response(
            "describe_opted_out_numbers",
            {
                "OptOutListArn": f"arn:aws:sms-voice:{REGION}:123456789012:opt-out-list/Default",
                "OptOutListName": "Default",
                "OptedOutNumbers": [
                    {"OptedOutNumber": PHONE, "OptedOutTimestamp": datetime(2026, 3, 1, tzinfo=UTC),
                     "EndUserOptedOut": True},
                ],
            },
            {"OptOutListName": "Default", "OptedOutNumbers": [PHONE]},
        )
        assert EumSender(client=eum_client).is_opted_out(PHONE) is True


def test_eum_number_not_on_the_list_is_not_opted_out(eum_client):
    with Stubber(eum_client) as stub:
        stub.add_client_error(
            "describe_opted_out_numbers",
            service_error_code="ResourceNotFoundException",
            service_message="Opted out number not found",
            modeled_fields={"Message": "Opted out number not found", "ResourceType": "opted-out-number",
                            "ResourceId": PHONE},
            expected_params={"OptOutListName": "salon-list", "OptedOutNumbers": [PHONE]},
        )
        stub.add_response(
            "describe_opted_out_numbers",
            {"OptOutListArn": "arn", "OptOutListName": "salon-list", "OptedOutNumbers": []},
            {"OptOutListName": "salon-list", "OptedOutNumbers": [PHONE]},
        )
        sender = EumSender(client=eum_client, opt_out_list="salon-list")
        assert sender.is_opted_out(PHONE) is False
        assert sender.is_opted_out(PHONE) is False


def test_eum_missing_opt_out_list_is_a_permanent_error(eum_client):
    with Stubber(eum_client) as stub:
        stub.add_client_error(
            "describe_opted_out_numbers",
            service_error_code="ResourceNotFoundException",
            service_message="Opt-out list not found",
            modeled_fields={"Message": "Opt-out list not found", "ResourceType": "opt-out-list", "ResourceId": "x"},
        )
        with pytest.raises(SendError) as raised:
            EumSender(client=eum_client, opt_out_list="x").is_opted_out(PHONE)
    assert raised.value.permanent is True


def test_eum_uses_end_user_messaging_not_pinpoint(aws_env):
    sender = EumSender(region=REGION)
    assert sender.client.meta.service_model.service_name == "pinpoint-sms-voice-v2"
    assert sender.client.meta.region_name == REGION


# --- Local -------------------------------------------------------------------------------------


def test_local_sender_keeps_the_text_and_logs_a_masked_phone(caplog):
    sender = LocalSender()
    with caplog.at_level(logging.DEBUG, logger="chalicelib.messaging"):
        message_id = sender.send(PHONE, BODY)
    assert message_id.startswith("local-") and len(message_id) == len("local-") + 26
    [sent] = sender.sent
    assert sent["phone"] == PHONE and sent["body"] == BODY and sent["message_id"] == message_id
    assert sent["at"].tzinfo is not None
    assert "+39******4567" in caplog.text
    assert PHONE not in caplog.text and "3331234567" not in caplog.text
    assert sender.is_opted_out(PHONE) is False


def test_local_sender_is_thread_safe():
    sender = LocalSender()
    threads = [threading.Thread(target=lambda: [sender.send(PHONE, BODY) for _ in range(50)]) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sender.sent) == 400
    assert len({m["message_id"] for m in sender.sent}) == 400


# --- Configuration -----------------------------------------------------------------------------


def config(**sms) -> Config:
    return Config(table_name="t", region=REGION, dynamodb_endpoint=None, public_base_url=None, stage="test", **sms)


def test_the_configuration_picks_the_provider(aws_env):
    assert isinstance(sender_from_config(config()), LocalSender)
    sns = sender_from_config(config(sms_provider="sns", sms_sender_id="SaloneDemo"))
    assert isinstance(sns, SnsSender) and sns.sender_id == "SaloneDemo"
    assert sns.client.meta.region_name == REGION
    eum = sender_from_config(config(
        sms_provider="eum", sms_origination_identity="+393330000000", sms_configuration_set="events",
        sms_opt_out_list="salon-list",
    ))
    assert isinstance(eum, EumSender)
    assert (eum.origination_identity, eum.configuration_set, eum.opt_out_list) == (
        "+393330000000", "events", "salon-list"
    )
    assert eum.client.meta.region_name == REGION
    assert sender_from_config(config(sms_provider="eum")).opt_out_list == "Default"
    for sender in (sns, eum, LocalSender()):
        assert isinstance(sender, SmsSender)


@pytest.mark.parametrize("name", ["pinpoint", "twilio", "", "SNS "])
def test_an_unknown_provider_is_refused(name):
    with pytest.raises(ValueError, match="unknown SMS provider"):
        sender_from_config(config(sms_provider=name))
