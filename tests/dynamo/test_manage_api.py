"""Manage links on DynamoDB Local: idempotent retries, late cancels, reschedules."""
from datetime import UTC, datetime

import pytest

from chalicelib import wiring
from tests.dynamo.helpers import TUESDAY_10, book, post, slot_starts

pytestmark = pytest.mark.usefixtures("fixed_now")


def test_the_same_idempotency_key_and_body_book_once(api, salon_id):
    first = book(api, salon_id, headers={"Idempotency-Key": "retry-1"})
    again = book(api, salon_id, headers={"Idempotency-Key": "retry-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json_body == first.json_body  # same booking, same manage token
    assert api.http.get(f"/v1/bookings/{again.json_body['manage_token']}").status_code == 200
    ten_o_clock = [s for s in slot_starts(api, salon_id, staff=None) if s == TUESDAY_10]
    assert ten_o_clock == ["2026-03-24T10:00:00+01:00"]  # marco is still free; giulia holds one booking


def test_the_same_key_with_a_different_body_is_refused(api, salon_id):
    assert book(api, salon_id, headers={"Idempotency-Key": "retry-2"}).status_code == 201
    other = book(api, salon_id, start="2026-03-24T14:00:00+01:00", headers={"Idempotency-Key": "retry-2"})
    assert other.status_code == 422
    assert other.json_body["error"]["code"] == "idempotency_key_reused"
    assert "2026-03-24T14:00:00+01:00" in slot_starts(api, salon_id)


def test_idempotency_keys_are_per_salon(api, salon_id, repo):
    from local.demo import seed

    seed(repo, salon_id + "-b")
    assert book(api, salon_id, headers={"Idempotency-Key": "shared"}).status_code == 201
    assert book(api, salon_id + "-b", headers={"Idempotency-Key": "shared"}).status_code == 201


def test_a_bad_idempotency_key_is_refused(api, salon_id):
    response = book(api, salon_id, headers={"Idempotency-Key": "k" * 201})
    assert response.status_code == 400 and "Idempotency-Key" in response.json_body["error"]["message"]


def test_a_cancel_after_the_cutoff_is_late_and_counted(api, salon_id, repo):
    token = book(api, salon_id).json_body["manage_token"]
    wiring.set_clock(lambda: datetime(2026, 3, 23, 12, 0, tzinfo=UTC))  # 22 hours before
    cancelled = post(api, f"/v1/bookings/{token}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json_body["booking"]["late"] is True
    client = repo.get_client(salon_id, repo.client_id_for_phone(salon_id, "+393331234567"))
    assert client.late_cancel_count == 1 and client.no_show_count == 0


def test_a_free_cancel_is_not_counted(api, salon_id, repo):
    token = book(api, salon_id).json_body["manage_token"]
    assert post(api, f"/v1/bookings/{token}/cancel").json_body["booking"]["late"] is False
    client = repo.get_client(salon_id, repo.client_id_for_phone(salon_id, "+393331234567"))
    assert client.late_cancel_count == 0


def test_cancelling_twice_is_a_conflict_and_changes_nothing(api, salon_id, repo):
    token = book(api, salon_id).json_body["manage_token"]
    assert post(api, f"/v1/bookings/{token}/cancel").status_code == 200
    again = post(api, f"/v1/bookings/{token}/cancel")
    assert again.status_code == 409 and again.json_body["error"]["code"] == "illegal_transition"


def test_a_started_appointment_cannot_be_cancelled_online(api, salon_id):
    token = book(api, salon_id).json_body["manage_token"]
    wiring.set_clock(lambda: datetime(2026, 3, 24, 9, 5, tzinfo=UTC))
    response = post(api, f"/v1/bookings/{token}/cancel")
    assert response.status_code == 409 and response.json_body["error"]["code"] == "appointment_started"


def test_reschedule_moves_the_booking_and_frees_the_old_slot(api, salon_id):
    token = book(api, salon_id).json_body["manage_token"]
    moved = post(api, f"/v1/bookings/{token}/reschedule", {"start": "2026-03-25T15:00:00+01:00"})
    assert moved.status_code == 200
    assert moved.json_body["booking"]["start"] == "2026-03-25T15:00:00+01:00"
    assert moved.json_body["booking"]["staff_id"] == "giulia"
    assert TUESDAY_10 in slot_starts(api, salon_id)
    assert "2026-03-25T15:00:00+01:00" not in slot_starts(api, salon_id, day="2026-03-25")
    assert api.http.get(f"/v1/bookings/{token}").json_body["booking"]["start"] == "2026-03-25T15:00:00+01:00"


def test_reschedule_by_fifteen_minutes_overlaps_its_own_slot(api, salon_id):
    token = book(api, salon_id).json_body["manage_token"]
    moved = post(api, f"/v1/bookings/{token}/reschedule", {"start": "2026-03-24T10:15:00+01:00"})
    assert moved.status_code == 200
    starts = slot_starts(api, salon_id)
    assert "2026-03-24T11:30:00+01:00" in starts and "2026-03-24T11:15:00+01:00" not in starts
    assert book(api, salon_id, service="haircut", start="2026-03-24T09:30:00+01:00", phone="3337654321"
                ).status_code == 201  # 09:30-10:00 is free again


def test_reschedule_into_a_taken_slot_keeps_the_original(api, salon_id):
    token = book(api, salon_id).json_body["manage_token"]
    book(api, salon_id, start="2026-03-24T15:00:00+01:00", phone="3337654321")
    refused = post(api, f"/v1/bookings/{token}/reschedule", {"start": "2026-03-24T15:00:00+01:00"})
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "slot_taken"
    assert api.http.get(f"/v1/bookings/{token}").json_body["booking"]["start"] == TUESDAY_10
    assert TUESDAY_10 not in slot_starts(api, salon_id)


def test_reschedule_to_another_specialist(api, salon_id):
    token = book(api, salon_id).json_body["manage_token"]
    moved = post(api, f"/v1/bookings/{token}/reschedule", {"start": TUESDAY_10, "staff_id": "marco"})
    assert moved.status_code == 200 and moved.json_body["booking"]["staff_id"] == "marco"
    assert book(api, salon_id, phone="3337654321").status_code == 201  # giulia's 10:00 is free


def test_reschedule_refuses_what_availability_would_not_offer(api, salon_id):
    token = book(api, salon_id).json_body["manage_token"]
    for start in ("2026-03-23T10:00:00+01:00", "2026-03-24T10:07:00+01:00", "2026-03-24T13:00:00+01:00"):
        response = post(api, f"/v1/bookings/{token}/reschedule", {"start": start})
        assert response.status_code == 422 and response.json_body["error"]["code"] == "slot_not_offered"
    bad = post(api, f"/v1/bookings/{token}/reschedule", {"start": "soon"})
    assert bad.status_code == 400


def test_a_cancelled_booking_cannot_be_rescheduled(api, salon_id):
    token = book(api, salon_id).json_body["manage_token"]
    post(api, f"/v1/bookings/{token}/cancel")
    response = post(api, f"/v1/bookings/{token}/reschedule", {"start": "2026-03-25T10:00:00+01:00"})
    assert response.status_code == 409


def test_joining_the_waitlist(api, salon_id):
    body = {"service_id": "color", "date_from": "2026-03-24", "date_to": "2026-03-28",
            "client": {"name": "Anna", "phone": "333 123 4567"}}
    response = post(api, f"/v1/salons/{salon_id}/waitlist", body)
    assert response.status_code == 201
    assert response.json_body["waitlist_entry"]["status"] == "waiting"
    past = post(api, f"/v1/salons/{salon_id}/waitlist", {**body, "date_from": "2026-03-01", "date_to": "2026-03-02"})
    assert past.status_code == 400
    unknown = post(api, f"/v1/salons/{salon_id}/waitlist", {**body, "service_id": "nails"})
    assert unknown.status_code == 404
