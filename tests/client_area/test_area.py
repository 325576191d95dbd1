"""What a signed-in client does in their area, pages and JSON, on DynamoDB Local: history,
cancel, move, book again, waitlist, consents, data download and delete request, calendar files;
and the isolation matrix (another client's appointment, another salon: 404 / not signed in)."""
import json
import uuid
from datetime import timedelta

import pytest
from icalendar import Calendar

from chalicelib.domain.outbox import LINK_PLACEHOLDER
from chalicelib.services import dispatch
from local.demo import seed
from tests.builders import text_receipts
from tests.client_area.conftest import (
    ANNA,
    BRUNO,
    Browser,
    book_for,
    hidden,
    last_code,
    sign_in,
    text,
    tuesday,
)
from tests.sent_texts import link_token, sent_text

pytestmark = pytest.mark.dynamodb_local
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def world(repo, salon_id, clock):
    """Anna: one past visit, one upcoming; Bruno: one upcoming; Anna also at another salon."""
    past_now = clock["now"] - timedelta(weeks=3)
    past = book_for(repo, salon_id, ANNA, tuesday(11, weeks=-2), past_now, notes="allergic to dye")
    upcoming = book_for(repo, salon_id, ANNA, tuesday(10, weeks=1), clock["now"])
    bruno = book_for(repo, salon_id, BRUNO, tuesday(12, weeks=1), clock["now"], name="Bruno Bianchi")
    other_salon = f"demo-{uuid.uuid4().hex[:10]}"
    seed(repo, other_salon)
    elsewhere = book_for(repo, other_salon, ANNA, tuesday(10, weeks=1), clock["now"])
    return {"past": past, "upcoming": upcoming, "bruno": bruno, "other_salon": other_salon, "elsewhere": elsewhere}


@pytest.fixture
def anna(api, salon_id, world, sms):
    browser = Browser(api)
    sign_in(browser, salon_id, ANNA, sms)
    return browser


def bearer(api, salon_id, phone, sms) -> dict:
    api.http.post(f"/v1/salons/{salon_id}/sign-in", body=json.dumps({"phone": phone}), headers=JSON)
    answer = api.http.post(f"/v1/salons/{salon_id}/sign-in/verify",
                           body=json.dumps({"phone": phone, "code": last_code(sms, phone)}), headers=JSON)
    assert answer.status_code == 200, answer.body
    return {"Authorization": f"Bearer {answer.json_body['token']}", **JSON}


# --- history ---------------------------------------------------------------------------------------

def test_home_shows_upcoming_and_past_without_private_notes(anna, salon_id, world):
    page = text(anna.get(f"/my/{salon_id}"))
    upcoming, past = page.split('id="upcoming"')[1].split('id="past"')
    assert world["upcoming"].appointment.id in upcoming and world["past"].appointment.id in past
    assert world["bruno"].appointment.id not in page and "allergic" not in page
    assert f"/my/{salon_id}/book?service=haircut&amp;staff=giulia" in past  # book again: same service and specialist


def test_history_pages_newest_first(api, repo, salon_id, clock, sms):
    for week in range(1, 56):
        book_for(repo, salon_id, ANNA, tuesday(9, weeks=-week), clock["now"] - timedelta(weeks=week + 1))
    browser = Browser(api)
    sign_in(browser, salon_id, ANNA, sms)
    first = text(browser.get(f"/my/{salon_id}"))
    assert first.count("data-appointment=") == 50 and "my_older" not in first
    older = [line for line in first.splitlines() if "?before=" in line]
    assert older
    href = older[0].split('href="')[1].split('"')[0].replace("&amp;", "&").replace("+", "%2B")
    second = text(browser.get(href))
    assert second.count("data-appointment=") == 5


def test_json_history_pages_with_next_before(api, repo, salon_id, clock, sms):
    for week in range(1, 53):
        book_for(repo, salon_id, ANNA, tuesday(9, weeks=-week), clock["now"] - timedelta(weeks=week + 1))
    headers = bearer(api, salon_id, ANNA, sms)
    first = api.http.get("/v1/me/appointments", headers=headers).json_body
    assert len(first["past"]) == 50 and first["next_before"]
    before = first["next_before"].replace("+", "%2B")
    second = api.http.get(f"/v1/me/appointments?before={before}", headers=headers).json_body
    assert len(second["past"]) == 2 and second["next_before"] is None
    assert not {b["id"] for b in first["past"]} & {b["id"] for b in second["past"]}


