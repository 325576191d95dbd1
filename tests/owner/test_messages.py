"""The messages page (outbox, inbox) and the waitlist, on DynamoDB Local with real sessions (the
authorization matrix of these routes is in test_settings.py)."""
import html
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.auth import roles
from chalicelib.domain.ids import new_id
from chalicelib.domain.outbox import MessageStatus, OutboxMessage
from chalicelib.services.owner import messages as owner_messages
from chalicelib.storage import keys
from tests.owner.test_auth import text
from tests.owner.test_settings import (  # noqa: F401 - autouse fixtures
    NOW,
    TUESDAY,
    audit,
    error_of,
    field_error,
    own_address,
    pinned_clock,
    signed,
)

pytestmark = pytest.mark.dynamodb_local

LINK = "https://book.example/m/secret-manage-token"


def message(salon_id: str, status: MessageStatus, **fields) -> OutboxMessage:
    base = OutboxMessage(id=new_id(), salon_id=salon_id, kind="reminder", phone="+393331234567", locale="it",
                         body=f"Promemoria: domani alle 10:00. Gestisci: {LINK}",
                         not_before=datetime(2026, 3, 24, 8, 0, tzinfo=UTC), created_at=NOW["now"], status=status)
    return replace(base, **fields)


@pytest.fixture
def outbox(repo, salon_id):
    found = {
        "pending": message(salon_id, MessageStatus.PENDING),
        "sent": message(salon_id, MessageStatus.SENT, kind="booking_confirmation", sent_at=NOW["now"],
                        provider_message_id="p-1", attempts=1),
        "failed": message(salon_id, MessageStatus.FAILED, reason="invalid_number", attempts=1),
        "cancelled": message(salon_id, MessageStatus.CANCELLED, reason="opted_out"),
    }
    for m in found.values():
        repo.add_message(m)
    return found


@pytest.fixture
def owner(api, salon_id):
    return signed(api, salon_id)


def test_the_outbox_shows_each_status_with_its_time_or_reason(owner, outbox):
    page = html.unescape(text(owner.get("/owner/messages")))
    assert "Sends Tue 24 Mar 2026, 09:00" in page  # 08:00 UTC is 09:00 in Rome (CET)
    assert "Sent Mon 23 Mar 2026, 09:00" in page
    assert "Why: invalid number" in page and "Why: opted out" in page
    for status in ("Pending", "Sent", "Failed", "Cancelled"):
        assert f'">{status}</span>' in page
    assert page.count(LINK) == 4  # the owner sees the client's links
    assert "<script" not in page


def test_the_outbox_filters_by_status(owner, outbox):
    page = text(owner.get("/owner/messages?status=failed"))
    assert "invalid number" in page and "opted out" not in page and "Sends Tue" not in page
    assert 'href="/owner/messages?status=failed" aria-current="page"' in page
    bad = owner.get("/owner/messages?status=lost")
    assert bad.status_code == 400 and "use one of" in text(bad)


def test_the_front_desk_sees_the_links_too_and_other_roles_never_do(api, salon_id, outbox):
    desk = signed(api, salon_id, roles.FRONT_DESK)
    assert LINK in text(desk.get("/owner/messages"))
    giulia = signed(api, salon_id, roles.STAFF, staff_id="giulia")
    assert giulia.get("/owner/messages").status_code == 403 and LINK not in text(giulia.get("/owner/messages"))
    assert giulia.json("GET", "/v1/admin/messages").status_code == 403
    # Were any other role ever let in, it would read the bodies with the links blanked.
    assert owner_messages.shown_body(outbox["pending"].body, giulia.user) == \
        "Promemoria: domani alle 10:00. Gestisci: [private link]"


def test_the_outbox_as_json(owner, outbox):
    found = owner.json("GET", "/v1/admin/messages").json_body["messages"]
    by_id = {m["id"]: m for m in found}
    pending, failed = by_id[outbox["pending"].id], by_id[outbox["failed"].id]
    assert pending["status"] == "pending" and pending["send_at"] == "2026-03-24T09:00:00+01:00"
    assert failed["reason"] == "invalid_number" and LINK in failed["body"]
    only = owner.json("GET", "/v1/admin/messages?status=cancelled").json_body["messages"]
    assert [m["reason"] for m in only] == ["opted_out"]
    bad = owner.json("GET", "/v1/admin/messages?status=lost")
    assert bad.status_code == 400 and error_of(bad)["code"] == "invalid_request"


def test_the_inbox_shows_replies(owner, repo, salon_id):
    repo.add_inbound(salon_id, "in-1", "+393331234567", None, "Posso spostare a giovedì?", "inbox", NOW["now"])
    page = html.unescape(text(owner.get("/owner/messages/inbox")))
    assert "Posso spostare a giovedì?" in page and "+393331234567" in page
    found = owner.json("GET", "/v1/admin/inbox").json_body["messages"]
    assert [m["body"] for m in found] == ["Posso spostare a giovedì?"]


# --- the waitlist ---------------------------------------------------------------------------------

