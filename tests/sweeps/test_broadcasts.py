"""Broadcasts on DynamoDB Local: the segments, the preview, enqueueing in pages exactly once, and
sending through the outbox with consent, opt-outs, caps and the budget, even with two
dispatchers at once."""
import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.domain.broadcast import PER_MINUTE, Segment, SegmentKind
from chalicelib.domain.channels import EMAIL, SMS
from chalicelib.domain.client import Client
from chalicelib.domain.ids import new_id
from chalicelib.messaging.local import LocalEmailSender, LocalWhatsAppSender
from chalicelib.messaging.providers import LocalSender, Senders
from chalicelib.services import broadcasts, dispatch
from chalicelib.services.salons import load_salon
from chalicelib.storage import keys, mapping
from chalicelib.storage.client_area_store import ClientAreaStore
from chalicelib.storage.models import ClientItem
from tests.sweeps.conftest import BASE, MONDAY, WEDNESDAY_10, book

TUESDAY_10 = datetime(2026, 4, 14, 8, 0, tzinfo=UTC)  # inside the sending window in Rome
MARKETING = Segment(SegmentKind.MARKETING)


def make_clients(repo, salon_id, count, *, consent=lambda i: True, opted_out=lambda i: False,
                 email=lambda i: None, locale=lambda i: None):
    """`count` client files written in batches (as a salon's import would hold them): their phones
    are distinct Italian mobiles; consent, opt-out, e-mail and language per index."""
    clients = []
    with ClientItem.batch_write() as batch:
        for i in range(count):
            client = Client(id=new_id(), name=f"Client {i}", phone=f"+39333{i:07d}", email=email(i), locale=locale(i),
                            sms_opt_out=opted_out(i))
            item = mapping.client_to_item(salon_id, client, MONDAY)
            item.marketing_consent = consent(i)
            batch.save(item)
            clients.append(client)
    return clients


def configure(repo, salon_id, **settings):
    salon, _ = load_salon(repo, salon_id)
    changed = replace(salon, email_from="studio@example.com", **settings)
    repo.update_salon_fields(changed, ("channels", "policy"))
    return changed


def with_caps(salon, phone=20, salon_cap=2000):
    return replace(salon.policy, phone_daily_cap=phone, salon_daily_cap=salon_cap)


def start(repo, salon_id, text="Spring offer: 20% off colour this week.", segment=MARKETING, now=TUESDAY_10):
    """A broadcast whose text names the salon: the dispatcher sends every salon's due messages of
    the shared test table, so what this test's salon sent is told apart by it."""
    salon, _ = load_salon(repo, salon_id)
    text = f"{text} ({salon_id})"
    broadcast, created = broadcasts.send(repo, salon, "user-1", new_id(), text, segment, now)
    assert created
    return broadcast