# --- isolation -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/cancel", "/move", "/calendar.ics"])
def test_another_clients_appointment_is_not_found(anna, salon_id, world, path):
    bruno_id = world["bruno"].appointment.id
    assert anna.get(f"/my/{salon_id}/appointments/{bruno_id}{path}").status_code == 404


def test_cancelling_another_clients_appointment_is_not_found_and_changes_nothing(anna, repo, salon_id, world):
    csrf = hidden(anna.get(f"/my/{salon_id}"))["csrf"]
    bruno = world["bruno"].appointment
    assert anna.post(f"/my/{salon_id}/appointments/{bruno.id}/cancel", csrf=csrf).status_code == 404
    assert anna.post(f"/my/{salon_id}/appointments/{bruno.id}/move", csrf=csrf,
                     start=tuesday(15, weeks=1).isoformat()).status_code == 404
    assert repo.client_appointment(salon_id, bruno.client_id, bruno.id).status.value == "booked"


def test_the_cookie_of_one_salon_does_not_sign_in_at_another(anna, world):
    other = world["other_salon"]
    page = anna.get(f"/my/{other}")
    assert 'name="phone"' in text(page) and world["elsewhere"].appointment.id not in text(page)
    assert anna.get(f"/my/{other}/appointments/{world['elsewhere'].appointment.id}/cancel").status_code == 303


def test_json_isolation_matrix(api, salon_id, world, sms):
    headers = bearer(api, salon_id, ANNA, sms)
    mine = world["upcoming"].appointment.id
    assert api.http.get(f"/v1/me/appointments/{mine}", headers=headers).status_code == 200
    for other in (world["bruno"].appointment.id, world["elsewhere"].appointment.id, "NOPE"):
        assert api.http.get(f"/v1/me/appointments/{other}", headers=headers).status_code == 404
        answer = api.http.post(f"/v1/me/appointments/{other}/cancel", headers=headers)
        assert answer.status_code == 404 and answer.json_body["error"]["code"] == "booking_not_found"
    assert api.http.get("/v1/me/appointments", headers=JSON).status_code == 401
    assert api.http.get("/v1/me", headers={"Authorization": "Bearer forged.token"}).status_code == 401


# --- cancel, move, book again ------------------------------------------------------------------------

def test_cancel_from_the_area(anna, repo, salon_id, world):
    appt = world["upcoming"].appointment
    confirm = anna.get(f"/my/{salon_id}/appointments/{appt.id}/cancel")
    done = anna.post(f"/my/{salon_id}/appointments/{appt.id}/cancel", csrf=hidden(confirm)["csrf"])
    assert done.status_code == 303 and done.headers["Location"] == f"/my/{salon_id}?done=cancelled"
    stored = repo.client_appointment(salon_id, appt.client_id, appt.id)
    assert stored.status.value == "cancelled" and stored.cancelled_by.value == "client"


def test_move_from_the_area_texts_a_working_manage_link(anna, api, repo, salon_id, world, sms, clock):
    text_receipts(repo, salon_id)
    appt = world["upcoming"].appointment
    new_start = tuesday(15, weeks=1)
    confirm = anna.get(f"/my/{salon_id}/appointments/{appt.id}/move?start={new_start.isoformat().replace('+', '%2B')}"
                       f"&slot_staff=giulia")
    assert confirm.status_code == 200
    done = anna.post(f"/my/{salon_id}/appointments/{appt.id}/move", csrf=hidden(confirm)["csrf"],
                     start=hidden(confirm)["start"], staff="giulia")
    assert done.status_code == 303, text(done)
    moved = repo.client_appointment(salon_id, appt.client_id, appt.id)
    assert moved.start == new_start and moved.status.value == "booked"
    [message] = [m for m in repo.client_messages(salon_id, appt.client_id) if m.kind == "booking_confirmation"
                 and m.appointment_start == new_start]
    assert LINK_PLACEHOLDER in message.body  # the link is made when the text leaves
    dispatch.dispatch(repo, sms, clock["now"])
    token = link_token(sent_text(sms, message))
    assert api.http.get(f"/v1/bookings/{token}").json_body["booking"]["id"] == appt.id
    old_link = world["upcoming"].manage_token  # the link texted at booking still opens it too
    assert api.http.get(f"/v1/bookings/{old_link}").json_body["booking"]["start"].startswith("2026-03-31T15:00")


