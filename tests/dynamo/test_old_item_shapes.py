"""Items written before a model change still load: every item carries its schema version (`v`),
and attributes added later take their defaults when absent."""
from datetime import UTC, datetime

from chalicelib.domain.appointment import Status
from chalicelib.domain.client import Access
from chalicelib.domain.policy import Policy
from local import env as local_env
from tests.conftest import TEST_TABLE


def put_raw(dynamodb_local, item: dict) -> None:
    local_env.dynamodb_client(dynamodb_local.endpoint).put_item(TableName=TEST_TABLE, Item=item)


def test_a_first_version_salon_client_and_appointment_load_with_defaults(repo, dynamodb_local):
    salon = "old-shapes"
    put_raw(dynamodb_local, {  # a profile from before policies existed
        "PK": {"S": f"SALON#{salon}"}, "SK": {"S": "CONFIG#PROFILE"}, "kind": {"S": "salon"}, "v": {"N": "1"},
        "salon_id": {"S": salon}, "name": {"S": "Old Salon"}, "phone": {"S": "+390612345678"},
        "timezone": {"S": "Europe/Rome"}, "locale": {"S": "it"}, "currency": {"S": "EUR"}, "country": {"S": "IT"},
        "hours": {"S": '{"tue": ["09:00-13:00"]}'}, "closed_dates": {"S": "[]"}, "slot_minutes": {"N": "15"},
        "min_notice_minutes": {"N": "60"}, "horizon_days": {"N": "60"}, "cancellation_cutoff_hours": {"N": "24"},
    })
    put_raw(dynamodb_local, {  # a client from before counters of days, fees, consent and allergies
        "PK": {"S": f"SALON#{salon}"}, "SK": {"S": "CLIENT#c1"}, "kind": {"S": "client"}, "v": {"N": "1"},
        "client_id": {"S": "c1"}, "name": {"S": "Anna"}, "phone": {"S": "+393331234567"},
        "created_at": {"S": "2025-01-01T10:00:00Z"},
    })
    put_raw(dynamodb_local, {  # an appointment from before due times and manage-link lists
        "PK": {"S": f"SALON#{salon}"}, "SK": {"S": "APPT#2026-03-24T09:00:00Z#a1"}, "kind": {"S": "appointment"},
        "v": {"N": "1"}, "salon_id": {"S": salon}, "appointment_id": {"S": "a1"}, "service_id": {"S": "cut"},
        "staff_id": {"S": "giulia"}, "client_id": {"S": "c1"}, "start": {"S": "2026-03-24T09:00:00Z"},
        "end": {"S": "2026-03-24T09:30:00Z"}, "status": {"S": "booked"},
    })
    loaded, _ = repo.load_salon(salon)
    assert loaded.name == "Old Salon" and loaded.policy == Policy()
    client = repo.get_client(salon, "c1")
    assert (client.access, client.no_show_days, client.allergies, client.sms_opt_out) == (Access.OK, (), "", False)
    appt = repo.get_appointment(salon, datetime(2026, 3, 24, 9, 0, tzinfo=UTC), "a1")
    assert appt.status is Status.BOOKED and appt.due is None and appt.links == ()


def test_new_items_carry_their_schema_version(repo, salon_id, dynamodb_local):
    item = local_env.dynamodb_client(dynamodb_local.endpoint).get_item(
        TableName=TEST_TABLE, Key={"PK": {"S": f"SALON#{salon_id}"}, "SK": {"S": "CONFIG#PROFILE"}})["Item"]
    assert item["v"] == {"N": "1"} and item["kind"] == {"S": "salon"}


def test_saving_a_client_file_keeps_when_it_was_created_and_last_booked(repo, salon_id, api, fixed_now):
    from dataclasses import replace

    from chalice.test import Client as TestClient

    from app import app
    from chalicelib.storage import keys
    from chalicelib.storage.models import ClientItem
    from tests.dynamo.helpers import book

    with TestClient(app) as api:
        assert book(api, salon_id).status_code == 201
    assert book(api, salon_id, start="2026-03-25T10:00:00+01:00").status_code == 201  # returning: last booked
    client_id = repo.client_id_for_phone(salon_id, "+393331234567")
    before = ClientItem.get(keys.salon_pk(salon_id), keys.client_sk(client_id))
    client = repo.get_client(salon_id, client_id)
    repo.save_client(salon_id, replace(client, notes="prefers mornings"), datetime(2030, 1, 1, tzinfo=UTC))
    after = ClientItem.get(keys.salon_pk(salon_id), keys.client_sk(client_id))
    assert (after.created_at, after.last_booked_at) == (before.created_at, before.last_booked_at)
    assert after.last_booked_at is not None and after.notes == "prefers mornings"
