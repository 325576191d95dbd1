"""A client's "delete my data" request reaches the owner: a banner on the client file with the date
and the erase action beside it (still refused while appointments are upcoming), and a filter of the
client list; the request is answered by the erasure. On DynamoDB Local."""
from datetime import datetime, timedelta

import pytest

from chalicelib import auth, wiring
from chalicelib.auth import roles
from chalicelib.services.client_area import area as client_area
from chalicelib.storage.client_area_store import ClientAreaStore, ClientSession
from tests.owner.test_auth import client_address, text  # noqa: F401 - a fixture
from tests.owner.test_clients import TUESDAY_10, book, call, client_of, form, sign_in

pytestmark = pytest.mark.dynamodb_local

WEDNESDAY = TUESDAY_10 + timedelta(days=1, hours=9)  # Wednesday 19:00 in Rome: Tuesday's visit is over


def ask_to_delete(salon_id: str, client_id: str, now: datetime) -> None:
    """What "delete my data" in the client's area does for a signed-in client."""
    session = ClientSession(digest="d" * 64, salon_id=salon_id, client_id=client_id, issued_at=now,
                            expires=now + timedelta(days=90))
    client_area.request_erasure(wiring.repository(), ClientAreaStore(), auth.accounts(), session, now)


def test_the_request_shows_on_the_file_and_in_the_list_until_the_owner_erases(api, salon_id, repo, clock):
    appt = book(salon_id)
    other = book(salon_id, name="Bruno Bianchi", phone="+39 333 765 4321", start=TUESDAY_10 + timedelta(hours=1))
    clock["now"] = WEDNESDAY
    ask_to_delete(salon_id, appt.client_id, clock["now"])
    clock["now"] += timedelta(days=2)
    ask_to_delete(salon_id, appt.client_id, clock["now"])  # asking again keeps the first date
    owner = sign_in(api, salon_id)
    path = f"/owner/clients/{appt.client_id}"

    page = text(owner.get(path))
    assert 'id="erasure-requested"' in page and "Asked to delete their data on Wed, Mar 25, 2026, 19:00" in page
    assert f'href="{path}/erase"' in page.split('id="erasure-requested"')[1].split("</div>")[0]
    assert 'id="erasure-requested"' not in text(owner.get(f"/owner/clients/{other.client_id}"))

    listing = text(owner.get("/owner/clients?erasure=requested"))
    assert 'id="erasure-requests"' in listing and "Élodie Rossi" in listing and "asked on 25 Mar 2026" in listing
    assert "Bruno Bianchi" not in listing
    assert 'href="/owner/clients?erasure=requested"' in text(owner.get("/owner/clients"))
    as_json = call(owner, "GET", "/v1/admin/clients?erasure_requested=true").json_body
    assert as_json["match"] == "erasure_requested"
    assert [(c["id"], c["erasure_requested_at"]) for c in as_json["clients"]] == [
        (appt.client_id, "2026-03-25T18:00:00Z")]
    record = call(owner, "GET", f"/v1/admin/clients/{appt.client_id}").json_body["client"]
    assert record["erasure_requested_at"] == "2026-03-25T18:00:00Z"

    done = form(owner, f"{path}/erase", confirm="Élodie Rossi")
    assert done.status_code == 303
    assert client_of(appt).erased
    assert repo.erasure_requests(salon_id) == []  # answered: the list forgets it
    assert "Nobody is waiting" in text(owner.get("/owner/clients?erasure=requested"))
    assert 'id="erasure-requested"' not in text(owner.get(path))


def test_the_erase_action_beside_the_banner_is_refused_while_appointments_are_upcoming(api, salon_id, repo, clock):
    appt = book(salon_id)
    clock["now"] = WEDNESDAY
    ask_to_delete(salon_id, appt.client_id, clock["now"])
    book(salon_id, start=WEDNESDAY + timedelta(days=6, hours=-8))  # booked again by phone afterwards
    owner = sign_in(api, salon_id)
    path = f"/owner/clients/{appt.client_id}"
    banner = text(owner.get(path)).split('id="erasure-requested"')[1].split("</div>")[0]
    assert "1 upcoming appointment: cancel it first, then erase." in banner
    refused = call(owner, "POST", f"/v1/admin/clients/{appt.client_id}/erase", {"confirm": "Élodie Rossi"})
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "client_has_upcoming"
    assert not client_of(appt).erased and [c for c, _ in repo.erasure_requests(salon_id)] == [appt.client_id]


def test_only_the_owner_sees_the_list_of_requests(api, salon_id, repo, clock):
    appt = book(salon_id)
    clock["now"] = WEDNESDAY
    ask_to_delete(salon_id, appt.client_id, clock["now"])
    desk = sign_in(api, salon_id, roles.FRONT_DESK)
    listing = text(desk.get("/owner/clients?erasure=requested"))
    assert 'id="erasure-requests"' not in listing and "?erasure=requested" not in listing
    refused = call(desk, "GET", "/v1/admin/clients?erasure_requested=true")
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "forbidden"
    banner = text(desk.get(f"/owner/clients/{appt.client_id}")).split('id="erasure-requested"')[1].split("</div>")[0]
    assert "/erase" not in banner and "The owner erases it." in banner
