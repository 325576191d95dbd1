"""The outbox dispatcher on DynamoDB Local: exactly once, quiet hours, truth, caps, retries."""
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib.domain.ids import new_id
from chalicelib.domain.outbox import LEASE, MessageStatus, OutboxMessage
from chalicelib.messaging.providers import LocalSender, SendError
from chalicelib.services import dispatch, manage, notify
from tests.sweeps.conftest import MONDAY, book, messages, sent_to

PHONE = "+393331234567"


def queue(repo, salon_id, count, now=MONDAY, phone=PHONE, kind="recall"):
    ids = []
    for i in range(count):
        message = OutboxMessage(id=new_id(), salon_id=salon_id, kind=kind, phone=phone if isinstance(phone, str)
                                else phone(i), locale="it", body=f"message {i}", not_before=now, created_at=now)
        repo.add_message(message)
        ids.append(message.id)
    return ids


def test_concurrent_dispatchers_send_every_message_exactly_once(repo, salon_id):
    phones = [f"+39333100{i:04d}" for i in range(30)]
    ids = queue(repo, salon_id, 30, phone=lambda i: phones[i])
    sender = LocalSender()
    barrier = threading.Barrier(4)

    def run():
        barrier.wait()
        dispatch.dispatch(repo, sender, MONDAY + timedelta(minutes=1))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bodies = sorted(m["body"] for m in sender.sent if m["phone"] in phones)
    assert bodies == sorted(f"message {i}" for i in range(30))
    assert {repo.get_message(salon_id, i).status for i in ids} == {MessageStatus.SENT}


def test_a_second_run_or_a_lambda_retry_sends_nothing_again(repo, salon_id, sender):
    queue(repo, salon_id, 3)
    later = MONDAY + timedelta(minutes=1)
    first = dispatch.dispatch(repo, sender, later)
    again = dispatch.dispatch(repo, sender, later)
    assert first["sent"] >= 3 and again["sent"] == 0
    assert len(sent_to(sender, PHONE)) == 3


def test_a_claim_left_by_a_crash_is_retried_after_its_lease(repo, salon_id, sender):
    [message_id] = queue(repo, salon_id, 1)
    message = repo.get_message(salon_id, message_id)
    crashed = message.claimed("dead-dispatcher", MONDAY)
    assert repo.claim_message(message, crashed, MONDAY)  # claimed, then the Lambda died
    dispatch.dispatch(repo, sender, MONDAY + timedelta(minutes=5))
    assert sent_to(sender, PHONE) == [] and repo.get_message(salon_id, message_id).status is MessageStatus.SENDING
    dispatch.dispatch(repo, sender, MONDAY + LEASE + timedelta(minutes=1))
    assert len(sent_to(sender, PHONE)) == 1
    assert repo.get_message(salon_id, message_id).status is MessageStatus.SENT


def test_a_late_outcome_of_a_lost_claim_does_not_overwrite(repo, salon_id):
    [message_id] = queue(repo, salon_id, 1)
    message = repo.get_message(salon_id, message_id)
    first = message.claimed("a", MONDAY)
    assert repo.claim_message(message, first, MONDAY)
    assert not repo.claim_message(message, message.claimed("b", MONDAY), MONDAY)  # same read state: loses
    assert repo.save_message_outcome(first, first.sent("provider-1", MONDAY))
    assert not repo.save_message_outcome(first, first.retry_or_fail("late", False, MONDAY))


def test_a_message_due_in_quiet_hours_waits_for_the_morning(repo, salon, sender):
    the_salon, _ = salon
    client = repo.get_client(the_salon.id, _client_id(repo, salon))
    evening = datetime(2026, 4, 14, 20, 30, tzinfo=UTC)  # 22:30 in Rome
    queued = notify.message(the_salon, client, "recall", evening, service_name="Colore", book_url="x")
    assert queued.not_before == datetime(2026, 4, 15, 7, 0, tzinfo=UTC)  # 09:00 in Rome
    repo.add_message(queued)
    dispatch.dispatch(repo, sender, evening + timedelta(minutes=5))
    assert queued.body not in [m["body"] for m in sender.sent]
    dispatch.dispatch(repo, sender, queued.not_before)
    assert [m["body"] for m in sender.sent].count(queued.body) == 1


def test_quiet_hours_across_the_dst_night(repo, salon, sender):
    the_salon, _ = salon
    client = repo.get_client(the_salon.id, _client_id(repo, salon))
    saturday_night = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)  # 23:00 CET, clocks go forward at 02:00
    queued = notify.message(the_salon, client, "recall", saturday_night, service_name="Colore", book_url="x")
    assert queued.not_before == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 CEST
    autumn = datetime(2026, 10, 24, 21, 0, tzinfo=UTC)  # 23:00 CEST, clocks go back at 03:00
    queued = notify.message(the_salon, client, "recall", autumn, service_name="Colore", book_url="x")
    assert queued.not_before == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)  # 09:00 CET


def test_a_message_found_in_quiet_hours_by_the_dispatcher_is_deferred_not_dropped(repo, salon_id, sender):
    night = datetime(2026, 4, 14, 22, 0, tzinfo=UTC)  # midnight in Rome
    [message_id] = queue(repo, salon_id, 1, now=night - timedelta(hours=3))  # due 21:00 Rome, not sent in time
    report = dispatch.dispatch(repo, sender, night)
    message = repo.get_message(salon_id, message_id)
    assert report["deferred"] >= 1 and message.status is MessageStatus.PENDING
    assert message.not_before == datetime(2026, 4, 15, 7, 0, tzinfo=UTC) and message.attempts == 0


