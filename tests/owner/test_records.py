"""Treatment records on DynamoDB Local, with the photos in moto's S3: the fields the owner
defines, the specialist's record of a started visit, photos posted straight to the private bucket
under a signed form, the client file and the agenda's "last time", the JSON twin, the client's
export and erasure, and the audit log.

Dates: the demo salon in Rome; Anna's colour with Giulia on Tuesday 24 March 2026 at 10:00."""
import base64
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
import requests

from chalicelib import wiring
from chalicelib.auth import accounts, roles
from chalicelib.photos import s3 as s3_photos
from chalicelib.storage import keys
from chalicelib.web.owner.agenda import start_key
from tests.owner import test_auth
from tests.owner.test_agenda import (
    TUESDAY,
    api_get,
    api_post,
    appt_path,
    at,
    book,
    csrf,
    signed_in,
    stored,
)
from tests.owner.test_auth import text

pytestmark = pytest.mark.dynamodb_local
client_address = test_auth.client_address  # autouse: each test signs in from an address of its own

BUCKET = "chairtime-photos-test"
REGION = "eu-south-1"
FIELDS = "Formula\nDeveloper % | number\nReaction | choice | none, redness, irritation"


@pytest.fixture
def bucket(repo, config_with):
    """moto's S3 for the photos; DynamoDB calls still go to DynamoDB Local."""
    from moto import mock_aws

    with mock_aws():  # DynamoDB Local's address is not AWS's: those calls pass through
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        config_with(photo_bucket=BUCKET)
        s3_photos._client.cache_clear()
        yield s3
        s3_photos._client.cache_clear()


@pytest.fixture
def visit(salon_id, clock, bucket):
    """Anna's colour with Giulia on Tuesday, marked arrived at 10:05; the colour service asks for fields."""
    anna = book(salon_id, at(TUESDAY, "10:00"))
    clock["now"] = at(TUESDAY, "10:05")
    owner = signed_in(api_client(), salon_id)
    response = owner.post("/owner/record-fields/color", csrf=csrf(owner), spec=FIELDS)
    assert response.status_code == 303, text(response)
    assert owner.post(appt_path(anna, "arrived"), csrf=csrf(owner)).status_code == 303
    return anna


_api = {}


@pytest.fixture(autouse=True)
def _remember_api(api):
    _api["client"] = api


def api_client():
    return _api["client"]


def record_path(appt, api: bool = False) -> str:
    return ("/v1/admin/records/" if api else "/owner/records/") + f"{start_key(appt.start)}/{appt.id}"


def audit_actions(salon_id: str) -> list[str]:
    return [e.action for e in accounts().audit_entries(salon_id, limit=100)]


def policy_of(fields: dict) -> dict:
    return json.loads(base64.b64decode(fields["policy"]))


def upload_form(page_html: str) -> tuple[str, dict]:
    """The upload form's action and hidden fields, as the browser would post them."""
    import re

    form = page_html[page_html.rindex("<form", 0, page_html.index('enctype="multipart/form-data"')):]
    action = re.search(r'<form method="post" action="([^"]+)" enctype', form).group(1)
    body = form[:form.index("</form>")]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', body))
    import html

    return html.unescape(action), {k: html.unescape(v) for k, v in fields.items()}


# --- fields and the record ---------------------------------------------------------------------------

def test_the_owner_defines_fields_and_the_specialist_records_the_visit(api, salon_id, visit):
    giulia = signed_in(api, salon_id, roles.STAFF, "giulia")
    page = giulia.get(record_path(visit))
    assert page.status_code == 200, text(page)
    assert 'name="field_formula"' in text(page) and 'name="field_developer"' in text(page)
    assert "<option>redness</option>" in text(page)
    saved = giulia.post(record_path(visit), csrf=csrf(giulia), field_formula="6/0 + 7/43", field_developer="20",
                        field_reaction="none", text="Roots only.\r\nTested behind the ear.")
    assert saved.status_code == 303 and saved.headers["Location"].endswith("?done=saved")
    record = wiring.repository().get_record(salon_id, visit.start, visit.id)
    assert record.values == {"formula": "6/0 + 7/43", "developer": "20", "reaction": "none"}
    assert record.text == "Roots only.\nTested behind the ear." and record.staff_id == "giulia"
    client = wiring.repository().get_client(salon_id, visit.client_id)
    assert client.last_record.startswith("Formula: 6/0 + 7/43; Developer %: 20; Reaction: none; Roots only.")
    assert client.last_record_at == visit.start
    changed = giulia.post(record_path(visit), csrf=csrf(giulia), field_formula="6/0", field_developer="1,5",
                          field_reaction="redness", text="Roots only.\nTested behind the ear.")
    assert changed.status_code == 303
    assert wiring.repository().get_record(salon_id, visit.start, visit.id).values["developer"] == "1.5"
    entries = {e.action: e for e in accounts().audit_entries(salon_id, limit=100)}
    assert entries["record_created"].target == f"appointment:{visit.id}"
    assert entries["record_created"].details["fields"] == ["developer", "formula", "reaction", "text"]
    assert entries["record_updated"].details["fields"] == ["developer", "formula", "reaction"]  # names, not values
    assert "6/0" not in json.dumps([e.details for e in entries.values()])
    assert "record_fields_changed" in audit_actions(salon_id)


