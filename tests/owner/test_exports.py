"""Exports and a client's data rights on DynamoDB Local: CSV files that Excel opens and cannot be
tricked by, the JSON right-of-access export, and erasure that keeps the statistics."""
import csv
import io
import json
from datetime import date, timedelta

import pytest

from chalicelib import wiring
from chalicelib.auth import roles
from chalicelib.services import waitlist
from tests.owner.test_auth import client_address, text  # noqa: F401 - a fixture
from tests.owner.test_clients import E164, PHONE, TUESDAY_10, audit, book, call, client_of, form, sign_in

pytestmark = pytest.mark.dynamodb_local

WEDNESDAY = TUESDAY_10 + timedelta(days=1, hours=9)  # after Tuesday's appointments


def rows(response) -> list[dict]:
    body = text(response)
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the BOM
    assert "\r\n" in body
    return list(csv.DictReader(io.StringIO(body[1:])))


@pytest.fixture
def owner(api, salon_id, clock):
    return sign_in(api, salon_id)


# --- CSV --------------------------------------------------------------------------------------------

def test_the_clients_csv_parses_back_with_every_client_and_safe_cells(owner, salon_id):
    elodie = book(salon_id)
    evil = book(salon_id, "=HYPERLINK(\"http://x\",\"y\")", "+39 347 000 1111", TUESDAY_10 + timedelta(hours=1))
    call(owner, "PATCH", f"/v1/admin/clients/{elodie.client_id}",
         {"notes": 'Likes "strong" coffee, no sugar\nsecond line', "allergies": "@nickel", "email": "e@x.it"})
    response = owner.get("/owner/exports/clients.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="clients-')
    assert response.headers["Cache-Control"] == "no-store"
    by_id = {row["client_id"]: row for row in rows(response)}
    assert set(by_id) == {elodie.client_id, evil.client_id}
    row = by_id[elodie.client_id]
    assert (row["name"], row["phone"], row["email"]) == ("Élodie Rossi", "'" + E164, "e@x.it")
    assert row["notes"] == 'Likes "strong" coffee, no sugar\nsecond line' and row["allergies"] == "'@nickel"
    assert row["no_shows"] == "0" and row["online_booking"] == "ok"
    assert by_id[evil.client_id]["name"] == "'=HYPERLINK(\"http://x\",\"y\")"
    for cell in (v for r in by_id.values() for v in r.values()):
        assert not cell.startswith(("=", "+", "-", "@")), cell
    assert audit(salon_id, "clients_exported")[0].details == {"rows": 2}


def test_the_appointments_csv_holds_the_days_asked_for(owner, salon_id):
    tuesday = book(salon_id, notes="-1 cm please")
    thursday = book(salon_id, start=TUESDAY_10 + timedelta(days=2), service="color")
    book(salon_id, "Marco Bianchi", "+39 347 000 1111", TUESDAY_10 + timedelta(days=4))  # Saturday: outside
    response = owner.get("/owner/exports/appointments.csv?from=2026-03-24&to=2026-03-26")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="appointments-{salon_id}-2026-03-24-2026-03-26.csv"'
    found = rows(response)
    assert [r["appointment_id"] for r in found] == [tuesday.id, thursday.id]
    first = found[0]
    assert (first["date"], first["start"], first["end"], first["status"], first["service"], first["staff"]) == (
        "2026-03-24", "10:00", "10:30", "booked", "Taglio donna", "Giulia")
    assert (first["client_name"], first["client_phone"], first["client_note"]) == (
        "Élodie Rossi", "'" + E164, "'-1 cm please")
    one_day = rows(owner.get("/owner/exports/appointments.csv?from=2026-03-24&to=2026-03-24"))
    assert [r["appointment_id"] for r in one_day] == [tuesday.id]
    for query in ("from=2026-03-26&to=2026-03-24", "from=2026-01-01&to=2027-01-02", "from=yesterday&to=2026-03-24",
                  ""):
        refused = owner.get(f"/owner/exports/appointments.csv?{query}")
        assert refused.status_code == 400, query
    page = text(owner.get("/owner/exports"))
    assert 'href="/owner/exports/clients.csv"' in page and 'action="/owner/exports/appointments.csv"' in page


# --- right of access -------------------------------------------------------------------------------

def test_the_json_export_holds_the_file_the_history_the_texts_and_the_waitlist(owner, salon_id, repo):
    appt = book(salon_id, notes="Parking?")
    call(owner, "PATCH", f"/v1/admin/clients/{appt.client_id}", {"notes": "Formula 7G"})
    waitlist.join(repo, waitlist.WaitlistRequest(salon_id=salon_id, service_id="color", first_day=date(2026, 3, 27),
                                                 last_day=date(2026, 3, 28), name="Élodie Rossi", phone=PHONE),
                  wiring.now())
    repo.add_inbound(salon_id, "in-1", E164, appt.client_id, "SI grazie", "confirm", wiring.now())
    document = call(owner, "GET", f"/v1/admin/clients/{appt.client_id}/export").json_body
    assert document["client"]["name"] == "Élodie Rossi" and document["client"]["notes"] == "Formula 7G"
    assert [a["id"] for a in document["appointments"]] == [appt.id]
    assert document["appointments"][0]["client_note"] == "Parking?"
    assert "booking_confirmation" in {m["kind"] for m in document["messages_sent"]}
    assert all(m["body"] for m in document["messages_sent"])
    assert [m["body"] for m in document["messages_received"]] == ["SI grazie"]
    assert [(w["first_day"], w["status"]) for w in document["waitlist"]] == [("2026-03-27", "waiting")]
    download = owner.get(f"/owner/clients/{appt.client_id}/export.json")
    assert download.headers["Content-Disposition"] == f'attachment; filename="client-{appt.client_id}.json"'
    assert json.loads(text(download))["appointments"][0]["id"] == appt.id
    assert len(audit(salon_id, "client_exported")) == 2


# --- erasure ---------------------------------------------------------------------------------------

def test_erasure_removes_the_personal_data_everywhere_and_keeps_the_statistics(api, salon_id, repo, clock):
    appt = book(salon_id, notes="Call me on my other phone")
    waitlist.join(repo, waitlist.WaitlistRequest(salon_id=salon_id, service_id="color", first_day=date(2026, 3, 27),
                                                 last_day=date(2026, 3, 28), name="Élodie Rossi", phone=PHONE),
                  wiring.now())
    repo.add_inbound(salon_id, "in-1", E164, appt.client_id, "SI grazie", "confirm", wiring.now())
    repo.set_route(E164, salon_id, wiring.now())
    confirmation = repo.client_messages(salon_id, appt.client_id)[0]
    claimed = confirmation.claimed("claim-1", wiring.now())
    assert repo.claim_message(confirmation, claimed, wiring.now())
    assert repo.save_message_outcome(claimed, claimed.sent("provider-1", wiring.now()))
    clock["now"] = WEDNESDAY  # the appointment is over
    owner = sign_in(api, salon_id)
    path = f"/owner/clients/{appt.client_id}"
    call(owner, "PATCH", f"/v1/admin/clients/{appt.client_id}", {"notes": "Formula 7G", "allergies": "Nickel",
                                                                 "email": "elodie@example.com"})
    call(owner, "POST", f"/v1/admin/clients/{appt.client_id}/access", {"access": "restricted", "until": "2026-06-01"})
    confirm_page = text(owner.get(f"{path}/erase"))
    assert "To confirm, type the client" in confirm_page and 'name="confirm"' in confirm_page
    wrong = form(owner, f"{path}/erase", confirm="Elodie")
    assert wrong.status_code == 400 and "exactly as it is shown" in text(wrong)
    assert client_of(appt).name == "Élodie Rossi"

    done = form(owner, f"{path}/erase", confirm="elodie rossi")  # case and accents do not matter
    assert done.status_code == 303 and done.headers["Location"] == f"{path}?done=erased"
    client = client_of(appt)
    assert (client.name, client.phone, client.email, client.notes, client.allergies) == (
        "Erased client", "", None, "", "")
    assert client.erased and client.late_cancel_count == 0 and client.no_show_count == 0
    assert repo.client_id_for_phone(salon_id, E164) is None
    assert salon_id not in {r.salon_id for r in repo.reply_routes(E164)}
    assert [a.id for a in repo.client_appointments(salon_id, appt.client_id)] == [appt.id]  # kept
    assert repo.client_appointments(salon_id, appt.client_id)[0].notes == ""
    messages = {m.id: m for m in repo.client_messages(salon_id, appt.client_id)}
    assert len(messages) == 2 and all(m.body == "" and m.phone == "" for m in messages.values())
    assert messages[confirmation.id].status.value == "sent"  # what happened stays true
    assert [m.status.value for m in messages.values() if m.id != confirmation.id] == ["cancelled"]  # not sent now
    assert [(m["body"], m["phone"]) for m in repo.inbox_of_salon(salon_id)] == [("", "")]
    assert [w["status"] for w in repo.client_waitlist(salon_id, appt.client_id)] == ["closed"]
    for q in ("elodie", "rossi", "3331234567", "4567", "erased"):
        assert call(owner, "GET", f"/v1/admin/clients?q={q}").json_body["clients"] == [], q
    page = text(owner.get(f"{path}?done=erased"))
    assert "Personal data erased" in page and "Erase personal data" not in page and "Formula" not in page
    assert [e.details for e in audit(salon_id, "client_erased")] == [{}]
    exported = rows(owner.get("/owner/exports/appointments.csv?from=2026-03-24&to=2026-03-24"))
    assert [(r["appointment_id"], r["client_name"], r["client_phone"]) for r in exported] == [
        (appt.id, "Erased client", "")]

    again = call(owner, "POST", f"/v1/admin/clients/{appt.client_id}/erase", {"confirm": "Erased client"})
    assert again.status_code == 409 and again.json_body["error"]["code"] == "client_erased"
    edit = call(owner, "PATCH", f"/v1/admin/clients/{appt.client_id}", {"name": "Élodie"})
    assert edit.status_code == 409 and edit.json_body["error"]["code"] == "client_erased"
    body = {"service_id": "haircut", "start": "2026-03-27T10:00:00+01:00", "client": {"name": "Élodie", "phone": PHONE}}
    booked = api.http.post(f"/v1/salons/{salon_id}/bookings", body=json.dumps(body).encode(),
                           headers={"Content-Type": "application/json"})
    assert booked.status_code == 201  # the phone books again, as a new client
    new_id = repo.client_id_for_phone(salon_id, E164)
    assert new_id and new_id != appt.client_id


def test_erasure_by_json_and_its_refusals(api, salon_id, repo, clock):
    appt = book(salon_id)
    owner = sign_in(api, salon_id)
    erase = f"/v1/admin/clients/{appt.client_id}/erase"
    upcoming = call(owner, "POST", erase, {"confirm": "Élodie Rossi"})
    assert upcoming.status_code == 409 and upcoming.json_body["error"]["code"] == "client_has_upcoming"
    clock["now"] = WEDNESDAY
    owner = sign_in(api, salon_id)
    mismatch = call(owner, "POST", erase, {"confirm": "Someone Else"})
    assert mismatch.status_code == 400 and mismatch.json_body["error"]["code"] == "confirmation_mismatch"
    assert call(owner, "POST", erase, {}).status_code == 400
    done = call(owner, "POST", erase, {"confirm": "Élodie Rossi"})
    assert done.status_code == 200
    assert done.json_body["client"]["erased"] is True and done.json_body["client"]["phone"] is None
    desk = sign_in(api, salon_id, roles.FRONT_DESK)
    assert call(desk, "POST", erase, {"confirm": "Erased client"}).json_body["error"]["code"] == "forbidden"
