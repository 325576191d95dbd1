"""Two-way SMS replies and the waitlist hand-off, on DynamoDB Local."""
import json
import uuid
from datetime import timedelta

import pytest

from chalicelib import wiring
from chalicelib.domain.appointment import Status
from chalicelib.domain.errors import IllegalTransition, NotFound, SlotTaken
from chalicelib.services import dispatch, inbound, manage, sweeps, waitlist, waitlist_offers
from tests.sent_texts import link_token, sent_text
from tests.sweeps.conftest import BASE, MONDAY, REMINDER_TIME, WEDNESDAY_10, book, messages, sent_to

EVENING = REMINDER_TIME + timedelta(minutes=30)  # Tuesday 18:30 in Rome: the reminder went out


@pytest.fixture
def phone() -> str:
    """A number no other test texts: every salon in the shared table that wrote to a number is a
    candidate for its replies."""
    return f"+39333{uuid.uuid4().int % 10_000_000:07d}"


def reminded(repo, salon_id, sender, phone, start=WEDNESDAY_10):
    booked = book(repo, salon_id, phone=phone, start=start)
    sweeps.sweep_appointments(repo, REMINDER_TIME, BASE)
    dispatch.dispatch(repo, sender, REMINDER_TIME + timedelta(minutes=1))
    return booked


def status_of(repo, booked):
    appt = booked.appointment
    return repo.get_appointment(appt.salon_id, appt.start, appt.id).status


@pytest.mark.parametrize("reply", ["1", "Sì", "si!", "OK", "tak", "Sim", "да", "yes"])
def test_a_positive_reply_confirms_the_next_appointment(repo, salon_id, sender, reply, phone):
    booked = reminded(repo, salon_id, sender, phone)
    handled = inbound.handle_reply(repo, phone, reply, EVENING, BASE)
    assert handled.action == "confirm" and status_of(repo, booked) is Status.CONFIRMED
    assert len(messages(repo, salon_id, "reply_confirmed")) == 1


class CrashingOnSeparateMessages:
    """The repository, except that a message written on its own (outside a transaction) fails:
    what a Lambda killed between two writes would leave behind."""

    def __init__(self, repo):
        self._repo = repo

    def __getattr__(self, name):
        return getattr(self._repo, name)

    def add_message(self, message):
        raise RuntimeError("the function stopped here")


def test_a_confirmation_and_its_acknowledgement_commit_together(repo, salon_id, sender, phone):
    booked = reminded(repo, salon_id, sender, phone)
    try:
        inbound.handle_reply(CrashingOnSeparateMessages(repo), phone, "1", EVENING, BASE)
    except RuntimeError:
        pass
    confirmed = status_of(repo, booked) is Status.CONFIRMED
    acknowledged = len(messages(repo, salon_id, "reply_confirmed")) == 1
    assert confirmed and acknowledged  # both or neither; here both, in one transaction


@pytest.mark.parametrize("confirmations", [True, False])
def test_a_no_is_answered_once_in_the_cancellations_transaction(repo, salon_id, sender, confirmations, phone):
    """With confirmations on, the cancellation's confirmation answers the reply; with them off, a short
    reply does. Either way it commits with the cancellation (no separate write to fail)."""
    from dataclasses import replace

    salon, _ = repo.load_salon(salon_id)
    repo.update_salon_fields(replace(salon, policy=replace(salon.policy, confirmations=confirmations)), ("policy",))
    booked = reminded(repo, salon_id, sender, phone)
    assert inbound.handle_reply(CrashingOnSeparateMessages(repo), phone, "2", EVENING, BASE).action == "cancel"
    assert status_of(repo, booked) is Status.CANCELLED
    answers = [len(messages(repo, salon_id, kind)) for kind in ("cancellation_confirmation", "reply_cancelled")]
    assert answers == ([1, 0] if confirmations else [0, 1])  # the salon's fresh: only this client's texts


