"""WhatsApp messages and statuses (End User Messaging Social) and SES notifications, through the
real SNS handlers of app.py, as AWS delivers them, on DynamoDB Local."""
import json
import logging
import uuid
from datetime import timedelta

import pytest

from chalicelib import wiring
from chalicelib.domain.appointment import Status
from chalicelib.services import dispatch, sweeps
from tests.sweeps.conftest import BASE, REMINDER_TIME, WEDNESDAY_10, book, messages

EVENING = REMINDER_TIME + timedelta(minutes=30)  # Tuesday 18:30 in Rome: the reminder went out


@pytest.fixture
def phone() -> str:
    return f"+39333{uuid.uuid4().int % 10_000_000:07d}"


@pytest.fixture
def lambdas(repo):
    """Chalice's test client: invokes the app's own SNS handlers with SNS-shaped events."""
    from chalice.test import Client

    from app import app

    wiring.set_clock(lambda: EVENING)
    with Client(app) as client:
        yield client


def publish(lambdas, handler: str, message: dict | str):
    body = message if isinstance(message, str) else json.dumps(message)
    event = lambdas.events.generate_sns_event(message=body, subject="")
    return lambdas.lambda_.invoke(handler, event).payload


def whatsapp_event(value: dict) -> dict:
    """End User Messaging Social's SNS message: the AWS header and Meta's entry as a JSON string."""
    entry = {"id": "1234567890abcde", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "390612345678", "phone_number_id": "abcde1234567890"}, **value}}]}
    return {"context": {"MetaWabaIds": [{"wabaId": "1234567890abcde", "arn": "arn:aws:social-messaging:eu-south-1:"
                                                                                 "123456789012:waba/fb25"}],
                        "MetaPhoneNumberIds": [{"metaPhoneNumberId": "abcde1234567890",
                                                "arn": "arn:aws:social-messaging:eu-south-1:123456789012:"
                                                       "phone-number-id/976c"}]},
            "whatsAppWebhookEntry": json.dumps(entry), "aws_account_id": "123456789012",
            "message_timestamp": "2026-04-14T16:30:00.000000000Z", "messageId": str(uuid.uuid4())}


def text_from(phone: str, text: str) -> dict:
    return whatsapp_event({"contacts": [{"profile": {"name": "Anna"}, "wa_id": phone.lstrip("+")}],
                           "messages": [{"from": phone.lstrip("+"), "id": f"wamid.{uuid.uuid4().hex}",
                                         "timestamp": "1776184200", "type": "text", "text": {"body": text}}]})


def status_of(repo, booked):
    appt = booked.appointment
    return repo.get_appointment(appt.salon_id, appt.start, appt.id).status


def reminded(repo, salon_id, sender, phone):
    booked = book(repo, salon_id, phone=phone)
    sweeps.sweep_appointments(repo, REMINDER_TIME, BASE)
    dispatch.dispatch(repo, sender, REMINDER_TIME + timedelta(minutes=1))
    return booked


def client_of(repo, salon_id, phone):
    return repo.get_client(salon_id, repo.client_id_for_phone(salon_id, phone))


# --- WhatsApp ----------------------------------------------------------------------------------
def test_a_whatsapp_1_confirms_and_opens_the_free_window(repo, salon_id, sender, phone, lambdas):
    booked = reminded(repo, salon_id, sender, phone)
    assert publish(lambdas, "whatsapp_events", text_from(phone, "1"))["replies"] == 1
    assert status_of(repo, booked) is Status.CONFIRMED
    assert client_of(repo, salon_id, phone).whatsapp_last_inbound_at == EVENING
    assert len(messages(repo, salon_id, "reply_confirmed")) == 1


def test_a_whatsapp_2_cancels(repo, salon_id, sender, phone, lambdas):
    booked = reminded(repo, salon_id, sender, phone)
    publish(lambdas, "whatsapp_events", text_from(phone, "2"))
    assert status_of(repo, booked) is Status.CANCELLED


