"""The same API on moto: quick AWS-shaped checks that need no DynamoDB Local. The tests that
depend on real transaction and concurrency semantics live in tests/dynamo/."""
import pytest

from local.demo import seed
from tests.dynamo.helpers import TUESDAY_10, book, post, slot_starts


@pytest.fixture
def moto_api(moto_repo, fixed_now):
    from chalice.test import Client

    from app import app

    seed(moto_repo, "demo")
    with Client(app) as client:
        yield client


def test_book_view_and_cancel_on_moto(moto_api):
    created = book(moto_api, "demo", headers={"Idempotency-Key": "moto-1"})
    assert created.status_code == 201
    token = created.json_body["manage_token"]
    assert book(moto_api, "demo", headers={"Idempotency-Key": "moto-1"}).json_body == created.json_body
    assert book(moto_api, "demo", phone="3337654321").json_body["error"]["code"] == "slot_taken"
    assert TUESDAY_10 not in slot_starts(moto_api, "demo")
    assert post(moto_api, f"/v1/bookings/{token}/cancel").json_body["booking"]["status"] == "cancelled"
    assert TUESDAY_10 in slot_starts(moto_api, "demo")


def test_the_table_definition_creates_the_keys_and_indexes_the_code_uses(moto_repo):
    import boto3

    from chalicelib.storage import table

    described = boto3.client("dynamodb").describe_table(TableName="chairtime-test")["Table"]
    assert [k["AttributeName"] for k in described["KeySchema"]] == [table.PK, table.SK]
    indexes = {index["IndexName"]: [k["AttributeName"] for k in index["KeySchema"]]
               for index in described["GlobalSecondaryIndexes"]}
    assert indexes == {name: list(keys) for name, keys in table.INDEXES.items()}
    ttl = boto3.client("dynamodb").describe_time_to_live(TableName="chairtime-test")["TimeToLiveDescription"]
    assert ttl["AttributeName"] == table.TTL_ATTRIBUTE and ttl["TimeToLiveStatus"] == "ENABLED"