def test_a_reminder_for_a_cancelled_or_moved_appointment_is_cancelled(repo, salon_id, sender):
    booked = book(repo, salon_id)
    confirmation = messages(repo, salon_id, "booking_confirmation")[0]
    manage.cancel(repo, booked.manage_token, MONDAY + timedelta(minutes=1))
    dispatch.dispatch(repo, sender, MONDAY + timedelta(minutes=2))
    assert repo.get_message(salon_id, confirmation.id).status is MessageStatus.CANCELLED
    assert repo.get_message(salon_id, confirmation.id).reason == "no_longer_true"
    # The client cancelled on the manage page, which said so: its confirmation is not texted again.
    [cancellation] = messages(repo, salon_id, "cancellation_confirmation")
    assert repo.get_message(salon_id, cancellation.id).reason == "shown_online"
    assert sent_to(sender, PHONE) == []


def test_an_opted_out_client_is_never_messaged(repo, salon_id, sender):
    book(repo, salon_id)
    client_id = repo.client_id_for_phone(salon_id, PHONE)
    repo.set_sms_opt_out(salon_id, client_id, True)
    dispatch.dispatch(repo, sender, MONDAY + timedelta(minutes=1))
    assert sent_to(sender, PHONE) == []
    assert {m.reason for m in messages(repo, salon_id)} == {"opted_out"}


def test_carrier_opt_out_lists_are_respected(repo, salon_id):
    class OptedOut(LocalSender):
        def is_opted_out(self, phone):
            return True

    opted = OptedOut()
    queue(repo, salon_id, 1)
    dispatch.dispatch(repo, opted, MONDAY + timedelta(minutes=1))
    assert opted.sent == [] and messages(repo, salon_id)[0].reason == "opted_out_carrier"


def test_a_flood_of_foreign_numbers_sends_nothing(repo, salon_id, sender):
    foreign = ["+14155550100", "+447700900123", "+8613800138000", "+2348031234567", "+79161234567"]
    start = datetime(2026, 4, 15, 7, 0, tzinfo=UTC)
    for i, phone in enumerate(foreign * 2):
        try:
            book(repo, salon_id, start=start + timedelta(minutes=15 * i), phone=phone, service="haircut",
                 staff=None, name=f"Bot {i}")
        except Exception:  # noqa: BLE001 - a full day is fine: the point is what gets sent
            pass
    dispatch.dispatch(repo, sender, MONDAY + timedelta(minutes=1))
    assert not any(m["phone"] in foreign for m in sender.sent)
    assert {m.reason for m in messages(repo, salon_id)} == {"country_not_allowed"}


def test_daily_caps_stop_sms_pumping(repo, salon_id, sender):
    queue(repo, salon_id, 10)
    dispatch.dispatch(repo, sender, MONDAY + timedelta(minutes=1))
    assert len(sent_to(sender, PHONE)) == 6  # the per-phone cap
    failed = [m for m in messages(repo, salon_id) if m.status is MessageStatus.FAILED]
    assert len(failed) == 4 and {m.reason for m in failed} == {"daily_cap_reached"}


def test_the_salon_cap_holds_across_many_numbers(repo, salon_id, sender):
    from local.demo import demo_salon

    salon, services, staff = demo_salon(salon_id)
    repo.save_salon(replace(salon, policy=replace(salon.policy, salon_daily_cap=5)))
    queue(repo, salon_id, 12, phone=lambda i: f"+39333200{i:04d}")
    dispatch.dispatch(repo, sender, MONDAY + timedelta(minutes=1))
    assert len([m for m in sender.sent if m["phone"].startswith("+39333200")]) == 5


def test_a_provider_error_is_retried_with_backoff_then_succeeds(repo, salon_id):
    class Flaky(LocalSender):
        failures = 2

        def send(self, phone, body):
            if self.failures:
                self.failures -= 1
                raise SendError("ThrottlingException", permanent=False)
            return super().send(phone, body)

    flaky = Flaky()
    [message_id] = queue(repo, salon_id, 1)
    dispatch.dispatch(repo, flaky, MONDAY)
    retrying = repo.get_message(salon_id, message_id)
    assert retrying.status is MessageStatus.PENDING and retrying.attempts == 1
    assert retrying.not_before == MONDAY + timedelta(minutes=1) and retrying.reason == "ThrottlingException"
    dispatch.dispatch(repo, flaky, MONDAY + timedelta(minutes=1))
    assert repo.get_message(salon_id, message_id).not_before == MONDAY + timedelta(minutes=3)
    dispatch.dispatch(repo, flaky, MONDAY + timedelta(minutes=3))
    done = repo.get_message(salon_id, message_id)
    assert done.status is MessageStatus.SENT and done.attempts == 3 and len(flaky.sent) == 1


def test_a_permanent_provider_error_is_recorded_with_its_reason(repo, salon_id):
    class Refusing(LocalSender):
        def send(self, phone, body):
            raise SendError("ValidationException: invalid destination", permanent=True)

    [message_id] = queue(repo, salon_id, 1)
    dispatch.dispatch(repo, Refusing(), MONDAY)
    failed = repo.get_message(salon_id, message_id)
    assert failed.status is MessageStatus.FAILED and failed.reason.startswith("ValidationException")


def _client_id(repo, salon):
    the_salon, _ = salon
    book(repo, the_salon.id)
    return repo.client_id_for_phone(the_salon.id, PHONE)
