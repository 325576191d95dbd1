"""Shared fixtures: DynamoDB Local (real engine), moto, a seeded salon, a fixed clock, a live server."""
import threading
import uuid
from datetime import UTC, datetime

import pytest

from chalicelib import wiring
from chalicelib.storage.table import ensure_table
from local import env as local_env
from local.demo import seed
from local.dynamodb import DynamoDBLocal, free_port

TEST_TABLE = "chairtime-test"
# Monday 23 March 2026, 09:00 in Rome: the demo salon opens tomorrow at 09:00.
MONDAY_MORNING = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def dynamodb_local():
    server = DynamoDBLocal(free_port()).start()
    ensure_table(local_env.dynamodb_client(server.endpoint), TEST_TABLE)
    yield server
    server.stop()


@pytest.fixture
def repo(dynamodb_local):
    """The repository on DynamoDB Local (conditions, transactions and concurrency are real)."""
    local_env.apply(dynamodb_local.endpoint, TABLE_NAME=TEST_TABLE, PUBLIC_BASE_URL="https://book.example")
    wiring.reset()
    yield wiring.repository()
    wiring.set_clock(None)
    wiring.reset()


@pytest.fixture
def moto_repo(monkeypatch):
    """The repository on moto: fast, AWS-shaped, single-threaded."""
    from moto import mock_aws

    with mock_aws():
        local_env.apply("", TABLE_NAME=TEST_TABLE, PUBLIC_BASE_URL="https://book.example")
        monkeypatch.delenv("DYNAMODB_ENDPOINT")
        import boto3

        ensure_table(boto3.client("dynamodb"), TEST_TABLE)
        wiring.reset()
        yield wiring.repository()
        wiring.set_clock(None)
        wiring.reset()


@pytest.fixture
def salon_id(repo) -> str:
    """A fresh copy of the demo salon under a unique id, so tests never see each other's data."""
    salon_id = f"demo-{uuid.uuid4().hex[:10]}"
    seed(repo, salon_id)
    return salon_id


@pytest.fixture(autouse=True)
def caller_address(monkeypatch):
    """Each test calls from an address of its own (the test client and `make run` report one fixed
    address), so the per-address rate limits of one test never count another test's requests."""
    from chalice.local import LambdaEventConverter

    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", address)
    return address


@pytest.fixture
def fixed_now():
    wiring.set_clock(lambda: MONDAY_MORNING)
    yield MONDAY_MORNING
    wiring.set_clock(None)


@pytest.fixture
def api(repo):
    """Chalice's test client on the app, bound to DynamoDB Local."""
    from chalice.test import Client

    from app import app

    with Client(app) as client:
        yield client


@pytest.fixture(scope="session")
def live_server(dynamodb_local):
    """The app on a real threaded HTTP server (what `make run` serves), on DynamoDB Local."""
    from local.run import serve

    local_env.apply(dynamodb_local.endpoint, TABLE_NAME=TEST_TABLE)
    wiring.reset()
    port = free_port()
    server = serve(port)
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.server.shutdown()


@pytest.fixture
def config_with():
    """`config_with(photo_bucket="b")`: this test's configuration differs from the environment's in
    these fields (wiring.set_config); the next test gets the environment's back."""
    from dataclasses import replace

    def apply(**changes):
        wiring.set_config(replace(wiring.config(), **changes))

    yield apply
    wiring.set_config(None)


@pytest.fixture
def owners_read_english(monkeypatch):
    """The owner-side tests assert English texts, but the demo salon speaks Italian: every user they
    create chooses English for their own pages (a real setting, `User.locale`). Users who follow the
    salon's language are tested in tests/owner/test_page_languages.py."""
    from dataclasses import replace

    from chalicelib.storage.accounts import AccountsRepository

    create = AccountsRepository.create_user

    def create_reading_english(self, user):
        return create(self, user if user.locale else replace(user, locale="en"))

    monkeypatch.setattr(AccountsRepository, "create_user", create_reading_english)
