"""The public booking API on DynamoDB Local: book, see, cancel, and every refusal."""
from datetime import UTC

import pytest

from chalicelib.domain.client import Access
from tests.dynamo.helpers import TUESDAY_10, book, booking_body, post, slot_starts

pytestmark = pytest.mark.usefixtures("fixed_now")


def test_a_booking_is_created_with_a_private_manage_link(api, salon_id):
    response = book(api, salon_id)
    assert response.status_code == 201
    body = response.json_body
    assert body["booking"]["status"] == "booked"
    assert body["booking"]["start"] == TUESDAY_10
    assert body["booking"]["end"] == "2026-03-24T11:00:00+01:00"
    assert (body["booking"]["service_id"], body["booking"]["staff_id"]) == ("color", "giulia")
    assert body["manage_url"] == f"https://book.example/manage/{body['manage_token']}"
    assert len(body["manage_token"]) >= 43

    seen = api.http.get(f"/v1/bookings/{body['manage_token']}")
    assert seen.status_code == 200
    assert seen.json_body["booking"]["id"] == body["booking"]["id"]
    assert seen.json_body["salon"]["phone"] == "+39 06 1234 5678"
    assert seen.json_body["free_cancellation_until"] == "2026-03-23T10:00:00+01:00"


def test_the_manage_view_shows_no_client_data(api, salon_id):
    token = book(api, salon_id, name="Anna Secret", email="anna@example.com", notes="allergic to ammonia"
                 ).json_body["manage_token"]
    text = api.http.get(f"/v1/bookings/{token}").body.decode()
    for private in ("Anna Secret", "3331234567", "anna@example.com", "ammonia"):
        assert private not in text


