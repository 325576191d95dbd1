"""Asking for a sign-in code costs the same DynamoDB requests, in the same order, whether the phone
is a client here or not (counted on botocore's hooks as `make bench` counts them, never timed):
the answer's cost must not tell who is a client."""
import pytest

from bench.counting import pynamodb_clients
from chalicelib.domain.outbox import MessageStatus
from chalicelib.storage import keys
from chalicelib.storage.models import SignInCodeItem
from tests.client_area.conftest import ANNA, BRUNO, STRANGER, book_for, tuesday

pytestmark = pytest.mark.dynamodb_local
JSON = {"Content-Type": "application/json"}


class OperationLog:
    """Every DynamoDB operation the app's clients call, in order."""

    def __init__(self, repo):
        self.calls: list[str] = []
        self._clients = pynamodb_clients(repo)
        for client in self._clients:
            client.meta.events.register("before-call.dynamodb", self._on_call, unique_id=f"oplog-{id(self)}")

    def _on_call(self, model=None, **_) -> None:
        self.calls.append(model.name)

    def take(self) -> list[str]:
        taken, self.calls = self.calls, []
        return taken

    def close(self) -> None:
        for client in self._clients:
            client.meta.events.unregister("before-call.dynamodb", unique_id=f"oplog-{id(self)}")


@pytest.fixture
def oplog(repo):
    log = OperationLog(repo)
    yield log
    log.close()


@pytest.fixture
def anna(repo, salon_id, clock):
    return book_for(repo, salon_id, ANNA, tuesday(10), clock["now"])


def _ask(api, salon_id: str, phone: str):
    return api.http.post(f"/v1/salons/{salon_id}/sign-in", body=f'{{"phone": "{phone}"}}', headers=JSON)


def _code_item(salon_id: str, phone: str) -> SignInCodeItem:
    return SignInCodeItem.get(keys.sign_in_pk(salon_id, phone), keys.SIGN_IN_SK, consistent_read=True)


def test_a_known_and_an_unknown_phone_get_the_same_answer_for_the_same_requests(
        api, repo, salon_id, anna, sms, oplog):
    oplog.take()
    known = _ask(api, salon_id, ANNA)
    known_calls = oplog.take()
    unknown = _ask(api, salon_id, STRANGER)
    unknown_calls = oplog.take()

    assert known.status_code == unknown.status_code == 202
    assert known.body == unknown.body
    assert known_calls == unknown_calls
    assert known_calls[-2:] == ["TransactWriteItems"] * 2  # issue the code; note what became of its text
    # ...and each did its own job: the client got a text, the stranger nothing.
    assert [m["phone"] for m in sms.sent] == [ANNA]
    [stored] = [m for m in repo.client_messages(salon_id, anna.appointment.client_id) if m.kind == "sign_in_code"]
    assert stored.status is MessageStatus.SENT
    assert _code_item(salon_id, ANNA).text_id == stored.id
    stranger = _code_item(salon_id, STRANGER)
    assert stranger.text_id == "" and stranger.client_id is None


def test_a_client_whose_text_cannot_leave_costs_the_same_as_a_stranger(api, repo, salon_id, anna, sms, oplog, clock):
    book_for(repo, salon_id, BRUNO, tuesday(11), clock["now"], name="Bruno Bianchi")
    salon, _ = repo.load_salon(salon_id)
    day = clock["now"].astimezone(salon.tz).date()
    for _ in range(salon.policy.phone_daily_cap):  # Bruno's daily cap is used up
        assert repo.consume_sms_quota(salon_id, BRUNO, day, salon.policy.phone_daily_cap,
                                      salon.policy.salon_daily_cap, clock["now"])
    oplog.take()
    capped = _ask(api, salon_id, BRUNO)
    capped_calls = oplog.take()
    unknown = _ask(api, salon_id, STRANGER)
    unknown_calls = oplog.take()

    assert capped.status_code == unknown.status_code == 202 and capped.body == unknown.body
    assert capped_calls == unknown_calls
    assert sms.sent == []
    bruno_id = repo.client_id_for_phone(salon_id, BRUNO)
    [stored] = [m for m in repo.client_messages(salon_id, bruno_id) if m.kind == "sign_in_code"]
    assert stored.status is MessageStatus.FAILED and stored.reason == "daily_cap_reached"
    assert _code_item(salon_id, BRUNO).text_id == stored.id


def test_an_opted_out_client_costs_the_same_as_a_stranger(api, repo, salon_id, anna, sms, oplog, clock):
    client = repo.get_client(salon_id, anna.appointment.client_id)
    repo.save_client(salon_id, client.__class__(**{**client.__dict__, "sms_opt_out": True}), clock["now"])
    oplog.take()
    opted_out = _ask(api, salon_id, ANNA)
    opted_out_calls = oplog.take()
    unknown = _ask(api, salon_id, STRANGER)
    assert opted_out.body == unknown.body and opted_out_calls == oplog.take()
    assert sms.sent == []
    [stored] = [m for m in repo.client_messages(salon_id, anna.appointment.client_id) if m.kind == "sign_in_code"]
    assert stored.status is MessageStatus.CANCELLED and stored.reason == "opted_out"
