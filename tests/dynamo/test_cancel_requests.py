"""What a cancel by manage link costs in DynamoDB requests (counted on botocore's hooks, as
`make bench` counts them), with everything it must still do."""
from datetime import UTC, datetime

from bench.counting import RequestCounter, pynamodb_clients
from chalicelib.domain.appointment import Status
from chalicelib.services import booking, manage

MONDAY = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)  # 09:00 in Rome
TUESDAY_10 = datetime(2026, 3, 24, 9, 0, tzinfo=UTC)  # 10:00 in Rome: 25 hours later
BASE = "https://book.example"


def _book(repo, salon_id):
    request = booking.BookingRequest(salon_id=salon_id, service_id="color", start=TUESDAY_10, name="Anna Rossi",
                                     phone="+39 333 123 4567", staff_id="giulia")
    return booking.book(repo, request, MONDAY, base_url=BASE)


def _cancel_counted(repo, token, now):
    counter = RequestCounter()
    for client in pynamodb_clients(repo):
        counter.attach(client)
    with counter.measure() as counted:
        cancelled = manage.cancel(repo, token, now, BASE)
    return cancelled, counted


def test_a_late_cancel_by_link_takes_four_requests_and_does_everything(repo, salon_id):
    booked = _book(repo, salon_id)
    late = datetime(2026, 3, 23, 12, 0, tzinfo=UTC)  # 21 hours before: after the 24-hour cutoff
    cancelled, counted = _cancel_counted(repo, booked.manage_token, late)
    assert dict(counted.calls) == {"GetItem": 1, "BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}
    appt = booked.appointment
    stored = repo.get_appointment(salon_id, appt.start, appt.id)
    assert stored.status is Status.CANCELLED and stored.late and cancelled.appointment.late
    assert stored.due.kind == "freed"  # the waitlist gets the slot from the offers sweep
    client = repo.get_client(salon_id, appt.client_id)
    assert client.late_cancel_count == 1
    assert [m.kind for m in repo.messages_of_salon(salon_id)].count("cancellation_confirmation") == 1
    again = booking.book(repo, booking.BookingRequest(salon_id=salon_id, service_id="color", start=TUESDAY_10,
                                                      name="Bea", phone="+39 333 765 4321", staff_id="giulia"),
                         late, base_url=BASE)
    assert again.appointment.start == TUESDAY_10  # the locks went with the cancel


def test_a_link_written_before_it_named_the_client_still_cancels(repo, salon_id):
    """Older link items lack the client id: the client file is then read on its own (5 requests)."""
    from chalicelib.domain.ids import token_hash
    from chalicelib.storage import keys
    from chalicelib.storage.models import TokenItem

    booked = _book(repo, salon_id)
    TokenItem(keys.token_pk(token_hash(booked.manage_token)), keys.TOKEN_SK).update(
        actions=[TokenItem.client_id.remove()])
    cancelled, counted = _cancel_counted(repo, booked.manage_token, MONDAY)
    assert cancelled.appointment.status is Status.CANCELLED and not cancelled.appointment.late
    assert counted.total == 5