def run_rounds(repo, senders, now, rounds, dispatchers=1):
    """The outbox job every 5 minutes (enqueue, then dispatch), `rounds` times; with `dispatchers`
    > 1, that many dispatchers run at once each round (threads)."""
    for _ in range(rounds):
        broadcasts.enqueue_due(repo, now)
        threads = [threading.Thread(target=dispatch.dispatch, args=(repo, senders, now), kwargs={"base_url": BASE})
                   for _ in range(dispatchers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        now += timedelta(minutes=5)
    return now


@pytest.fixture
def senders():
    return Senders(LocalSender(), LocalEmailSender(), LocalWhatsAppSender())


def broadcast_messages(repo, salon_id, broadcast):
    return [m for m in repo.messages_of_salon(salon_id, limit=5000) if m.id.startswith(broadcast.id)]


@pytest.mark.slow
def test_a_broadcast_to_1000_clients_reaches_each_consenting_reachable_client_exactly_once_with_two_dispatchers(
        repo, salon_id, senders):
    salon = configure(repo, salon_id, channels_enabled=(EMAIL, SMS), channel_order=(EMAIL, SMS))
    configure(repo, salon_id, channels_enabled=(EMAIL, SMS), channel_order=(EMAIL, SMS), policy=with_caps(salon))
    clients = make_clients(repo, salon_id, 1000, consent=lambda i: i % 10 != 0, opted_out=lambda i: i % 10 == 1,
                           email=lambda i: f"c{i}@example.com" if i % 10 == 2 else None)
    broadcast = start(repo, salon_id)
    run_rounds(repo, senders, TUESDAY_10, rounds=12, dispatchers=2)

    by_phone = {c.phone: c for c in clients}
    texts = [t for t in senders.sms.sent if salon_id in t["body"]]
    mails = [m for m in senders.email.sent if salon_id in m["email"].text]
    expected_sms = {c.phone for i, c in enumerate(clients) if i % 10 not in (0, 1, 2)}
    expected_mail = {c.email for i, c in enumerate(clients) if i % 10 == 2}
    assert sorted(t["phone"] for t in texts) == sorted(expected_sms)  # exactly once each: no duplicates
    assert sorted(m["to"] for m in mails) == sorted(expected_mail)
    assert all(t["phone"] in by_phone and t["body"].endswith("Rispondi STOP per non ricevere più questi messaggi.")
               for t in texts)  # the salon's language (Italian): how to stop offers
    assert all(m["email"].unsubscribe_url for m in mails)  # List-Unsubscribe and the link
    stored = repo.get_broadcast(salon_id, broadcast.id)
    assert stored.queued == 800 and stored.skipped == {"no_consent": 100, "opted_out": 100}
    progress = broadcasts.progress(repo, stored)
    assert (progress.sent, progress.queued, progress.failed) == (800, 0, 0)
    assert progress.skipped == {"no_consent": 100, "opted_out": 100}


def test_a_double_click_or_a_second_enqueuer_never_makes_a_second_message(repo, salon_id):
    make_clients(repo, salon_id, 250)
    salon, _ = load_salon(repo, salon_id)
    broadcast_id = new_id()
    first, created = broadcasts.send(repo, salon, "user-1", broadcast_id, "Hello", MARKETING, TUESDAY_10)
    again, created_again = broadcasts.send(repo, salon, "user-1", broadcast_id, "Hello", MARKETING, TUESDAY_10)
    assert created and not created_again and again.id == first.id
    threads = [threading.Thread(target=broadcasts.enqueue_due, args=(repo, TUESDAY_10)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    broadcasts.enqueue_due(repo, TUESDAY_10 + timedelta(minutes=5))  # whoever lost a page goes on from the cursor
    written = broadcast_messages(repo, salon_id, first)
    assert len(written) == 250 and len({m.client_id for m in written}) == 250
    stored = repo.get_broadcast(salon_id, broadcast_id)
    assert stored.queued == 250 and stored.status.value == "queued"
    due = repo.due_broadcasts(TUESDAY_10.date(), TUESDAY_10 + timedelta(hours=1))
    assert [b for b in due if b.salon_id == salon_id] == []  # off the due index


def test_messages_are_spread_over_time_and_wait_for_the_sending_window(repo, salon_id):
    make_clients(repo, salon_id, 100)
    evening = datetime(2026, 4, 14, 19, 0, tzinfo=UTC)  # 21:00 in Rome: past the window
    broadcast = start(repo, salon_id, now=evening)
    broadcasts.enqueue_due(repo, evening)
    written = sorted(broadcast_messages(repo, salon_id, broadcast), key=lambda m: m.not_before)
    opening = datetime(2026, 4, 15, 7, 0, tzinfo=UTC)  # 09:00 in Rome the next morning
    assert written[0].not_before == opening
    assert written[-1].not_before == opening + timedelta(minutes=(len(written) - 1) // PER_MINUTE)
    per_minute = {}
    for message in written:
        per_minute[message.not_before] = per_minute.get(message.not_before, 0) + 1
    assert max(per_minute.values()) == PER_MINUTE


def test_a_broadcast_that_reaches_the_evenings_end_goes_on_at_the_same_pace_next_morning(repo, salon_id):
    make_clients(repo, salon_id, 100)
    almost_closing = datetime(2026, 4, 14, 17, 58, tzinfo=UTC)  # 19:58 in Rome; the window ends at 20:00
    broadcast = start(repo, salon_id, now=almost_closing)
    broadcasts.enqueue_due(repo, almost_closing)
    times = sorted(m.not_before for m in broadcast_messages(repo, salon_id, broadcast))
    opening = datetime(2026, 4, 15, 7, 0, tzinfo=UTC)  # 09:00 in Rome
    assert times.count(almost_closing) == PER_MINUTE and times.count(almost_closing + timedelta(minutes=1)) == 30
    assert times.count(opening) == PER_MINUTE and times.count(opening + timedelta(minutes=1)) == 100 - 3 * PER_MINUTE


def test_past_the_daily_cap_the_rest_fails_and_the_owner_sees_why(repo, salon_id, senders):
    salon = configure(repo, salon_id)
    configure(repo, salon_id, policy=with_caps(salon, salon_cap=40))
    make_clients(repo, salon_id, 60)
    broadcast = start(repo, salon_id)
    run_rounds(repo, senders, TUESDAY_10, rounds=6)
    progress = broadcasts.progress(repo, repo.get_broadcast(salon_id, broadcast.id))
    assert progress.sent == 40 and progress.failed == 20
    assert len([t for t in senders.sms.sent if salon_id in t["body"]]) == 40


def test_past_the_monthly_budget_the_rest_is_cancelled_as_budget_reached(repo, salon_id, senders):
    salon = configure(repo, salon_id)
    # SMS to Italy: $0.09 a part; the broadcast is one part. Budget for 10 texts.
    configure(repo, salon_id, policy=with_caps(salon), monthly_budget_usd=Decimal("0.90"))
    make_clients(repo, salon_id, 30)
    broadcast = start(repo, salon_id, text="Closed on Friday.")
    run_rounds(repo, senders, TUESDAY_10, rounds=4)
    progress = broadcasts.progress(repo, repo.get_broadcast(salon_id, broadcast.id))
    assert progress.sent == 10 and progress.skipped.get("budget_reached") == 20
    assert len([t for t in senders.sms.sent if salon_id in t["body"]]) == 10


def test_a_date_segment_reaches_everyone_booked_that_day_without_consent_but_not_those_who_said_stop(
        repo, salon_id):
    anna = book(repo, salon_id, phone="+39 333 765 4321", name="Anna Rossi")
    booked_bea = book(repo, salon_id, start=WEDNESDAY_10 + timedelta(hours=2), phone="+39 333 765 4322", name="Bea")
    later = book(repo, salon_id, start=WEDNESDAY_10 + timedelta(days=1), phone="+39 333 765 4323", name="Cloe")
    bea = repo.get_client(salon_id, booked_bea.appointment.client_id)
    repo.save_client(salon_id, replace(bea, sms_opt_out=True), MONDAY)
    salon, _ = load_salon(repo, salon_id)
    segment = Segment(SegmentKind.DATE, day=date(2026, 4, 15))
    shown = broadcasts.preview(repo, salon, "We are closed tomorrow.", segment, MONDAY)
    assert shown.reach[SMS] == 1 and shown.skipped == {"opted_out": 1}
    assert shown.cost_usd[SMS] == Decimal("0.09")
    broadcast = start(repo, salon_id, text="We are closed tomorrow.", segment=segment, now=TUESDAY_10)
    broadcasts.enqueue_due(repo, TUESDAY_10)
    [message] = broadcast_messages(repo, salon_id, broadcast)
    assert message.client_id == anna.appointment.client_id and message.client_id != later.appointment.client_id
    assert "STOP" not in message.body  # a notice about their appointment, not marketing
    assert message.kind == "notice" and message.params["marketing"] == "0"
    from chalicelib.messaging import channel_texts

    unsubscribe = f"https://book.example/my/{salon_id}/settings"
    email = channel_texts.email(message.kind, "it", salon.timezone, message.params, None, unsubscribe)
    assert email.unsubscribe_url is None and "We are closed tomorrow." in email.text
    template = channel_texts.whatsapp(message.kind, "it", salon.timezone, message.params)
    assert template.name == "chairtime_notice" and template.parameters == (salon.name, message.params["text"])


def test_service_and_lapsed_segments_use_the_appointments_and_need_consent(repo, salon_id):
    colour = book(repo, salon_id, phone="+39 333 765 4330", name="Dora", service="color")
    make_clients(repo, salon_id, 3)
    for client_id in (colour.appointment.client_id,):
        item = ClientItem.get(keys.salon_pk(salon_id), keys.client_sk(client_id))
        item.update(actions=[ClientItem.marketing_consent.set(True)])
    salon, catalog = load_salon(repo, salon_id)
    of_colour = Segment(SegmentKind.SERVICE, service_id="color", days=365)
    shown = broadcasts.preview(repo, salon, "New colours in.", of_colour, TUESDAY_10)
    assert shown.total == 1
    lapsed = Segment(SegmentKind.LAPSED, days=30)
    shown = broadcasts.preview(repo, salon, "We miss you.", lapsed, TUESDAY_10)
    assert shown.total == 3  # the three without appointments; Dora is booked tomorrow
    text, segment = broadcasts.read_request({"text": "Hi", "segment": "service", "service_id": "color"}, catalog,
                                            salon, TUESDAY_10)
    assert segment == Segment(SegmentKind.SERVICE, service_id="color")


def test_a_request_with_a_bad_segment_says_which_fields_to_fix(repo, salon_id):
    from chalicelib.services.owner.settings_fields import FieldErrors

    salon, catalog = load_salon(repo, salon_id)
    with pytest.raises(FieldErrors) as error:
        broadcasts.read_request({"text": "", "segment": "lapsed", "days": "0"}, catalog, salon, TUESDAY_10)
    assert set(error.value.errors) == {"text", "days"}
    with pytest.raises(FieldErrors) as error:
        broadcasts.read_request({"text": "x", "segment": "date", "day": "2020-01-01"}, catalog, salon, TUESDAY_10)
    assert set(error.value.errors) == {"day"}


def test_a_client_who_withdraws_consent_after_enqueueing_is_not_sent_the_offer(repo, salon_id, senders):
    salon = configure(repo, salon_id)
    configure(repo, salon_id, policy=with_caps(salon))
    stays, leaves = make_clients(repo, salon_id, 2)
    broadcast = start(repo, salon_id)
    broadcasts.enqueue_due(repo, TUESDAY_10)
    ClientAreaStore().set_client_consents(salon_id, leaves.id, False, False)  # the client's area, after the enqueueing
    run_rounds(repo, senders, TUESDAY_10, rounds=1)
    assert [t["phone"] for t in senders.sms.sent if salon_id in t["body"]] == [stays.phone]
    progress = broadcasts.progress(repo, repo.get_broadcast(salon_id, broadcast.id))
    assert progress.sent == 1 and progress.skipped == {"no_consent": 1}


def test_one_broken_broadcast_does_not_stop_the_others(repo, salon_id):
    from chalicelib.domain.broadcast import Broadcast

    make_clients(repo, salon_id, 3)
    orphan = Broadcast(new_id(), f"{salon_id}-gone", "Hello", MARKETING, TUESDAY_10, "user-1")
    assert repo.add_broadcast(orphan)  # its salon does not exist (any failure while enqueueing)
    broadcast = start(repo, salon_id)
    report = broadcasts.enqueue_due(repo, TUESDAY_10)
    assert report["errors"] >= 1 and len(broadcast_messages(repo, salon_id, broadcast)) == 3
