"""The broadcasts page and its JSON twin: write, preview (reach per channel, cost, skipped), confirm
once, follow the progress; owner and front desk only."""
import re

import pytest

from chalicelib.auth import roles
from chalicelib.domain.client import Client
from chalicelib.domain.ids import new_id
from chalicelib.services import broadcasts
from chalicelib.storage import mapping
from chalicelib.storage.models import ClientItem
from tests.conftest import MONDAY_MORNING
from tests.owner.test_settings import (  # noqa: F401 - autouse fixtures
    audit,
    error_of,
    field_error,
    own_address,
    pinned_clock,
    signed,
    text,
)

pytestmark = pytest.mark.dynamodb_local
PAGE = "/owner/messages/broadcasts"


def clients(salon_id, consents):
    with ClientItem.batch_write() as batch:
        for i, consent in enumerate(consents):
            item = mapping.client_to_item(salon_id, Client(id=new_id(), name=f"C{i}", phone=f"+39334{i:07d}"),
                                          MONDAY_MORNING)
            item.marketing_consent = consent
            batch.save(item)


@pytest.fixture
def owner(api, salon_id):
    return signed(api, salon_id)


def test_preview_shows_reach_cost_and_who_is_skipped_then_one_confirm_sends_once(owner, repo, salon_id):
    clients(salon_id, [True, True, True, False])
    preview = owner.submit(PAGE + "/preview", text="Spring offer: 20% off.", segment="marketing")
    page = text(preview)
    assert preview.status_code == 200
    assert "<td>3</td><td>0.2700</td>" in page  # three SMS to Italy at $0.09
    assert "Did not agree to offers" in page and "Send to 3 clients" in page
    broadcast_id = re.search(r'name="id" value="([0-9A-Z]{26})"', page).group(1)
    fields = {"id": broadcast_id, "text": "Spring offer: 20% off.", "segment": "marketing"}
    sent = owner.submit(PAGE, **fields)
    again = owner.submit(PAGE, **fields)  # a double click
    assert sent.status_code == again.status_code == 303
    assert sent.headers["Location"].split("?")[0].endswith(f"{PAGE}/{broadcast_id}")
    assert [b.id for b in repo.broadcasts_of_salon(salon_id)] == [broadcast_id]
    assert len(audit(salon_id, "broadcast_sent")) == 1
    broadcasts.enqueue_due(repo, MONDAY_MORNING)
    progress = text(owner.get(f"{PAGE}/{broadcast_id}"))
    assert re.search(r"<dt>Waiting</dt><dd>3</dd>", progress) and re.search(r"<dt>Skipped</dt><dd>1</dd>", progress)


def test_a_segment_without_its_fields_is_answered_beside_them(owner):
    response = owner.submit(PAGE + "/preview", text="", segment="lapsed", days="")
    assert response.status_code == 400
    assert field_error(response, "text") == "Write the message."
    assert "whole number" in field_error(response, "days")


def test_the_json_twin_previews_sends_once_and_tells_the_progress(api, repo, salon_id):
    clients(salon_id, [True, False])
    front_desk = signed(api, salon_id, roles.FRONT_DESK)
    shown = front_desk.json("POST", "/v1/admin/broadcasts/preview", {"text": "Hello", "segment": "marketing"})
    assert shown.status_code == 200
    body = shown.json_body
    assert body["reach"]["sms"] == 1 and body["skipped"] == {"no_consent": 1} and body["total_cost_usd"] == "0.0900"
    send = {"id": body["id"], "text": "Hello", "segment": "marketing"}
    first = front_desk.json("POST", "/v1/admin/broadcasts", send)
    second = front_desk.json("POST", "/v1/admin/broadcasts", send)
    assert (first.status_code, second.status_code) == (201, 200) and second.json_body["id"] == body["id"]
    broadcasts.enqueue_due(repo, MONDAY_MORNING)
    one = front_desk.json("GET", f"/v1/admin/broadcasts/{body['id']}").json_body
    assert one["progress"] == {"queued": 1, "sent": 0, "failed": 0, "skipped": {"no_consent": 1}, "enqueuing": False}
    listed = front_desk.json("GET", "/v1/admin/broadcasts").json_body
    assert [b["id"] for b in listed["broadcasts"]] == [body["id"]]


def test_bad_input_is_a_400_with_the_fields_and_an_unknown_broadcast_a_404(owner):
    response = owner.json("POST", "/v1/admin/broadcasts", {"id": "nope", "text": "x", "segment": "date"})
    assert response.status_code == 400 and error_of(response)["code"] == "invalid_request"
    assert "id" in response.json_body["error"]["fields"]
    response = owner.json("POST", "/v1/admin/broadcasts/preview", {"text": "x", "segment": "date", "day": "tomorrow"})
    assert response.status_code == 400 and "day" in response.json_body["error"]["fields"]
    missing = owner.json("GET", f"/v1/admin/broadcasts/{new_id()}")
    assert missing.status_code == 404 and error_of(missing)["code"] == "broadcast_not_found"


def test_staff_may_not_broadcast(api, salon_id):
    staff = signed(api, salon_id, roles.STAFF, staff_id="giulia")
    assert staff.json("POST", "/v1/admin/broadcasts/preview", {"text": "x", "segment": "marketing"}).status_code == 403
    assert staff.get(PAGE).status_code == 403


def test_another_salons_broadcast_is_not_found(api, repo, salon_id):
    from tests.conftest import seed

    other = f"{salon_id}-b"
    seed(repo, other)
    salon = repo.load_salon(other)[0]
    theirs, _ = broadcasts.send(repo, salon, "someone", new_id(), "Theirs", broadcasts.Segment(
        broadcasts.SegmentKind.MARKETING), MONDAY_MORNING)
    owner = signed(api, salon_id)
    assert owner.json("GET", f"/v1/admin/broadcasts/{theirs.id}").status_code == 404
    assert owner.get(f"{PAGE}/{theirs.id}").status_code == 404


@pytest.mark.parametrize("body", [
    [], "text", {"text": {"a": 1}, "segment": "marketing"}, {"text": "x", "segment": "service", "service_id": "nope"},
    {"text": "x" * 481, "segment": "marketing"}, {"text": "x", "segment": "lapsed", "days": "abc"},
    {"text": "x", "segment": "lapsed", "days": {"a": 1}}, {"text": "x\u0000y", "segment": "marketing"},
    {"text": "x", "segment": "everyone"}, {"text": "x", "segment": "marketing", "extra": 1},
    {"id": 123, "text": "x", "segment": "marketing"},
])
def test_hostile_bodies_are_a_400_with_the_error_shape(owner, body):
    for path in ("/v1/admin/broadcasts/preview", "/v1/admin/broadcasts"):
        response = owner.json("POST", path, body)
        assert response.status_code == 400, (path, body, response.json_body)
        assert error_of(response)["code"]