def test_a_confirmation_of_a_changed_appointment_queues_no_acknowledgement(repo, salon_id, sender, phone):
    booked = reminded(repo, salon_id, sender, phone)
    stale = booked.appointment
    manage.cancel(repo, booked.manage_token, EVENING, BASE)  # the client cancels by link meanwhile
    salon, catalog = repo.load_salon(salon_id)
    client = repo.get_client(salon_id, stale.client_id)
    with pytest.raises(IllegalTransition):  # the reply acted on what it read before the cancellation
        inbound._answer(repo, salon, catalog, client, stale, "confirm", EVENING, BASE)
    assert status_of(repo, booked) is Status.CANCELLED and messages(repo, salon_id, "reply_confirmed") == []


def test_a_second_yes_is_acknowledged_again(repo, salon_id, sender, phone):
    booked = reminded(repo, salon_id, sender, phone)
    for _ in range(2):
        assert inbound.handle_reply(repo, phone, "1", EVENING, BASE).action == "confirm"
    assert status_of(repo, booked) is Status.CONFIRMED and len(messages(repo, salon_id, "reply_confirmed")) == 2


@pytest.mark.parametrize("reply", ["2", "No", "nie", "não", "нет"])
def test_a_negative_reply_cancels_late_after_the_cutoff_and_frees_the_slot(repo, salon_id, sender, reply, phone):
    booked = reminded(repo, salon_id, sender, phone)
    assert inbound.handle_reply(repo, phone, reply, EVENING, BASE).action == "cancel"
    assert status_of(repo, booked) is Status.CANCELLED
    client = repo.get_client(salon_id, booked.appointment.client_id)
    assert client.late_cancel_count == 1  # 15.5 hours before: after the 24-hour cutoff
    again = book(repo, salon_id, phone="+39 333 765 4321", now=EVENING)
    assert again.appointment.start == WEDNESDAY_10


def test_stop_opts_out_and_start_opts_back_in(repo, salon_id, sender, phone):
    reminded(repo, salon_id, sender, phone)
    assert inbound.handle_reply(repo, phone, "STOP", EVENING, BASE).action == "stop"
    client_id = repo.client_id_for_phone(salon_id, phone)
    assert repo.get_client(salon_id, client_id).sms_opt_out
    later = book(repo, salon_id, start=WEDNESDAY_10 + timedelta(days=1), now=EVENING, phone=phone)
    dispatch.dispatch(repo, sender, EVENING + timedelta(minutes=1))
    [confirmation] = [m for m in messages(repo, salon_id, "booking_confirmation")
                      if m.appointment_id == later.appointment.id]
    assert confirmation.status.value == "cancelled" and confirmation.reason == "opted_out"
    assert confirmation.body not in [m["body"] for m in sender.sent]
    assert inbound.handle_reply(repo, phone, "start", EVENING, BASE).action == "start"
    assert not repo.get_client(salon_id, client_id).sms_opt_out


def test_anything_else_lands_in_the_owners_inbox(repo, salon_id, sender, phone):
    booked = reminded(repo, salon_id, sender, phone)
    handled = inbound.handle_reply(repo, phone, "Can I come 10 minutes late?", EVENING, BASE)
    assert handled.action == "inbox" and status_of(repo, booked) is Status.BOOKED
    [entry] = repo.inbox_of_salon(salon_id)
    assert entry["body"] == "Can I come 10 minutes late?" and entry["handled_as"] == "inbox"


def test_a_reply_from_a_number_we_never_wrote_to_is_ignored(repo, salon_id, sender):
    assert inbound.handle_reply(repo, "+393339998887", "1", EVENING, BASE).action == "unknown_sender"
    assert inbound.handle_reply(repo, "garbage", "1", EVENING, BASE).action == "unknown_sender"