def test_bad_values_are_refused_with_what_to_fix_and_nothing_is_written(api, salon_id, visit):
    owner = signed_in(api, salon_id)
    for field, value, message in (("field_developer", "twenty", "Developer %: type a number"),
                                  ("field_reaction", "burnt", "Reaction: choose one of none, redness, irritation")):
        response = owner.post(record_path(visit), csrf=csrf(owner), **{field: value}, text="kept")
        assert response.status_code == 400 and message in text(response)
        assert ">kept</textarea>" in text(response)  # what was typed is shown again
    refused = api_post_put(owner, record_path(visit, api=True), {"fields": {"colour": "x"}})
    assert refused.status_code == 400 and refused.json_body["error"]["code"] == "invalid_request"
    assert wiring.repository().get_record(salon_id, visit.start, visit.id) is None
    bad_spec = owner.post("/owner/record-fields/color", csrf=csrf(owner), spec="Reaction | choice")
    assert bad_spec.status_code == 400 and "list 1 to 20 choices" in text(bad_spec)


def test_a_record_needs_the_client_to_have_arrived(api, salon_id, clock, bucket):
    later = book(salon_id, at(TUESDAY, "15:00"))
    owner = signed_in(api, salon_id)
    page = owner.get(record_path(later))
    assert page.status_code == 409 and "once the client has arrived" in text(page)
    refused = api_post_put(owner, record_path(later, api=True), {"text": "x"})
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "appointment_not_started"
    assert wiring.repository().get_record(salon_id, later.start, later.id) is None


def test_staff_open_only_their_own_visits_records_and_only_the_owner_defines_fields(api, salon_id, visit):
    marco = signed_in(api, salon_id, roles.STAFF, "marco")
    assert marco.get(record_path(visit)).status_code == 404
    assert api_put(marco, record_path(visit, api=True), {"text": "x"}).status_code == 404
    desk = signed_in(api, salon_id, roles.FRONT_DESK)
    assert desk.get(record_path(visit)).status_code == 200  # the front desk runs every agenda
    assert desk.get("/owner/record-fields/color").status_code == 403
    assert api_put(desk, "/v1/admin/record-fields/color", {"spec": "x"}).status_code == 403
    anonymous = api.http.get(record_path(visit, api=True))
    assert anonymous.status_code == 401
    no_csrf = api.http.put(record_path(visit, api=True), body="{}", headers={
        **marco._headers({}), "Content-Type": "application/json"})
    assert no_csrf.status_code == 403


# --- photos ------------------------------------------------------------------------------------------

