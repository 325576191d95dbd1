"""The dispatcher on every channel, on DynamoDB Local: the route, the fallback once, what each
message cost, the month's counters and the monthly budget."""
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from chalicelib.domain.channels import EMAIL, SMS, WHATSAPP, Reachability
from chalicelib.domain.outbox import MessageStatus
from chalicelib.messaging.local import LocalEmailSender, LocalWhatsAppSender
from chalicelib.messaging.providers import LocalSender, SendError, Senders
from chalicelib.services import dispatch, manage, notify, sweeps
from chalicelib.services.salons import load_salon
from tests.builders import text_receipts
from tests.sweeps.conftest import BASE, MONDAY, REMINDER_TIME, WEDNESDAY_10, book, messages

EMAIL_ADDRESS = "anna@example.com"
PHONE = "+393331234567"
SENDING = REMINDER_TIME + timedelta(minutes=5)


class RefusingEmail(LocalEmailSender):
    """SES refusing for good (a rejected address): the dispatcher must fall back to the next channel."""

    def send_email(self, sender, to, email):
        raise SendError("MessageRejected: Email address is not verified.", permanent=True)


@pytest.fixture
def senders():
    return Senders(LocalSender(), LocalEmailSender(), LocalWhatsAppSender())


def use_channels(repo, salon_id, **settings):
    salon, _ = load_salon(repo, salon_id)
    changed = replace(salon, email_from="studio@example.com", whatsapp_phone_number_id="phone-number-id-123",
                      **settings)
    repo.update_salon_fields(changed, ("channels",))
    return changed


def give_email(repo, salon_id, booked):
    client = repo.get_client(salon_id, booked.appointment.client_id)
    repo.save_client(salon_id, replace(client, email=EMAIL_ADDRESS), MONDAY)


def queued_reminder(repo, salon_id, booked):
    sweeps.sweep_appointments(repo, REMINDER_TIME, BASE)
    [reminder] = [m for m in messages(repo, salon_id, "reminder") if m.appointment_id == booked.appointment.id]
    return reminder


def month_of(repo, salon_id):
    return repo.message_month(salon_id, "2026-04")


def test_a_reminder_goes_by_email_with_its_manage_and_cancel_links_and_its_cost_is_counted(repo, salon_id, senders):
    use_channels(repo, salon_id, channels_enabled=(EMAIL, SMS))
    booked = book(repo, salon_id, phone="+39 333 123 4567")
    give_email(repo, salon_id, booked)
    reminder = queued_reminder(repo, salon_id, booked)
    dispatch.dispatch(repo, senders, SENDING, base_url=BASE)
    [mail] = [m for m in senders.email.sent if m["to"] == EMAIL_ADDRESS and m["email"].kind == "reminder"]
    assert mail["from"] == "studio@example.com"
    email = mail["email"]
    assert "Studio" in email.subject and "10:00" in email.text
    assert f"{BASE}/manage/" in email.text and "/cancel" in email.text and "Rispondi 1" not in email.text
    assert email.unsubscribe_url is None  # a reminder is not marketing
    # Not also by SMS: its one attempt was the e-mail (other tests' salons share PHONE and the table,
    # and their due texts leave through this dispatch too, so the SMS twin's list cannot tell).
    stored = repo.get_message(salon_id, reminder.id)
    assert stored.status is MessageStatus.SENT and stored.channel == EMAIL
    assert stored.cost_usd == Decimal("0.0001") and stored.parts is None
    assert stored.provider_message_id == mail["message_id"] and stored.attempt_log == ((EMAIL, "sent"),)
    assert "LINK-ADDED" not in email.text
    assert month_of(repo, salon_id)[EMAIL] == {"messages": 2, "cost_musd": 200}  # the confirmation too


def test_a_permanent_refusal_falls_back_to_the_next_channel_once_and_the_log_shows_both(repo, salon_id):
    senders = Senders(LocalSender(), RefusingEmail(), LocalWhatsAppSender())
    use_channels(repo, salon_id, channels_enabled=(EMAIL, SMS))
    booked = book(repo, salon_id)
    give_email(repo, salon_id, booked)
    reminder = queued_reminder(repo, salon_id, booked)
    dispatch.dispatch(repo, senders, SENDING, base_url=BASE)
    stored = repo.get_message(salon_id, reminder.id)
    assert stored.provider_message_id in {t["message_id"] for t in senders.sms.sent if t["phone"] == PHONE}
    assert stored.status is MessageStatus.SENT and stored.channel == SMS
    assert [channel for channel, _ in stored.attempt_log] == [EMAIL, SMS]
    assert stored.attempt_log[0][1].startswith("MessageRejected") and stored.attempt_log[1][1] == "sent"
    assert stored.parts >= 1 and stored.cost_usd == Decimal("0.0900") * stored.parts
    sent = [m for m in messages(repo, salon_id) if m.status is MessageStatus.SENT]  # the confirmation too
    assert {m.channel for m in sent} == {SMS}
    counted = month_of(repo, salon_id)
    assert counted[EMAIL]["messages"] == 0  # the refused e-mails were taken back
    assert counted[SMS] == {"messages": len(sent), "cost_musd": sum(90000 * m.parts for m in sent)}