def test_the_sns_entry_point_reads_end_user_messaging_events(repo, salon_id, sender, phone):
    from chalicelib.jobs import run

    booked = reminded(repo, salon_id, sender, phone)
    event = json.dumps({"originationNumber": phone, "destinationNumber": "+390600000000", "messageBody": "1"})
    wiring.set_clock(lambda: EVENING)
    assert run.inbound_sms(event, EVENING) == "confirm"
    assert run.inbound_sms("not json", EVENING) == "ignored"
    assert status_of(repo, booked) is Status.CONFIRMED


def second_salon(repo, salon_id) -> str:
    from local.demo import seed

    seed(repo, salon_id + "-b")
    return salon_id + "-b"


def test_a_reply_acts_for_the_salon_whose_question_it_answers_not_the_last_to_write(repo, salon_id, sender, phone):
    """A stranger books at another salon with the client's number after the client's reminder: that
    salon's confirmation is the last text, yet the client's 2 answers the reminder."""
    mine = reminded(repo, salon_id, sender, phone)
    other = second_salon(repo, salon_id)
    strangers = book(repo, other, phone=phone, start=WEDNESDAY_10, now=REMINDER_TIME + timedelta(minutes=10),
                     by_salon=True)  # booked by phone: that salon texts its confirmation
    dispatch.dispatch(repo, sender, REMINDER_TIME + timedelta(minutes=11))
    [confirmation] = messages(repo, other, "booking_confirmation")
    [reminder] = messages(repo, salon_id, "reminder")
    assert confirmation.status.value == reminder.status.value == "sent"
    assert repo.get_message(other, confirmation.id).sent_at > reminder.sent_at  # the other salon wrote last
    handled = inbound.handle_reply(repo, phone, "2", EVENING, BASE)
    assert (handled.action, handled.salon_id) == ("cancel", salon_id)
    assert status_of(repo, mine) is Status.CANCELLED and status_of(repo, strangers) is Status.BOOKED
    assert [e["handled_as"] for e in repo.inbox_of_salon(salon_id)] == ["cancel"]
    assert repo.inbox_of_salon(other) == []


def test_two_salons_asking_the_same_number_act_on_neither(repo, salon_id, sender, phone):
    mine = book(repo, salon_id, phone=phone)
    other = second_salon(repo, salon_id)
    theirs = book(repo, other, phone=phone, start=WEDNESDAY_10 + timedelta(hours=5))
    sweeps.sweep_appointments(repo, REMINDER_TIME, BASE)
    dispatch.dispatch(repo, sender, REMINDER_TIME + timedelta(minutes=1))
    assert len([m for m in sent_to(sender, phone) if "1" in m["body"] and "2" in m["body"]]) >= 2
    handled = inbound.handle_reply(repo, phone, "2", EVENING, BASE)
    assert handled.action == "ambiguous" and set(handled.salon_ids) == {salon_id, other}
    assert status_of(repo, mine) is Status.BOOKED and status_of(repo, theirs) is Status.BOOKED
    for salon in (salon_id, other):
        [entry] = repo.inbox_of_salon(salon)
        assert entry["body"] == "2" and entry["handled_as"] == "ambiguous"
        [answer] = messages(repo, salon, "reply_ambiguous")
        assert answer.phone == phone
    dispatch.dispatch(repo, sender, EVENING + timedelta(minutes=1))
    answers = [m["body"] for m in sent_to(sender, phone)][-2:]
    assert any("10:00" in body for body in answers) and any("15:00" in body for body in answers)


def test_stop_reaches_every_salon_that_wrote_to_the_number(repo, salon_id, sender, phone):
    reminded(repo, salon_id, sender, phone)
    other = second_salon(repo, salon_id)
    book(repo, other, phone=phone, start=WEDNESDAY_10, now=REMINDER_TIME + timedelta(minutes=10), by_salon=True)
    dispatch.dispatch(repo, sender, REMINDER_TIME + timedelta(minutes=11))
    assert inbound.handle_reply(repo, phone, "STOP", EVENING, BASE).action == "stop"
    for salon in (salon_id, other):
        assert repo.get_client(salon, repo.client_id_for_phone(salon, phone)).sms_opt_out