def test_whatsapp_stop_opts_out_of_whatsapp_only_and_start_opts_back_in(repo, salon_id, sender, phone, lambdas):
    reminded(repo, salon_id, sender, phone)
    publish(lambdas, "whatsapp_events", text_from(phone, "STOP"))
    client = client_of(repo, salon_id, phone)
    assert client.whatsapp_opt_out and not client.sms_opt_out
    assert not client.reachability().can_use("whatsapp") and client.reachability().can_use("sms")
    [entry] = repo.inbox_of_salon(salon_id)
    assert entry["handled_as"] == "stop"
    publish(lambdas, "whatsapp_events", text_from(phone, "start"))
    assert not client_of(repo, salon_id, phone).whatsapp_opt_out


def test_any_other_whatsapp_message_lands_in_the_inbox(repo, salon_id, sender, phone, lambdas):
    booked = reminded(repo, salon_id, sender, phone)
    publish(lambdas, "whatsapp_events", text_from(phone, "Posso arrivare 10 minuti dopo?"))
    [entry] = repo.inbox_of_salon(salon_id)
    assert entry["body"] == "Posso arrivare 10 minuti dopo?" and entry["handled_as"] == "inbox"
    assert entry["phone"] == phone and status_of(repo, booked) is Status.BOOKED


def test_a_whatsapp_status_is_recorded_on_the_message_it_is_about(repo, salon_id, sender, phone, lambdas):
    reminded(repo, salon_id, sender, phone)
    [reminder] = messages(repo, salon_id, "reminder")
    assert reminder.provider_message_id  # the dispatcher linked it when the provider took it
    status = {"id": reminder.provider_message_id, "status": "delivered", "timestamp": "1776184200",
              "recipient_id": phone.lstrip("+")}
    assert publish(lambdas, "whatsapp_events", whatsapp_event({"statuses": [status]}))["statuses"] == 1
    assert repo.get_message(salon_id, reminder.id).delivery_status == "delivered"
    failed = {**status, "status": "failed", "errors": [{"code": 131026, "title": "Message undeliverable"}]}
    publish(lambdas, "whatsapp_events", whatsapp_event({"statuses": [failed]}))
    after = repo.get_message(salon_id, reminder.id)
    assert (after.delivery_status, after.reason) == ("failed", "Message undeliverable")


def test_a_status_of_an_unknown_message_and_a_malformed_event_change_nothing(repo, salon_id, lambdas, caplog):
    status = {"id": "wamid.unknown", "status": "read", "timestamp": "1", "recipient_id": "393331234567"}
    assert publish(lambdas, "whatsapp_events", whatsapp_event({"statuses": [status]}))["unknown"] == 1
    with caplog.at_level(logging.INFO):
        assert publish(lambdas, "whatsapp_events", {"whatsAppWebhookEntry": "{not json"}) == {"ignored": 1}
        assert publish(lambdas, "whatsapp_events", "plain text") == {"ignored": 1}
    assert "not understood" in caplog.text


# --- SES ----------------------------------------------------------------------------------------
def ses_event(kind: str, salon_id: str | None, message_id: str, detail: dict) -> dict:
    """SES event publishing (configuration set -> SNS), as its JSON arrives in the SNS message."""
    mail = {"timestamp": "2026-04-14T16:30:00.000Z", "source": "Studio <book@salon.example>",
            "sendingAccountId": "123456789012", "messageId": message_id, "destination": ["anna@example.com"],
            "headersTruncated": False, "tags": {"ses:configuration-set": ["chairtime"]}}
    if salon_id:
        mail["tags"]["salon"] = [salon_id]
    return {"eventType": kind, "mail": mail, **detail}


def bounce(kind: str, *addresses: str) -> dict:
    return {"bounce": {"bounceType": kind, "bounceSubType": "General", "timestamp": "2026-04-14T16:30:01.000Z",
                       "feedbackId": "0100", "bouncedRecipients": [{"emailAddress": a, "action": "failed",
                                                                    "status": "5.1.1"} for a in addresses]}}