def test_book_again_uses_the_details_on_file(anna, repo, salon_id, world):
    start = tuesday(16, weeks=2)
    q = f"/my/{salon_id}/book?service=haircut&staff=giulia&start={start.isoformat().replace('+', '%2B')}" \
        "&slot_staff=giulia"
    confirm = anna.get(q)
    assert confirm.status_code == 200 and 'name="phone"' not in text(confirm) and 'name="name"' not in text(confirm)
    assert "Anna R." in text(confirm) and "Rossi" not in text(confirm)
    done = anna.post(f"/my/{salon_id}/book", **hidden(confirm), note="")
    assert done.status_code == 303 and done.headers["Location"].startswith("/manage/")
    client_id = world["upcoming"].appointment.client_id
    starts = [a.start for a in repo.client_appointments(salon_id, client_id)]
    assert start in starts


def test_book_again_offers_the_day_picker_for_the_same_service_and_specialist(anna, salon_id):
    page = anna.get(f"/my/{salon_id}/book?service=haircut&staff=giulia")
    assert page.status_code == 200 and 'class="btn slot"' in text(page)


# --- waitlist, consents, data -------------------------------------------------------------------------

def test_join_the_waitlist_from_the_area(anna, repo, salon_id, world):
    form = anna.get(f"/my/{salon_id}/waitlist")
    done = anna.post(f"/my/{salon_id}/waitlist", csrf=hidden(form)["csrf"], service="color", staff="any",
                     **{"from": "2026-03-25", "to": "2026-03-28"})
    assert done.status_code == 303
    entries = repo.client_waitlist(salon_id, world["upcoming"].appointment.client_id)
    assert [(e["service_id"], e["first_day"], e["last_day"]) for e in entries] == [("color", "2026-03-25",
                                                                                     "2026-03-28")]


def test_a_bad_waitlist_range_is_explained_not_a_500(anna, salon_id, world):
    form = anna.get(f"/my/{salon_id}/waitlist")
    answer = anna.post(f"/my/{salon_id}/waitlist", csrf=hidden(form)["csrf"], service="color", staff="any",
                       **{"from": "2026-03-28", "to": "2026-03-25"})
    assert answer.status_code == 400


def test_consents_are_saved(anna, api, salon_id, world, sms):
    form = anna.get(f"/my/{salon_id}/settings")
    assert anna.post(f"/my/{salon_id}/settings", csrf=hidden(form)["csrf"], recall="1",
                     marketing="1").status_code == 303
    headers = bearer(api, salon_id, ANNA, sms)
    assert api.http.get("/v1/me", headers=headers).json_body["preferences"] == {
        "channel": "sms", "reminders": True, "recall_consent": True, "marketing_consent": True,
        "erasure_requested": False}
    answer = api.http.put("/v1/me/preferences", headers=headers,
                          body=json.dumps({"recall_consent": False, "marketing_consent": True}))
    assert answer.json_body["preferences"]["recall_consent"] is False


def test_download_my_data_has_my_appointments_and_no_private_notes(anna, repo, salon_id, world):
    client_id = world["upcoming"].appointment.client_id
    client = repo.get_client(salon_id, client_id)
    from dataclasses import replace

    repo.save_client(salon_id, replace(client, notes="difficult", allergies="latex"), world["past"].appointment.start)
    answer = anna.get(f"/my/{salon_id}/data.json")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    data = json.loads(answer.body)
    assert {a["id"] for a in data["appointments"]} == {world["past"].appointment.id,
                                                       world["upcoming"].appointment.id}
    assert data["client"]["phone"] == ANNA and "notes" not in data["client"] and "allergies" not in data["client"]
    assert "difficult" not in answer.body.decode() and "latex" not in answer.body.decode()