def test_a_question_closes_when_its_appointment_starts(repo, salon_id, sender, phone):
    booked = reminded(repo, salon_id, sender, phone)
    handled = inbound.handle_reply(repo, phone, "2", WEDNESDAY_10 + timedelta(minutes=5), BASE)
    assert handled.action == "inbox" and status_of(repo, booked) is Status.BOOKED


def join(repo, salon_id, phone, name):
    return waitlist.join(repo, waitlist.WaitlistRequest(
        salon_id=salon_id, service_id="color", first_day=WEDNESDAY_10.date(), last_day=WEDNESDAY_10.date(),
        name=name, phone=phone), MONDAY)


def offer_sent(repo, salon_id, sender, at):
    """The offers sweep offers what cancellations freed; the dispatcher sends the offer with its
    claim link. The stored offer and the claim link's token (found only in the text that left)."""
    sweeps.sweep_offers(repo, at, BASE)
    dispatch.dispatch(repo, sender, at)
    offer = messages(repo, salon_id, "waitlist_offer")[0]
    return offer, link_token(sent_text(sender, offer), "claim")


def test_a_freed_slot_is_offered_to_one_waiting_client_at_a_time(repo, salon_id, sender, api):
    booked = book(repo, salon_id)
    join(repo, salon_id, "+39 347 000 0001", "First")
    join(repo, salon_id, "+39 347 000 0002", "Second")
    manage.cancel(repo, booked.manage_token, MONDAY + timedelta(hours=1), BASE)
    assert messages(repo, salon_id, "waitlist_offer") == []  # the offers sweep makes it, not the cancel
    offer, token = offer_sent(repo, salon_id, sender, MONDAY + timedelta(hours=1))
    assert offer.phone == "+393470000001"
    with pytest.raises(SlotTaken):  # held for the first client: nobody else takes it
        book(repo, salon_id, phone="+39 333 765 4321", now=MONDAY + timedelta(hours=1))
    wiring.set_clock(lambda: MONDAY + timedelta(hours=1, minutes=10))
    claimed = api.http.post(f"/v1/bookings/{token}/claim")
    assert claimed.status_code == 200 and claimed.json_body["booking"]["status"] == "booked"
    assert api.http.get(f"/v1/bookings/{token}").json_body["booking"]["start"] == "2026-04-15T10:00:00+02:00"
    sweeps.sweep_offers(repo, MONDAY + timedelta(hours=1, minutes=11), BASE)  # nothing freed twice
    assert len(messages(repo, salon_id, "waitlist_offer")) == 1  # the second client was not bothered


def test_a_cancel_that_stops_before_the_offer_loses_nothing(repo, salon_id, sender):
    """The freed slot enters the offers lane in the cancel's own transaction: whatever stops
    after it, the next offers sweep still offers the slot, once."""
    booked = book(repo, salon_id)
    join(repo, salon_id, "+39 347 000 0001", "First")
    cancelled_at = MONDAY + timedelta(hours=1)
    manage.cancel(repo, booked.manage_token, cancelled_at, BASE)
    freed = repo.get_appointment(salon_id, booked.appointment.start, booked.appointment.id)
    assert freed.status is Status.CANCELLED and freed.due.kind == "freed"
    sweeps.sweep_offers(repo, cancelled_at + timedelta(minutes=5), BASE)
    sweeps.sweep_offers(repo, cancelled_at + timedelta(minutes=10), BASE)
    assert [m.phone for m in messages(repo, salon_id, "waitlist_offer")] == ["+393470000001"]
    assert repo.get_appointment(salon_id, freed.start, freed.id).due is None


