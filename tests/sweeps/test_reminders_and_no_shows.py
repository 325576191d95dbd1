"""Day-before reminders and the nightly no-show ladder, through the sweeps on DynamoDB Local."""
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib import wiring
from chalicelib.domain.appointment import Status
from chalicelib.domain.client import Access
from chalicelib.domain.errors import BookingRestricted
from chalicelib.domain.outbox import MessageStatus
from chalicelib.services import attendance, dispatch, manage, sweeps
from tests.sent_texts import link_token, sent_text
from tests.sweeps.conftest import (
    AFTER_CLOSING,
    BASE,
    MONDAY,
    REMINDER_TIME,
    THURSDAY_OPENING,
    WEDNESDAY_10,
    book,
    messages,
)

PHONE = "+393331234567"


def appointment(repo, booked):
    appt = booked.appointment
    return repo.get_appointment(appt.salon_id, appt.start, appt.id)


def test_the_reminder_is_queued_at_the_salons_time_the_day_before(repo, salon_id, sender):
    booked = book(repo, salon_id)
    assert appointment(repo, booked).due.at == REMINDER_TIME
    sweeps.sweep_appointments(repo, REMINDER_TIME - timedelta(minutes=1), BASE)
    assert messages(repo, salon_id, "reminder") == []
    sweeps.sweep_appointments(repo, REMINDER_TIME, BASE)
    sweeps.sweep_appointments(repo, REMINDER_TIME + timedelta(minutes=15), BASE)  # a second run adds nothing
    [reminder] = messages(repo, salon_id, "reminder")
    assert reminder.not_before == REMINDER_TIME and "10:00" in reminder.body
    assert appointment(repo, booked).due.kind == "noshow"
    dispatch.dispatch(repo, sender, REMINDER_TIME + timedelta(minutes=5))
    assert sent_text(sender, reminder) is not None


def test_the_reminders_link_opens_the_booking(repo, salon_id, sender, api):
    book(repo, salon_id)
    sweeps.sweep_appointments(repo, REMINDER_TIME, BASE)
    [reminder] = messages(repo, salon_id, "reminder")
    dispatch.dispatch(repo, sender, REMINDER_TIME + timedelta(minutes=1))
    token = link_token(sent_text(sender, reminder))
    wiring.set_clock(lambda: REMINDER_TIME + timedelta(minutes=2))
    seen = api.http.get(f"/v1/bookings/{token}")
    assert seen.status_code == 200 and seen.json_body["booking"]["start"] == "2026-04-15T10:00:00+02:00"


def test_the_reminder_link_still_works_after_a_reschedule(repo, salon_id, sender, api):
    booked = book(repo, salon_id)
    sweeps.sweep_appointments(repo, REMINDER_TIME, BASE)
    dispatch.dispatch(repo, sender, REMINDER_TIME + timedelta(minutes=1))
    token = link_token(sent_text(sender, messages(repo, salon_id, "reminder")[0]))
    manage.reschedule(repo, booked.manage_token, WEDNESDAY_10 + timedelta(hours=4), REMINDER_TIME, base_url=BASE)
    wiring.set_clock(lambda: REMINDER_TIME + timedelta(minutes=2))
    assert api.http.get(f"/v1/bookings/{token}").json_body["booking"]["start"] == "2026-04-15T14:00:00+02:00"


def test_a_booking_made_after_the_reminder_time_gets_no_reminder(repo, salon_id, sender):
    booked = book(repo, salon_id, now=REMINDER_TIME + timedelta(hours=1))
    assert appointment(repo, booked).due.kind == "noshow"
    sweeps.sweep_appointments(repo, REMINDER_TIME + timedelta(hours=2), BASE)
    assert messages(repo, salon_id, "reminder") == []
    assert len(messages(repo, salon_id, "booking_confirmation")) == 1


def test_a_cancelled_appointment_gets_no_reminder(repo, salon_id, sender):
    booked = book(repo, salon_id)
    manage.cancel(repo, booked.manage_token, MONDAY + timedelta(hours=1))
    sweeps.sweep_appointments(repo, REMINDER_TIME, BASE)
    assert messages(repo, salon_id, "reminder") == []