def test_delete_request_is_refused_while_appointments_are_upcoming(anna, repo, salon_id, world):
    form = anna.get(f"/my/{salon_id}/settings")
    refused = anna.post(f"/my/{salon_id}/delete-request", csrf=hidden(form)["csrf"])
    assert refused.status_code == 409
    appt = world["upcoming"].appointment
    confirm = anna.get(f"/my/{salon_id}/appointments/{appt.id}/cancel")
    anna.post(f"/my/{salon_id}/appointments/{appt.id}/cancel", csrf=hidden(confirm)["csrf"])
    assert anna.post(f"/my/{salon_id}/delete-request", csrf=hidden(form)["csrf"]).status_code == 303
    from chalicelib.storage.client_area_store import ClientAreaStore

    assert ClientAreaStore().client_preferences(salon_id, appt.client_id).erasure_requested_at is not None
    assert "id=\"delete-requested\"" not in text(anna.get(f"/my/{salon_id}/settings"))  # shown once, then pending


# --- calendar files --------------------------------------------------------------------------------

def test_the_manage_page_offers_a_calendar_file_in_the_salons_zone(api, salon_id, world):
    token = world["upcoming"].manage_token
    page = api.http.get(f"/manage/{token}")
    assert f"/manage/{token}/calendar.ics" in text(page)
    answer = api.http.get(f"/manage/{token}/calendar.ics")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(answer.body)
    [event] = cal.walk("VEVENT")
    assert str(event["dtstart"].dt.tzinfo) == "Europe/Rome" and event["dtstart"].dt == tuesday(10, weeks=1)
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Rome"]
    assert "Studio Demo" in str(event["location"]) and str(event["url"]).endswith(f"/manage/{token}")
    assert "DTSTART;TZID=Europe/Rome:20260331T100000" in answer.body.decode()


def test_the_areas_calendar_file_links_back_to_the_area(anna, salon_id, world):
    appt = world["upcoming"].appointment
    answer = anna.get(f"/my/{salon_id}/appointments/{appt.id}/calendar.ics")
    [event] = Calendar.from_ical(answer.body).walk("VEVENT")
    assert str(event["url"]).endswith(f"/my/{salon_id}") and str(event["uid"]).startswith(appt.id)


# --- the JSON twin ---------------------------------------------------------------------------------

def test_json_history_book_again_move_and_waitlist(api, repo, salon_id, world, sms):
    headers = bearer(api, salon_id, ANNA, sms)
    listing = api.http.get("/v1/me/appointments", headers=headers).json_body
    assert [b["id"] for b in listing["upcoming"]] == [world["upcoming"].appointment.id]
    assert [b["id"] for b in listing["past"]] == [world["past"].appointment.id]
    booked = api.http.post("/v1/me/bookings", headers=headers, body=json.dumps(
        {"service_id": "haircut", "staff_id": "giulia", "start": tuesday(16, weeks=2).isoformat()}))
    assert booked.status_code == 201, booked.body
    moved = api.http.post(f"/v1/me/appointments/{booked.json_body['booking']['id']}/reschedule", headers=headers,
                          body=json.dumps({"start": tuesday(17, weeks=2).isoformat()}))
    assert moved.status_code == 200 and moved.json_body["booking"]["start"] == "2026-04-07T17:00:00+02:00"
    entry = api.http.post("/v1/me/waitlist", headers=headers, body=json.dumps(
        {"service_id": "color", "date_from": "2026-03-25", "date_to": "2026-03-26"}))
    assert entry.status_code == 201
    assert api.http.get("/v1/me/data", headers=headers).json_body["client"]["phone"] == ANNA


def test_json_sign_out_everywhere(api, salon_id, world, sms):
    one = bearer(api, salon_id, ANNA, sms)
    two = bearer(api, salon_id, ANNA, sms)
    assert api.http.post("/v1/me/sign-out", headers=one, body=json.dumps({"everywhere": True})).status_code == 204
    assert api.http.get("/v1/me", headers=two).status_code == 401


def test_a_wrong_json_code_is_a_400_with_the_error_shape(api, salon_id, world, sms):
    api.http.post(f"/v1/salons/{salon_id}/sign-in", body=json.dumps({"phone": ANNA}), headers=JSON)
    answer = api.http.post(f"/v1/salons/{salon_id}/sign-in/verify", headers=JSON,
                           body=json.dumps({"phone": ANNA, "code": "abc"}))
    assert answer.status_code == 400 and answer.json_body["error"]["code"] == "code_invalid"