def client_with_email(repo, salon_id, email, phone, start=WEDNESDAY_10):
    from chalicelib.services import booking

    booked = booking.book(repo, booking.BookingRequest(
        salon_id=salon_id, service_id="color", start=start, name="Anna Rossi", phone=phone,
        staff_id="giulia", email=email), REMINDER_TIME - timedelta(days=1), base_url=BASE)
    return booked.appointment.client_id


def test_a_permanent_bounce_suppresses_every_client_with_that_address_in_that_salon(repo, salon_id, lambdas, phone):
    first = client_with_email(repo, salon_id, "anna@example.com", phone)
    other_phone = phone[:-1] + str((int(phone[-1]) + 1) % 10)
    second = client_with_email(repo, salon_id, "anna@example.com", other_phone, WEDNESDAY_10 + timedelta(hours=5))
    answer = publish(lambdas, "email_events", ses_event("Bounce", salon_id, "ses-1", bounce("Permanent",
                                                                                           "anna@EXAMPLE.com")))
    assert answer["suppressed"] == 2
    for client_id in (first, second):
        client = repo.get_client(salon_id, client_id)
        assert client.email_suppressed and not client.reachability().can_use("email")
    again = publish(lambdas, "email_events", ses_event("Bounce", salon_id, "ses-1", bounce("Permanent",
                                                                                          "anna@example.com")))
    assert again["suppressed"] == 0  # the same notification twice changes nothing more


def test_a_transient_bounce_suppresses_nothing(repo, salon_id, lambdas, phone):
    client_id = client_with_email(repo, salon_id, "anna@example.com", phone)
    publish(lambdas, "email_events", ses_event("Bounce", salon_id, "ses-2", bounce("Transient", "anna@example.com")))
    assert not repo.get_client(salon_id, client_id).email_suppressed


def test_a_complaint_suppresses_the_address(repo, salon_id, lambdas, phone):
    client_id = client_with_email(repo, salon_id, "anna@example.com", phone)
    complaint = {"complaint": {"complainedRecipients": [{"emailAddress": "anna@example.com"}],
                               "timestamp": "2026-04-14T16:31:00.000Z", "feedbackId": "0101",
                               "complaintFeedbackType": "abuse"}}
    publish(lambdas, "email_events", ses_event("Complaint", salon_id, "ses-3", complaint))
    assert repo.get_client(salon_id, client_id).email_suppressed


def test_a_bounce_reaches_no_other_salon(repo, salon_id, lambdas, phone):
    from local.demo import seed

    other = salon_id + "-b"
    seed(repo, other)
    mine = client_with_email(repo, salon_id, "anna@example.com", phone)
    theirs = client_with_email(repo, other, "anna@example.com", phone)
    publish(lambdas, "email_events", ses_event("Bounce", other, "ses-4", bounce("Permanent", "anna@example.com")))
    assert repo.get_client(other, theirs).email_suppressed and not repo.get_client(salon_id, mine).email_suppressed


def test_a_delivery_updates_the_outbox_message_found_by_the_ses_message_id(repo, salon_id, sender, phone, lambdas):
    reminded(repo, salon_id, sender, phone)
    [reminder] = messages(repo, salon_id, "reminder")
    delivery = {"delivery": {"timestamp": "2026-04-14T16:30:02.000Z", "processingTimeMillis": 500,
                             "recipients": ["anna@example.com"], "smtpResponse": "250 ok"}}
    # No salon tag: the message itself says whose it is.
    publish(lambdas, "email_events", ses_event("Delivery", None, reminder.provider_message_id, delivery))
    assert repo.get_message(salon_id, reminder.id).delivery_status == "delivered"


def test_a_malformed_ses_event_is_dropped_without_personal_data_in_the_logs(repo, salon_id, lambdas, caplog):
    with caplog.at_level(logging.INFO):
        assert publish(lambdas, "email_events", {"eventType": "Bounce", "mail": {}}) == {"ignored": 1}
        publish(lambdas, "email_events", ses_event("Bounce", None, "ses-5", bounce("Permanent", "zoe@example.com")))
    assert "zoe@example.com" not in caplog.text and "not understood" in caplog.text