def test_a_booked_slot_leaves_availability_and_comes_back_when_cancelled(api, salon_id):
    assert TUESDAY_10 in slot_starts(api, salon_id)
    token = book(api, salon_id).json_body["manage_token"]
    starts = slot_starts(api, salon_id)
    assert TUESDAY_10 not in starts and "2026-03-24T09:00:00+01:00" not in starts  # its buffer
    assert "2026-03-24T11:15:00+01:00" in starts
    cancelled = post(api, f"/v1/bookings/{token}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json_body["booking"]["status"] == "cancelled"
    assert cancelled.json_body["booking"]["late"] is False
    assert TUESDAY_10 in slot_starts(api, salon_id)


def test_the_same_slot_cannot_be_booked_twice(api, salon_id):
    assert book(api, salon_id).status_code == 201
    again = book(api, salon_id, phone="333 765 4321")
    assert again.status_code == 409
    assert again.json_body["error"]["code"] == "slot_taken"


def test_an_hour_at_ten_and_half_an_hour_at_ten_thirty_cannot_both_exist(api, salon_id):
    assert book(api, salon_id).status_code == 201
    overlapping = book(api, salon_id, service="haircut", start="2026-03-24T10:30:00+01:00", phone="3337654321")
    assert overlapping.status_code == 409
    assert overlapping.json_body["error"]["code"] == "slot_taken"
    after_buffer = book(api, salon_id, service="haircut", start="2026-03-24T11:15:00+01:00", phone="3337654321")
    assert after_buffer.status_code == 201


def test_anyone_goes_to_the_other_specialist_when_one_is_taken(api, salon_id):
    assert book(api, salon_id).status_code == 201
    second = book(api, salon_id, staff=None, phone="333 765 4321")
    assert second.status_code == 201 and second.json_body["booking"]["staff_id"] == "marco"
    third = book(api, salon_id, staff=None, phone="333 111 2222")
    assert third.status_code == 409


@pytest.mark.parametrize(("start", "why"), [
    ("2026-03-23T08:00:00+01:00", "past"),
    ("2026-03-23T10:00:00+01:00", "does not offer"),  # Monday: closed
    ("2026-03-24T10:05:00+01:00", "grid"),
    ("2026-03-24T12:30:00+01:00", "does not offer"),  # would run into the 13:00 break
    ("2026-03-24T13:15:00+01:00", "does not offer"),  # during the break
    ("2026-03-24T18:30:00+01:00", "does not offer"),  # would end after closing
    ("2026-06-02T10:00:00+02:00", "days ahead"),  # beyond the 60-day horizon
])
def test_slots_that_availability_would_not_offer_are_refused(api, salon_id, start, why):
    response = book(api, salon_id, start=start)
    assert response.status_code == 422
    assert response.json_body["error"]["code"] == "slot_not_offered"
    assert why in response.json_body["error"]["message"]


def test_minimum_notice_is_enforced(api, salon_id):
    from datetime import datetime

    from chalicelib import wiring

    wiring.set_clock(lambda: datetime(2026, 3, 24, 8, 30, tzinfo=UTC))  # 09:30 in Rome
    response = book(api, salon_id, start="2026-03-24T10:15:00+01:00")
    assert response.status_code == 422 and "notice" in response.json_body["error"]["message"]
    assert book(api, salon_id, start="2026-03-24T10:30:00+01:00").status_code == 201


def test_the_same_instant_in_another_offset_is_the_same_slot(api, salon_id):
    assert book(api, salon_id, start="2026-03-24T09:00:00Z").status_code == 201
    assert book(api, salon_id, phone="3337654321").status_code == 409


@pytest.mark.parametrize("access", [Access.RESTRICTED, Access.BANNED])
def test_restricted_and_banned_clients_are_told_to_call_the_salon(api, salon_id, repo, access):
    from dataclasses import replace
    from datetime import date, datetime

    first = book(api, salon_id)
    client = repo.get_client(salon_id, repo.client_id_for_phone(salon_id, "+393331234567"))
    repo.save_client(salon_id, replace(client, access=access, restricted_until=date(2026, 6, 1)),
                     datetime.now(UTC))
    refused = book(api, salon_id, start="2026-03-25T10:00:00+01:00")
    assert refused.status_code == 403
    assert refused.json_body["error"]["code"] == "booking_restricted"
    assert "+39 06 1234 5678" in refused.json_body["error"]["message"]
    assert first.status_code == 201


def test_a_restriction_that_ended_no_longer_blocks(api, salon_id, repo):
    from dataclasses import replace
    from datetime import date, datetime

    book(api, salon_id)
    client = repo.get_client(salon_id, repo.client_id_for_phone(salon_id, "+393331234567"))
    repo.save_client(salon_id, replace(client, access=Access.RESTRICTED, restricted_until=date(2026, 3, 20)),
                     datetime.now(UTC))
    assert book(api, salon_id, start="2026-03-25T10:00:00+01:00").status_code == 201


def test_a_returning_client_keeps_one_file(api, salon_id, repo):
    book(api, salon_id, phone="333 123 4567")
    book(api, salon_id, phone="+39 333 1234567", start="2026-03-25T10:00:00+01:00")
    client_id = repo.client_id_for_phone(salon_id, "+393331234567")
    history = [a for a in repo.appointments_overlapping(salon_id, *_week()) if a.client_id == client_id]
    assert len(history) == 2


def _week():
    from datetime import datetime

    return datetime(2026, 3, 23, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC)


@pytest.mark.parametrize(("body", "status", "code"), [
    ("{not json", 400, "invalid_request"),
    ("", 400, "invalid_request"),
    ("[]", 400, "invalid_request"),
    ({**booking_body(), "price": 1}, 400, "invalid_request"),
    (booking_body(phone="12345"), 400, "invalid_phone"),
    (booking_body(phone="x" * 10_000), 400, "invalid_phone"),
    (booking_body(phone="12"), 400, "invalid_phone"),  # too short for the schema: still an unusable phone
    (booking_body(phone=12), 400, "invalid_phone"),
    (booking_body(start="9999-12-31T23:59:00+14:00"), 400, "invalid_request"),
    (booking_body(start="0001-01-01T00:00:00-14:00"), 400, "invalid_request"),
    (booking_body(start="2026-02-30T10:00:00+01:00"), 400, "invalid_request"),
    (booking_body(service="nails"), 404, "service_not_found"),
    (booking_body(staff="nobody"), 404, "staff_not_found"),
    (booking_body(service="manicure", staff="giulia"), 404, "staff_not_found"),
])
def test_bad_bookings_get_a_clear_4xx(api, salon_id, body, status, code):
    response = post(api, f"/v1/salons/{salon_id}/bookings", body)
    assert response.status_code == status, response.json_body
    assert response.json_body["error"]["code"] == code
    assert response.json_body["error"]["message"]


def test_unknown_salons_and_tokens_are_404(api, salon_id):
    paths = ("/v1/salons/nowhere", "/v1/salons/NOT..VALID/services", "/v1/bookings/abc", "/v1/bookings/" + "x" * 500)
    for path in paths:
        response = api.http.get(path)
        assert response.status_code == 404, path
        assert response.json_body["error"]["code"] in ("salon_not_found", "booking_not_found")
    assert post(api, "/v1/bookings/abc/cancel").status_code == 404
    assert book(api, "nowhere").json_body["error"]["code"] == "salon_not_found"


def test_wrong_media_type_and_method_keep_the_error_shape(api, salon_id):
    response = api.http.post(f"/v1/salons/{salon_id}/bookings", body="x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415 and response.json_body["error"]["code"] == "unsupported_media_type"
    response = api.http.delete(f"/v1/salons/{salon_id}")
    assert response.status_code == 405 and response.json_body["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(("query", "status"), [
    ("service_id=color&date_from=2026-03-24&date_to=2026-04-30", 400),  # more than 31 days
    ("service_id=color&date_from=2026-03-25&date_to=2026-03-24", 400),
    ("service_id=color&date_from=2026-03-24", 400),
    ("service_id=color&date_from=2026-03-24&date_to=2026-03-24&color=red", 400),
    ("service_id=color&date_from=24/03/2026&date_to=2026-03-24", 400),
    ("service_id=nails&date_from=2026-03-24&date_to=2026-03-24", 404),
])
def test_bad_availability_queries_are_refused(api, salon_id, query, status):
    response = api.http.get(f"/v1/salons/{salon_id}/availability?{query}")
    assert response.status_code == status and "code" in response.json_body["error"]


def test_thirty_one_days_of_availability_in_one_answer(api, salon_id):
    response = api.http.get(f"/v1/salons/{salon_id}/availability?service_id=haircut&date_from=2026-03-23"
                            "&date_to=2026-04-22")
    slots = response.json_body["slots"]
    assert response.status_code == 200 and slots == sorted(slots, key=lambda s: s["start"])
    assert {s["staff_id"] for s in slots} <= {"giulia", "marco"}
    assert len({s["start"] for s in slots}) == len(slots)
    assert any(s["start"].endswith("+02:00") for s in slots)  # after the DST change on 29 March


def test_public_catalog_lists_services_and_staff(api, salon_id):
    services = api.http.get(f"/v1/salons/{salon_id}/services").json_body["services"]
    assert {s["id"]: s["duration_minutes"] for s in services} == {"haircut": 30, "manicure": 45, "color": 60}
    assert next(s for s in services if s["id"] == "manicure")["staff_ids"] == ["marco"]
    staff = api.http.get(f"/v1/salons/{salon_id}/staff").json_body["staff"]
    assert {s["id"] for s in staff} == {"giulia", "marco"}
    assert set(staff[0]) == {"id", "name", "service_ids"}


def test_recall_consent_is_recorded_with_the_booking(api, salon_id, repo):
    body = booking_body()
    body["client"]["recall_consent"] = True
    assert post(api, f"/v1/salons/{salon_id}/bookings", body).status_code == 201
    client = repo.get_client(salon_id, repo.client_id_for_phone(salon_id, "+393331234567"))
    assert client.recall_consent is True
    body["client"]["recall_consent"] = "yes"
    assert post(api, f"/v1/salons/{salon_id}/bookings", body).json_body["error"]["code"] == "invalid_request"