def test_a_whatsapp_reminder_is_the_approved_template_in_the_clients_language(repo, salon_id, senders, monkeypatch):
    # The client's WhatsApp consent lives on the client file (the inbound side's fields); here
    # the routing input is given directly.
    monkeypatch.setattr(dispatch, "reachability", lambda client: Reachability(whatsapp_consent=True))
    use_channels(repo, salon_id, channels_enabled=(WHATSAPP, SMS))
    booked = book(repo, salon_id)
    reminder = queued_reminder(repo, salon_id, booked)
    dispatch.dispatch(repo, senders, SENDING, base_url=BASE)
    [sent] = [m for m in senders.whatsapp.sent if m["to"] == PHONE and m["template"].name == "chairtime_reminder"]
    template = sent["template"]
    assert sent["phone_number_id"] == "phone-number-id-123"
    assert template.name == "chairtime_reminder" and template.language == "it"
    salon_name, service, day, time, link = template.parameters
    assert time == "10:00" and link.startswith(f"{BASE}/m/") and "LINK-ADDED" not in link
    assert sent["message"]["template"]["components"][0]["parameters"][3] == {"type": "text", "text": "10:00"}
    stored = repo.get_message(salon_id, reminder.id)
    assert stored.channel == WHATSAPP and stored.cost_usd == Decimal("0.0300")


def test_whatsapp_is_free_inside_the_24_hours_a_clients_own_message_opens():
    now = SENDING
    assert dispatch._in_service_window(SimpleNamespace(whatsapp_last_inbound_at=now - timedelta(hours=23)), now)
    assert not dispatch._in_service_window(SimpleNamespace(whatsapp_last_inbound_at=now - timedelta(hours=25)), now)
    assert not dispatch._in_service_window(SimpleNamespace(), now)


def test_past_the_monthly_budget_only_reminders_leave_and_the_owner_is_told_once(repo, salon_id, senders):
    from chalicelib import auth

    accounts = auth.accounts()
    owner = auth.create_user(accounts, salon_id, f"owner-{salon_id}@example.com", "a long enough password 1",
                             "owner", MONDAY)
    auth.create_user(accounts, salon_id, f"desk-{salon_id}@example.com", "a long enough password 2", "front_desk",
                     MONDAY)
    salon = use_channels(repo, salon_id, channels_enabled=(SMS,), monthly_budget_usd=Decimal("0.05"))
    booked = book(repo, salon_id, by_salon=True)  # its confirmation ($0.09 a part) uses up the budget
    dispatch.dispatch(repo, senders, MONDAY + timedelta(minutes=1))
    [confirmation] = messages(repo, salon_id, "booking_confirmation")
    assert repo.get_message(salon_id, confirmation.id).status is MessageStatus.SENT
    client = repo.get_client(salon_id, booked.appointment.client_id)
    over = [notify.message(salon, client, "recall", MONDAY, service_name="Colore", book_url=BASE) for _ in range(2)]
    for message in over:
        repo.add_message(message)
    reminder = queued_reminder(repo, salon_id, booked)
    assert repo.budget_reached_on(salon_id, "2026-04") is None
    dispatch.dispatch(repo, senders, SENDING, base_url=BASE, owners=accounts.users_of_salon)
    assert repo.get_message(salon_id, reminder.id).status is MessageStatus.SENT
    [told] = [m for m in senders.email.sent if m["email"].kind == "budget_reached"]  # the owner only, once
    assert told["to"] == owner.email and told["from"] == "studio@example.com"
    assert "/owner/settings/channels" in told["email"].text and "0.05" in told["email"].text
    for message in over:
        stored = repo.get_message(salon_id, message.id)
        assert stored.status is MessageStatus.CANCELLED and stored.reason == "budget_reached"
    assert repo.budget_reached_on(salon_id, "2026-04") == SENDING
    assert not repo.note_budget_reached(salon_id, "2026-04", SENDING)  # told once
    counted = month_of(repo, salon_id)
    assert counted[SMS]["messages"] == 2  # the confirmation and the reminder, nothing else


def test_a_client_nothing_enabled_can_reach_is_not_messaged(repo, salon_id, senders):
    use_channels(repo, salon_id, channels_enabled=(EMAIL,))  # and the client gave no e-mail
    booked = book(repo, salon_id)
    reminder = queued_reminder(repo, salon_id, booked)
    dispatch.dispatch(repo, senders, SENDING, base_url=BASE)
    stored = repo.get_message(salon_id, reminder.id)
    assert stored.status is MessageStatus.CANCELLED and stored.reason == "no_channel"
    assert not [t for t in senders.sms.sent if t["phone"] == PHONE]