def test_photos_go_straight_to_the_private_bucket_under_a_signed_limited_form(api, salon_id, visit, bucket):
    giulia = signed_in(api, salon_id, roles.STAFF, "giulia")
    page = giulia.get(record_path(visit))
    action, fields = upload_form(text(page))
    assert action == f"https://{BUCKET}.s3.{REGION}.amazonaws.com/"
    assert f"form-action 'self' https://{BUCKET}.s3.{REGION}.amazonaws.com" in page.headers["Content-Security-Policy"]
    conditions = policy_of(fields)["conditions"]
    assert ["content-length-range", 1, 10 * 1024 * 1024] in conditions
    assert ["starts-with", "$Content-Type", "image/"] in conditions
    assert {"x-amz-server-side-encryption": "AES256"} in conditions
    photo_key = keys.photo_key(salon_id, visit.client_id, visit.id, 1)
    assert fields["key"] == photo_key and {"key": photo_key} in conditions
    posted = requests.post(action, data=fields, files={"file": ("before.jpg", b"\xff\xd8\xff photo", "image/jpeg")},
                           allow_redirects=False)
    assert posted.status_code == 303
    back = urlparse(posted.headers["Location"])
    assert back.path == record_path(visit) and parse_qs(back.query)["photo"] == ["1"]
    shown = giulia.get(f"{back.path}?{back.query}")
    assert shown.status_code == 200 and "Photo added." in text(shown)
    assert "record_photo_added" in audit_actions(salon_id)
    assert "Photos (1 of 6)" in text(shown) and "Upload photo 2" in text(shown)
    link = text(shown).split('<img src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "X-Amz-Expires=300" in link and "X-Amz-Signature=" in link
    assert bucket.get_object(Bucket=BUCKET, Key=photo_key)["Body"].read() == b"\xff\xd8\xff photo"
    deleted = giulia.post(f"{record_path(visit)}/photos/1/delete", csrf=csrf(giulia))
    assert deleted.status_code == 303
    assert bucket.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
    assert "record_photo_deleted" in audit_actions(salon_id)


def test_a_record_holds_at_most_six_photos(api, salon_id, visit, bucket):
    for slot in range(1, 7):
        bucket.put_object(Bucket=BUCKET, Key=keys.photo_key(salon_id, visit.client_id, visit.id, slot), Body=b"x")
    owner = signed_in(api, salon_id)
    page = owner.get(record_path(visit))
    assert "Photos (6 of 6)" in text(page) and 'enctype="multipart/form-data"' not in text(page)
    answer = api_get(owner, record_path(visit, api=True)).json_body
    assert [p["slot"] for p in answer["photos"]] == [1, 2, 3, 4, 5, 6] and answer["uploads"] == []


# --- where records show ------------------------------------------------------------------------------------

def test_the_client_file_lists_records_newest_first_to_roles_that_read_notes(api, salon_id, visit, clock):
    giulia = signed_in(api, salon_id, roles.STAFF, "giulia")
    assert giulia.post(record_path(visit), csrf=csrf(giulia), field_formula="6/0", text="visit one").status_code == 303
    second = book(salon_id, at(TUESDAY, "16:00"))
    clock["now"] = at(TUESDAY, "16:05")
    owner = signed_in(api, salon_id)
    assert owner.post(appt_path(second, "arrived"), csrf=csrf(owner)).status_code == 303
    assert owner.post(record_path(second), csrf=csrf(owner), field_formula="7/1", text="visit two").status_code == 303
    file = text(owner.get(f"/owner/clients/{visit.client_id}"))
    assert 'id="records"' in file and file.index("visit two") < file.index("visit one")
    answer = api_get(owner, f"/v1/admin/clients/{visit.client_id}").json_body
    assert [r["text"] for r in answer["records"]] == ["visit two", "visit one"]
    assert answer["records"][0]["fields"] == [{"label": "Formula", "value": "7/1"}]
    # Staff read private notes only where the salon allows it; records follow the same rule.
    staff_file = giulia.get(f"/owner/clients/{visit.client_id}")
    assert staff_file.status_code == 200 and 'id="records"' not in text(staff_file)
    assert "records" not in api_get(giulia, f"/v1/admin/clients/{visit.client_id}").json_body


def test_the_next_appointments_agenda_card_shows_last_time(api, salon_id, visit, clock):
    owner = signed_in(api, salon_id)
    assert owner.post(record_path(visit), csrf=csrf(owner), field_formula="6/0",
                      field_reaction="redness").status_code == 303
    clock["now"] = at(TUESDAY, "18:00")
    following = book(salon_id, at(TUESDAY + timedelta(days=7), "10:00"))
    agenda = text(owner.get(f"/owner/agenda?day={(TUESDAY + timedelta(days=7)).isoformat()}"))
    assert "Last time: 24 Mar 2026: Formula: 6/0; Reaction: redness" in agenda
    same_day = text(owner.get("/owner/agenda?day=2026-03-24"))
    assert "Last time:" not in same_day  # the visit itself is not its own "last time"
    assert stored(following).status.value == "booked"


def test_the_export_carries_the_records_and_erasure_deletes_records_and_photos(api, salon_id, visit, bucket, clock):
    owner = signed_in(api, salon_id)
    assert owner.post(record_path(visit), csrf=csrf(owner), field_formula="6/0", text="t").status_code == 303
    photo = keys.photo_key(salon_id, visit.client_id, visit.id, 2)
    bucket.put_object(Bucket=BUCKET, Key=photo, Body=b"img")
    exported = api_get(owner, f"/v1/admin/clients/{visit.client_id}/export").json_body
    [record] = exported["treatment_records"]
    assert record["text"] == "t" and record["photos"][0]["slot"] == 2
    assert "X-Amz-Signature" in record["photos"][0]["url"]
    clock["now"] = at(TUESDAY, "18:00")
    assert owner.post(appt_path(visit, "completed"), csrf=csrf(owner)).status_code == 303
    erased = api_post(owner, f"/v1/admin/clients/{visit.client_id}/erase", {"confirm": "Anna Rossi"}, csrf(owner))
    assert erased.status_code == 200, erased.body
    assert wiring.repository().get_record(salon_id, visit.start, visit.id) is None
    assert wiring.repository().client_records(salon_id, visit.client_id) == []
    assert bucket.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
    client = wiring.repository().get_client(salon_id, visit.client_id)
    assert client.last_record == "" and client.last_record_at is None


def test_the_json_twin_writes_and_reads_a_record(api, salon_id, visit):
    owner = signed_in(api, salon_id)
    fields = api_get(owner, "/v1/admin/record-fields/color").json_body
    assert [f["id"] for f in fields["fields"]] == ["formula", "developer", "reaction"]
    saved = api_put(owner, record_path(visit, api=True), {"text": "ok", "fields": {"developer": 12}})
    assert saved.status_code == 200, saved.body
    assert saved.json_body["record"]["fields"] == [{"label": "Developer %", "value": "12"}]
    [first, *_] = saved.json_body["uploads"]
    assert first["slot"] == 1 and first["url"].startswith("https://") and "policy" in first["fields"]
    cleared = api_put(owner, "/v1/admin/record-fields/color", {"spec": ""})
    assert cleared.status_code == 200 and cleared.json_body["fields"] == []
    # A field the service no longer asks for keeps its label in the records already written.
    again = api_get(owner, record_path(visit, api=True)).json_body
    assert again["record"]["fields"] == [{"label": "Developer %", "value": "12"}] and again["fields"] == []


def api_put(browser, path: str, body: dict):
    token = csrf(browser)
    return browser.client.http.put(path, body=json.dumps(body), headers=browser._headers(
        {"Content-Type": "application/json", "X-CSRF-Token": token}))


api_post_put = api_put


# --- the local twin of the bucket (`make run`) ------------------------------------------------------------

def multipart(fields: dict, content: bytes) -> tuple[bytes, str]:
    boundary = "----chairtime-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n'
                 f"Content-Type: image/jpeg\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_the_local_photo_store_takes_the_upload_as_the_bucket_would(api, salon_id, clock, tmp_path, config_with):
    config_with(photo_bucket=None, photo_dir=str(tmp_path))
    anna = book(salon_id, at(TUESDAY, "10:00"))
    clock["now"] = at(TUESDAY, "10:05")
    owner = signed_in(api, salon_id)
    assert owner.post(appt_path(anna, "arrived"), csrf=csrf(owner)).status_code == 303
    action, fields = upload_form(text(owner.get(record_path(anna))))
    assert urlparse(action).path == "/local-photos"
    tampered, content_type = multipart({**fields, "key": fields["key"].replace("/1", "/../x")}, b"img")
    refused = api.http.post("/local-photos", body=tampered, headers={"Content-Type": content_type})
    assert refused.status_code == 400 and not any(tmp_path.rglob("*"))
    body, content_type = multipart(fields, b"\xff\xd8 local photo")
    posted = api.http.post("/local-photos", body=body, headers={"Content-Type": content_type})
    assert posted.status_code == 303 and urlparse(posted.headers["Location"]).path == record_path(anna)
    assert (tmp_path / keys.photo_key(salon_id, anna.client_id, anna.id, 1)).read_bytes() == b"\xff\xd8 local photo"
    page = text(owner.get(record_path(anna)))
    link = urlparse(page.split('<img src="', 1)[1].split('"', 1)[0].replace("&amp;", "&"))
    shown = api.http.get(f"{link.path}?{link.query}", headers={"Accept": "image/jpeg"})
    assert shown.status_code == 200 and shown.body == b"\xff\xd8 local photo"
    forged = api.http.get(f"{link.path}?{link.query.replace('signature=', 'signature=0')}")
    assert forged.status_code == 404