def test_a_client_is_added_by_phone_listed_for_the_day_and_removed(api, owner, repo, salon_id):
    response = owner.submit("/owner/waitlist", phone="+39 347 555 1234", name="Carla Verdi", service_id="color",
                            staff_id="", date_from="2026-03-24", date_to="2026-03-26")
    assert response.status_code == 303 and response.headers["Location"] == "/owner/waitlist?done=added&day=2026-03-24"
    page = html.unescape(text(owner.get("/owner/waitlist?day=2026-03-25")))
    assert "Carla Verdi" in page and "Colore" in page and ">Waiting</span>" in page
    assert "2026-03-24 to 2026-03-26" in page
    assert "Carla Verdi" not in text(owner.get("/owner/waitlist?day=2026-03-27"))
    [entry] = repo.waitlist_covering(salon_id, TUESDAY, 30)
    assert entry.status == "waiting" and entry.service_id == "color"
    [added] = audit(salon_id, "waitlist_added")
    assert added.target == f"waitlist:{entry.id}" and "+39" not in str(added.details)
    # A known phone needs no name.
    again = owner.submit("/owner/waitlist", phone="+393475551234", name="", service_id="haircut", staff_id="marco",
                         date_from="2026-03-24", date_to="2026-03-24")
    assert again.status_code == 303 and len(repo.waitlist_covering(salon_id, TUESDAY, 30)) == 2
    removed = owner.submit(f"/owner/waitlist/2026-03-24/{entry.id}/remove", day="2026-03-25")
    assert removed.status_code == 303 and removed.headers["Location"] == "/owner/waitlist?done=removed&day=2026-03-25"
    assert [e.service_id for e in repo.waitlist_covering(salon_id, TUESDAY, 30)] == ["haircut"]
    assert owner.submit(f"/owner/waitlist/2026-03-24/{entry.id}/remove").status_code == 404
    assert len(audit(salon_id, "waitlist_removed")) == 1


@pytest.mark.parametrize("values, field, problem", [
    ({"phone": "+39 347 555 9999", "name": ""}, "name", "give the client's name"),
    ({"phone": "12"}, "phone", "not"),
    ({"service_id": "laser"}, "service_id", "no service"),
    ({"staff_id": "giulia", "service_id": "manicure"}, "staff_id", "does not perform"),
    ({"date_from": "2026-03-30", "date_to": "2026-03-28"}, "date_to", "must not be before"),
    ({"date_from": "2026-03-01", "date_to": "2026-03-02"}, "date_to", "in the past"),
    ({"date_from": "soon"}, "date_from", "not a date"),
])
def test_bad_waitlist_additions_are_refused_beside_the_field(owner, repo, salon_id, values, field, problem):
    form = {"phone": "+39 347 555 1234", "name": "Carla", "service_id": "color", "staff_id": "",
            "date_from": "2026-03-24", "date_to": "2026-03-24", **values}
    response = owner.submit("/owner/waitlist", **form)
    assert response.status_code == 400 and problem in field_error(response, field)
    assert repo.waitlist_covering(salon_id, TUESDAY, 30) == []


def test_the_front_desk_runs_the_waitlist_as_json(api, salon_id, repo):
    desk = signed(api, salon_id, roles.FRONT_DESK)
    added = desk.json("POST", "/v1/admin/waitlist", {"phone": "+39 347 555 1234", "name": "Carla",
                                                      "service_id": "color", "date_from": "2026-03-24",
                                                      "date_to": "2026-03-25"})
    assert added.status_code == 201, added.json_body
    entry = added.json_body["waitlist_entry"]
    listing = desk.json("GET", "/v1/admin/waitlist?day=2026-03-25").json_body
    assert listing["day"] == "2026-03-25"
    assert [(e["id"], e["client_name"], e["status"]) for e in listing["entries"]] == [(entry["id"], "Carla", "waiting")]
    assert desk.json("GET", "/v1/admin/waitlist").json_body["day"] == "2026-03-23"  # today in the salon
    bad = desk.json("POST", "/v1/admin/waitlist", {"phone": "+39 347 555 1234", "service_id": "laser",
                                                    "date_from": "2026-03-24", "date_to": "2026-03-25"})
    assert bad.status_code == 400 and "service_id" in error_of(bad)["fields"]
    path = f"/v1/admin/waitlist/{entry['first_day']}/{entry['id']}"
    assert desk.json("DELETE", path).status_code == 204
    assert desk.json("DELETE", path).status_code == 404
    assert desk.json("GET", "/v1/admin/waitlist?day=2026-03-25").json_body["entries"] == []
    assert desk.json("GET", "/v1/admin/waitlist?day=tomorrow").status_code == 400


def test_an_offered_entry_shows_its_status_and_offers(owner, repo, salon_id):
    owner.submit("/owner/waitlist", phone="+39 347 555 1234", name="Carla", service_id="color", staff_id="",
                 date_from="2026-03-24", date_to="2026-03-24")
    [entry] = repo.waitlist_covering(salon_id, TUESDAY, 30)
    repo.set_waitlist_status(salon_id, keys.waitlist_sk(entry.first_day, entry.id), "offered")
    page = text(owner.get("/owner/waitlist?day=2026-03-24"))
    assert ">Offered</span>" in page and "Remove" in page