def test_an_unclaimed_hold_goes_to_the_next_client(repo, salon_id, sender):
    booked = book(repo, salon_id)
    # Numbers only this test uses: the dispatcher sends what every salon in the table has due.
    join(repo, salon_id, "+39 347 000 1001", "First")
    join(repo, salon_id, "+39 347 000 1002", "Second")
    cancelled_at = MONDAY + timedelta(hours=1)
    manage.cancel(repo, booked.manage_token, cancelled_at, BASE)
    sweeps.sweep_offers(repo, cancelled_at, BASE)
    [first] = messages(repo, salon_id, "waitlist_offer")
    sweeps.sweep_offers(repo, cancelled_at + timedelta(minutes=29), BASE)
    assert len(messages(repo, salon_id, "waitlist_offer")) == 1  # still held for the first
    sweeps.sweep_offers(repo, cancelled_at + timedelta(minutes=31), BASE)
    offers = messages(repo, salon_id, "waitlist_offer")
    assert sorted(m.phone for m in offers) == ["+393470001001", "+393470001002"]
    dispatch.dispatch(repo, sender, cancelled_at + timedelta(minutes=32))
    [second] = [m for m in offers if m.id != first.id]
    assert sent_text(sender, first) is None  # the expired offer never leaves
    assert sent_text(sender, second) is not None


def test_a_claim_link_ends_with_its_hold(repo, salon_id, sender, api):
    booked = book(repo, salon_id)
    join(repo, salon_id, "+39 347 000 0001", "First")
    cancelled_at = MONDAY + timedelta(hours=1)
    manage.cancel(repo, booked.manage_token, cancelled_at, BASE)
    _, token = offer_sent(repo, salon_id, sender, cancelled_at)
    wiring.set_clock(lambda: cancelled_at + timedelta(minutes=29))
    assert api.http.get(f"/v1/bookings/{token}").status_code == 200
    wiring.set_clock(lambda: cancelled_at + timedelta(minutes=30))  # the hold's end
    expired = api.http.get(f"/v1/bookings/{token}")
    assert expired.status_code == 404 and expired.json_body["error"]["code"] == "booking_not_found"
    with pytest.raises(NotFound):
        waitlist_offers.claim(repo, token, cancelled_at + timedelta(minutes=31), BASE)


def test_no_offer_for_a_slot_that_starts_before_the_message_could_leave(repo, salon_id, sender):
    start = WEDNESDAY_10 - timedelta(hours=1)  # Wednesday 09:00 in Rome
    booked = book(repo, salon_id, start=start)
    join(repo, salon_id, "+39 347 000 0001", "First")
    night = start - timedelta(hours=9)  # Wednesday 00:00 in Rome: quiet until 09:00, the slot's start
    manage.cancel(repo, booked.manage_token, night, BASE)
    sweeps.sweep_offers(repo, night, BASE)
    assert messages(repo, salon_id, "waitlist_offer") == []