def test_an_unmarked_appointment_becomes_a_no_show_once_after_closing(repo, salon_id, sender):
    booked = book(repo, salon_id)
    sweeps.sweep_appointments(repo, REMINDER_TIME, BASE)
    sweeps.sweep_appointments(repo, AFTER_CLOSING - timedelta(minutes=1), BASE)
    assert appointment(repo, booked).status is Status.BOOKED  # the owner has until closing
    sweeps.sweep_appointments(repo, AFTER_CLOSING, BASE)
    sweeps.sweep_appointments(repo, AFTER_CLOSING + timedelta(minutes=15), BASE)
    assert appointment(repo, booked).status is Status.NO_SHOW
    client = repo.get_client(salon_id, booked.appointment.client_id)
    assert client.no_show_count == 1 and client.no_show_days == (date(2026, 4, 15),)
    [policy] = messages(repo, salon_id, "noshow_policy")
    assert policy.not_before == THURSDAY_OPENING and policy.status is MessageStatus.PENDING
    dispatch.dispatch(repo, sender, AFTER_CLOSING + timedelta(minutes=20))
    assert not any(m["body"] == policy.body for m in sender.sent)  # not tonight
    dispatch.dispatch(repo, sender, THURSDAY_OPENING)
    assert any(m["body"] == policy.body for m in sender.sent)


def test_an_arrived_appointment_is_completed_by_the_sweep_and_queues_the_recall(repo, salon_id, sender):
    from local.demo import demo_salon

    salon, services, _ = demo_salon(salon_id)
    repo.save_service(salon_id, replace(next(s for s in services if s.id == "color"), recall_days=90))
    booked = book(repo, salon_id)
    client = repo.get_client(salon_id, booked.appointment.client_id)
    repo.save_client(salon_id, replace(client, recall_consent=True), MONDAY)
    attendance.mark_arrived(repo, appointment(repo, booked))
    sweeps.sweep_appointments(repo, AFTER_CLOSING, BASE)
    assert appointment(repo, booked).status is Status.COMPLETED
    [recall] = messages(repo, salon_id, "recall")
    assert recall.not_before == datetime(2026, 7, 14, 8, 0, tzinfo=UTC)  # 90 days on, 10:00 in Rome


def test_no_recall_without_consent(repo, salon_id, sender):
    from local.demo import demo_salon

    _, services, _ = demo_salon(salon_id)
    repo.save_service(salon_id, replace(next(s for s in services if s.id == "color"), recall_days=90))
    booked = book(repo, salon_id)
    attendance.mark_arrived(repo, appointment(repo, booked))
    sweeps.sweep_appointments(repo, AFTER_CLOSING, BASE)
    assert messages(repo, salon_id, "recall") == []


def miss(repo, salon_id, week: int):
    """Book and miss an appointment `week` weeks after 15 April; returns the booking."""
    booked_at = MONDAY + timedelta(weeks=week)
    booked = book(repo, salon_id, start=WEDNESDAY_10 + timedelta(weeks=week), now=booked_at)
    sweeps.sweep_appointments(repo, AFTER_CLOSING + timedelta(weeks=week), BASE)
    return booked


def test_the_ladder_policy_then_warning_then_restriction(repo, salon_id, sender):
    miss(repo, salon_id, 0)
    miss(repo, salon_id, 1)
    kinds = [m.kind for m in messages(repo, salon_id) if m.kind.startswith(("noshow", "booking_r"))]
    assert sorted(kinds) == ["noshow_policy", "noshow_warning"]
    third = miss(repo, salon_id, 2)
    client = repo.get_client(salon_id, third.appointment.client_id)
    assert client.no_show_count == 3 and client.access is Access.RESTRICTED
    assert client.restricted_until == date(2026, 4, 29) + timedelta(days=90)
    [restricted] = messages(repo, salon_id, "booking_restricted")
    assert "28" in restricted.body or "2026" in restricted.body or "lug" in restricted.body.lower()
    with pytest.raises(BookingRestricted) as refused:
        book(repo, salon_id, start=WEDNESDAY_10 + timedelta(weeks=4), now=MONDAY + timedelta(weeks=3))
    assert "+39 06 1234 5678" in refused.value.message


def test_no_shows_older_than_the_window_do_not_count(repo, salon_id, sender):
    booked = book(repo, salon_id)
    client = repo.get_client(salon_id, booked.appointment.client_id)
    repo.save_client(salon_id, replace(client, no_show_days=(date(2025, 1, 10), date(2025, 2, 10))), MONDAY)
    sweeps.sweep_appointments(repo, AFTER_CLOSING, BASE)
    assert [m.kind for m in messages(repo, salon_id) if m.kind.startswith(("noshow", "booking_r"))] == [
        "noshow_policy"]