def test_the_details_step_of_the_booking_page_offers_the_area(api, salon_id, clock):
    start = tuesday(10).isoformat().replace("+", "%2B")
    page = api.http.get(f"/book/{salon_id}?service=haircut&staff=giulia&start={start}")
    assert f'href="/my/{salon_id}" id="sign-in-instead"' in text(page)


def test_erasure_by_the_owner_signs_the_client_out_everywhere(anna, repo, salon_id, world, clock, tmp_path):
    from chalicelib.auth import accounts
    from chalicelib.auth.sessions import Principal
    from chalicelib.photos.local import LocalPhotoStore
    from chalicelib.services import exports

    appt = world["upcoming"].appointment
    confirm = anna.get(f"/my/{salon_id}/appointments/{appt.id}/cancel")
    anna.post(f"/my/{salon_id}/appointments/{appt.id}/cancel", csrf=hidden(confirm)["csrf"])
    owner = Principal(user_id="owner-1", email="owner@example.com", salon_id=salon_id, role="owner", staff_id=None,
                      name="Owner", session_id="x", csrf_token="y")
    photos = LocalPhotoStore(str(tmp_path), b"k" * 32, "https://book.example")  # erasure deletes photos too
    exports.erase(repo, accounts(), owner, appt.client_id, "Anna Rossi", clock["now"], photos=photos)
    assert 'name="phone"' in text(anna.get(f"/my/{salon_id}"))


def test_moving_to_another_specialist_at_the_same_time_texts_a_working_link(api, repo, salon_id, world, sms,
                                                                           clock):
    text_receipts(repo, salon_id)
    headers = bearer(api, salon_id, ANNA, sms)
    appt = world["upcoming"].appointment
    dispatch.dispatch(repo, sms, clock["now"])  # the bookings' own confirmations leave first
    before = len(sms.sent)
    moved = api.http.post(f"/v1/me/appointments/{appt.id}/reschedule", headers=headers,
                          body=json.dumps({"start": appt.start.isoformat(), "staff_id": "marco"}))
    assert moved.status_code == 200 and moved.json_body["booking"]["staff_id"] == "marco"
    dispatch.dispatch(repo, sms, clock["now"])
    [sent] = [m["body"] for m in sms.sent[before:] if m["phone"] == ANNA]  # the move's confirmation
    token = link_token(sent)
    assert LINK_PLACEHOLDER not in sent and token != world["upcoming"].manage_token
    answer = api.http.get(f"/v1/bookings/{token}")
    assert answer.status_code == 200 and answer.json_body["booking"]["staff_id"] == "marco"


def test_a_double_tap_on_book_books_once(anna, repo, salon_id, world):
    start = tuesday(16, weeks=2)
    confirm = anna.get(f"/my/{salon_id}/book?service=haircut&staff=giulia&start="
                       f"{start.isoformat().replace('+', '%2B')}&slot_staff=giulia")
    first = anna.post(f"/my/{salon_id}/book", **hidden(confirm), note="")
    again = anna.post(f"/my/{salon_id}/book", **hidden(confirm), note="")
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    client_id = world["upcoming"].appointment.client_id
    assert [a.start for a in repo.client_appointments(salon_id, client_id)].count(start) == 1


def test_the_areas_writes_meet_the_public_rate_limits(api, salon_id, world, sms):
    # Signed in or not, a phone's writes are counted like the public side's (10 an hour per phone):
    # the eleventh join is refused with Retry-After and changes nothing.
    headers = bearer(api, salon_id, ANNA, sms)
    body = json.dumps({"service_id": "color", "date_from": "2026-03-25", "date_to": "2026-03-26"})
    statuses = [api.http.post("/v1/me/waitlist", headers=headers, body=body).status_code for _ in range(11)]
    assert statuses == [201] * 10 + [429]
    refused = api.http.post("/v1/me/waitlist", headers=headers, body=body)
    assert refused.json_body["error"]["code"] == "rate_limited" and "Retry-After" in refused.headers