def test_the_offer_page_claims_the_slot(repo, salon_id, sender, api):
    booked = book(repo, salon_id)
    join(repo, salon_id, "+39 347 000 0001", "First")
    manage.cancel(repo, booked.manage_token, MONDAY + timedelta(hours=1), BASE)
    _, token = offer_sent(repo, salon_id, sender, MONDAY + timedelta(hours=1))
    wiring.set_clock(lambda: MONDAY + timedelta(hours=1, minutes=5))
    page = api.http.get(f"/claim/{token}")
    assert page.status_code == 200 and "Prenota questo orario" in page.body.decode()
    taken = api.http.post(f"/claim/{token}", body=b"", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert taken.status_code == 303 and taken.headers["Location"].endswith(f"/manage/{token}?done=claimed")
    assert api.http.get(f"/claim/{token}").status_code == 303  # claimed: the link now manages the booking
    wiring.set_clock(lambda: MONDAY + timedelta(hours=3))  # past the hold's end: a manage link's life now
    assert api.http.get(f"/manage/{token}").status_code == 200


def test_an_expired_offer_link_is_not_found(repo, salon_id, sender, api):
    booked = book(repo, salon_id)
    join(repo, salon_id, "+39 347 000 0001", "First")
    manage.cancel(repo, booked.manage_token, MONDAY + timedelta(hours=1), BASE)
    _, token = offer_sent(repo, salon_id, sender, MONDAY + timedelta(hours=1))
    wiring.set_clock(lambda: MONDAY + timedelta(hours=2))
    assert api.http.get(f"/claim/{token}").status_code == 404


def test_short_sms_links_lead_to_the_manage_page(api, salon_id, repo):
    response = api.http.get("/m/some-token")
    assert response.status_code == 303 and response.headers["Location"].endswith("/manage/some-token")


def counters_follow_the_appointments(repo, salon_id) -> dict:
    from chalicelib.domain import reports
    from chalicelib.services.salons import load_salon

    salon, _ = load_salon(repo, salon_id)
    texts = reports.MESSAGE_COUNTERS  # counted by the dispatcher, not from the appointments
    stored = {key: {n: v for n, v in counters.items() if n not in texts}
              for key, counters in repo.report_counters(salon_id, "2026-01", "2026-12").items()}
    assert stored == reports.summed(repo.all_appointments(salon_id), salon.tz)
    return {name: sum(c.get(name, 0) for (_, staff), c in stored.items() if staff is None) for name in reports.COUNTERS}


def test_the_report_counters_follow_a_freed_slot_through_its_offers_and_the_claim(repo, salon_id, sender, api):
    """Cancel (the slot enters the offers lane), offer, let it expire, offer the next, claim: every
    status change moves the counters in its own transaction, so they equal the recomputation."""
    booked = book(repo, salon_id)
    join(repo, salon_id, "+39 347 000 2001", "First")
    join(repo, salon_id, "+39 347 000 2002", "Second")
    cancelled_at = MONDAY + timedelta(hours=1)
    manage.cancel(repo, booked.manage_token, cancelled_at, BASE)
    whole = counters_follow_the_appointments(repo, salon_id)
    assert (whole["appointments"], whole["cancels"]) == (1, 1)
    sweeps.sweep_offers(repo, cancelled_at, BASE)  # held for the first: a hold counts once claimed
    assert counters_follow_the_appointments(repo, salon_id) == whole
    offer_sent(repo, salon_id, sender, cancelled_at + timedelta(minutes=31))  # expired, offered to the second
    assert counters_follow_the_appointments(repo, salon_id) == whole  # an expired hold is no cancellation
    [second] = [m for m in messages(repo, salon_id, "waitlist_offer") if m.phone == "+393470002002"]
    token = link_token(sent_text(sender, second), "claim")
    wiring.set_clock(lambda: cancelled_at + timedelta(minutes=40))
    assert api.http.post(f"/v1/bookings/{token}/claim").status_code == 200
    whole = counters_follow_the_appointments(repo, salon_id)
    assert (whole["appointments"], whole["cancels"], whole["booked_minutes"] > 0) == (2, 1, True)


def test_claiming_an_offer_is_rate_limited_per_link(repo, salon_id, sender, api):
    # A claim is a public write: one tap books, repeated taps answer "claimed already" until the
    # link's hourly count (as for a cancel) is spent; then 429 with Retry-After, and nothing changes.
    booked = book(repo, salon_id)
    join(repo, salon_id, "+39 347 000 0001", "First")
    manage.cancel(repo, booked.manage_token, MONDAY + timedelta(hours=1), BASE)
    _, token = offer_sent(repo, salon_id, sender, MONDAY + timedelta(hours=1))
    wiring.set_clock(lambda: MONDAY + timedelta(hours=1, minutes=10))
    statuses = [api.http.post(f"/v1/bookings/{token}/claim").status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    refused = api.http.post(f"/v1/bookings/{token}/claim")
    assert refused.json_body["error"]["code"] == "rate_limited" and "Retry-After" in refused.headers
    assert api.http.get(f"/v1/bookings/{token}").json_body["booking"]["status"] == "booked"