def test_reverting_a_no_show_before_its_message_left_restores_everything(repo, salon_id, sender):
    miss(repo, salon_id, 0)
    miss(repo, salon_id, 1)
    third = miss(repo, salon_id, 2)
    missed = appointment(repo, third)
    salon = repo.load_salon(salon_id)[0]
    attendance.revert_no_show(repo, salon, missed, AFTER_CLOSING + timedelta(weeks=2, hours=1))
    client = repo.get_client(salon_id, third.appointment.client_id)
    assert client.no_show_count == 2 and client.access is Access.OK and client.restricted_until is None
    assert appointment(repo, third).status is Status.ARRIVED
    [restricted] = messages(repo, salon_id, "booking_restricted")
    assert restricted.status is MessageStatus.CANCELLED
    dispatch.dispatch(repo, sender, THURSDAY_OPENING + timedelta(weeks=2))
    assert repo.get_message(salon_id, restricted.id).status is MessageStatus.CANCELLED


def test_the_owner_can_mark_a_no_show_early_and_the_slot_is_freed(repo, salon_id, sender):
    booked = book(repo, salon_id)
    salon, catalog = repo.load_salon(salon_id)
    during = WEDNESDAY_10 + timedelta(minutes=20)
    attendance.mark_no_show(repo, salon, catalog, appointment(repo, booked), during, BASE, early=True)
    assert appointment(repo, booked).status is Status.NO_SHOW
    # the rest of the hour can be booked again by someone else
    later = book(repo, salon_id, start=WEDNESDAY_10 + timedelta(minutes=30), service="haircut",
                 phone="+39 333 765 4321")  # its locks are gone: the same time can be booked
    assert later.appointment.status is Status.BOOKED
    sweeps.sweep_appointments(repo, AFTER_CLOSING, BASE)  # nothing counted twice
    assert repo.get_client(salon_id, booked.appointment.client_id).no_show_count == 1


def test_the_sweeps_read_only_what_is_due(repo, salon_id, sender):
    """A bucket far from every other test: the read count equals the due appointments."""
    start = datetime(2031, 6, 10, 8, 0, tzinfo=UTC)  # a Tuesday
    booked_at = datetime(2031, 6, 2, 8, 0, tzinfo=UTC)
    for offset in (0, 75, 240, 315):  # 10:00, 11:15, 14:00, 15:15
        book(repo, salon_id, start=start + timedelta(minutes=offset), now=booked_at, staff="giulia")
    repo.advance_cursor("appt", date(2031, 6, 8))  # as a previous run on that day would have left it
    reminder_run = sweeps.sweep_appointments(repo, datetime(2031, 6, 9, 16, 0, tzinfo=UTC), BASE)
    assert reminder_run.read == 4 and reminder_run.done == {"reminder queued": 4}


def test_a_queued_reminder_is_cancelled_when_the_appointment_is_cancelled_or_moved(repo, salon_id, sender):
    cancelled = book(repo, salon_id)
    moved = book(repo, salon_id, start=WEDNESDAY_10 + timedelta(hours=4), phone="+39 333 765 4321")
    sweeps.sweep_appointments(repo, REMINDER_TIME, BASE)  # both reminders queued, not yet sent
    manage.cancel(repo, cancelled.manage_token, REMINDER_TIME + timedelta(seconds=1), BASE)
    manage.reschedule(repo, moved.manage_token, WEDNESDAY_10 + timedelta(days=1), REMINDER_TIME, base_url=BASE)
    dispatch.dispatch(repo, sender, REMINDER_TIME + timedelta(minutes=1))
    reminders = messages(repo, salon_id, "reminder")
    assert len(reminders) == 2
    assert {(m.status, m.reason) for m in reminders} == {(MessageStatus.CANCELLED, "no_longer_true")}


def test_the_deployed_entry_points_run_the_sweeps(repo, salon_id, sender):
    """Through Chalice's test client: the EventBridge rules and the inbound-SMS handler."""
    import json

    from chalice.test import Client

    from app import app
    from chalicelib import wiring

    own_phone = "+393335550177"  # replies go to the salon that wrote last to a number: keep it ours
    book(repo, salon_id, phone=own_phone)
    wiring.set_clock(lambda: REMINDER_TIME)
    with Client(app) as client:
        swept = client.lambda_.invoke("sweep_appointments", client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
        assert swept.payload["errors"] == 0 and swept.payload.get("reminder queued", 0) >= 1
        sent = client.lambda_.invoke("dispatch_outbox", client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
        assert sent.payload.get("sent", 0) >= 1
        reply = json.dumps({"originationNumber": own_phone, "messageBody": "1"})
        answered = client.lambda_.invoke("inbound_sms", client.events.generate_sns_event(message=reply))
        assert answered.payload == "confirm"
        offers = client.lambda_.invoke("sweep_waitlist_offers", client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
        assert offers.payload["errors"] == 0