def test_the_reports_show_the_months_messages_and_their_estimated_cost(repo, salon_id, senders):
    from chalicelib.services import reports

    use_channels(repo, salon_id, channels_enabled=(EMAIL, SMS))
    booked = book(repo, salon_id)
    give_email(repo, salon_id, booked)
    queued_reminder(repo, salon_id, booked)
    dispatch.dispatch(repo, senders, SENDING, base_url=BASE)  # the confirmation and the reminder, by e-mail
    report = reports.load_report(repo, salon_id, SENDING)
    [april] = [m for m in reports.as_json(report)["whole_salon"] if m["month"] == "2026-04"]
    assert april["messages_sent"] == 2 and april["message_cost"] == "0.0002"
    assert "2026-04,salon,," in reports.as_csv(report) and ",2,0.0002" in reports.as_csv(report)


def test_what_a_client_did_online_is_confirmed_by_e_mail_and_not_texted_again(repo, salon_id, senders):
    """Booked online: the page confirmed it. The confirmation goes by e-mail where the client gave
    an address; by SMS not at all (reason shown_online), unless the salon asks (text_receipts)."""
    use_channels(repo, salon_id, channels_enabled=(EMAIL, SMS))
    with_email = book(repo, salon_id)
    give_email(repo, salon_id, with_email)
    sms_only = book(repo, salon_id, phone="+39 333 765 4321", start=WEDNESDAY_10 + timedelta(hours=2), name="Bea")
    dispatch.dispatch(repo, senders, MONDAY + timedelta(minutes=1), base_url=BASE)
    by_id = {m.appointment_id: m for m in messages(repo, salon_id, "booking_confirmation")}
    emailed = repo.get_message(salon_id, by_id[with_email.appointment.id].id)
    assert emailed.status is MessageStatus.SENT and emailed.channel == EMAIL
    assert [m["to"] for m in senders.email.sent] == [EMAIL_ADDRESS]
    not_texted = repo.get_message(salon_id, by_id[sms_only.appointment.id].id)
    assert not_texted.status is MessageStatus.CANCELLED and not_texted.reason == "shown_online"
    assert senders.sms.sent == []
    manage.cancel(repo, sms_only.manage_token, MONDAY + timedelta(minutes=2), BASE)  # on the manage page
    dispatch.dispatch(repo, senders, MONDAY + timedelta(minutes=3), base_url=BASE)
    [cancellation] = messages(repo, salon_id, "cancellation_confirmation")
    assert repo.get_message(salon_id, cancellation.id).reason == "shown_online" and senders.sms.sent == []


def test_what_the_salon_booked_is_texted_and_so_is_an_online_booking_when_the_salon_asks(repo, salon_id, senders):
    use_channels(repo, salon_id, channels_enabled=(SMS,))
    by_phone = book(repo, salon_id, by_salon=True)  # the client called: nothing on a screen told them
    dispatch.dispatch(repo, senders, MONDAY + timedelta(minutes=1), base_url=BASE)
    assert [t["phone"] for t in senders.sms.sent] == [PHONE]
    assert repo.get_message(salon_id, messages(repo, salon_id, "booking_confirmation")[0].id).channel == SMS
    text_receipts(repo, salon_id)
    online = book(repo, salon_id, phone="+39 333 765 4321", start=WEDNESDAY_10 + timedelta(hours=2), name="Bea")
    dispatch.dispatch(repo, senders, MONDAY + timedelta(minutes=2), base_url=BASE)
    assert [t["phone"] for t in senders.sms.sent] == [PHONE, "+393337654321"]
    stored = {m.appointment_id: m.status for m in messages(repo, salon_id, "booking_confirmation")}
    assert stored == {by_phone.appointment.id: MessageStatus.SENT, online.appointment.id: MessageStatus.SENT}


def test_a_recall_by_whatsapp_costs_the_marketing_rate_even_inside_the_clients_window(repo, salon_id, senders):
    salon = use_channels(repo, salon_id, channels_enabled=(WHATSAPP, SMS))
    booked = book(repo, salon_id, by_salon=True)
    client = repo.get_client(salon_id, booked.appointment.client_id)
    opened = replace(client, whatsapp_consent=True, whatsapp_last_inbound_at=SENDING - timedelta(hours=1))
    repo.save_client(salon_id, opened, MONDAY)
    reminder = queued_reminder(repo, salon_id, booked)
    recall = notify.message(salon, opened, "recall", MONDAY, service_name="Colore", book_url=f"{BASE}/book/x")
    repo.add_message(recall)
    dispatch.dispatch(repo, senders, SENDING, base_url=BASE)
    sent_recall, sent_reminder = repo.get_message(salon_id, recall.id), repo.get_message(salon_id, reminder.id)
    assert sent_recall.channel == sent_reminder.channel == WHATSAPP
    assert sent_recall.cost_usd == Decimal("0.0691")  # Meta's marketing rate for Italy: never free
    assert sent_reminder.cost_usd == 0  # a utility template inside the client's own 24 hours
