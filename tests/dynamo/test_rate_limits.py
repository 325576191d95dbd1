"""Rate limits on the public writes (book, cancel, move, join the waitlist), on DynamoDB Local:
the counters, the 429 answers of the API and the pages, and the bursts that must pass."""
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest

from chalicelib import wiring
from chalicelib.domain import rate_limits
from chalicelib.domain.errors import RateLimited
from chalicelib.domain.rate_limits import ADDRESS, LINK, MINUTE, PHONE, SALON, Limit, Policy
from chalicelib.services import rate_limit
from tests.dynamo.helpers import book, post

pytestmark = pytest.mark.usefixtures("fixed_now")

TIGHT = Policy("write", (Limit(ADDRESS, 2, MINUTE), Limit(PHONE, 2, MINUTE), Limit(LINK, 2, MINUTE),
                         Limit(SALON, 50, MINUTE)))


@pytest.fixture
def tight_limits(monkeypatch):
    """Two writes a minute per address, phone and link: a refusal after a couple of requests."""
    monkeypatch.setattr(rate_limits, "PUBLIC_WRITE", TIGHT)


def _guard(repo, address, policy=None):
    return rate_limit.RateGuard(repo, address, wiring.now(), policy)


# --- the counters ----------------------------------------------------------------------------------

def test_an_address_gets_sixty_writes_a_minute_then_waits_until_the_minute_ends(repo, salon_id, fixed_now,
                                                                                  caller_address):
    for _ in range(60):
        _guard(repo, caller_address).check(salon_id)
    wiring.set_clock(lambda: fixed_now + timedelta(seconds=20))
    with pytest.raises(RateLimited) as refused:
        _guard(repo, caller_address).check(salon_id)
    assert refused.value.retry_after == 40 and refused.value.scope == ADDRESS
    assert refused.value.code == "rate_limited"
    wiring.set_clock(lambda: fixed_now + timedelta(minutes=1))
    _guard(repo, caller_address).check(salon_id)  # a new minute


def test_a_refused_request_counts_on_no_counter(repo, salon_id, caller_address):
    policy = Policy("write", (Limit(ADDRESS, 5, MINUTE), Limit(SALON, 1, MINUTE)))
    _guard(repo, caller_address, policy=policy).check(salon_id)
    for _ in range(3):
        with pytest.raises(RateLimited):
            _guard(repo, caller_address, policy=policy).check(salon_id)
    address_minute = _guard(repo, caller_address, policy=policy).charges(salon_id)[0]
    assert address_minute.scope == ADDRESS and repo.rate_count(address_minute) == 1


def test_counters_store_no_address_or_phone(repo, salon_id):
    guard = _guard(repo, "203.0.113.99")
    guard.check(salon_id, phone="+393331112233")
    from chalicelib.storage.models import RateCounterItem

    items = [i for i in RateCounterItem.scan(RateCounterItem.pk.startswith("RATE#write#"))
             if i.expires_at is not None]
    assert items, "no counter was written"
    text = " ".join(f"{i.pk} {i.sk}" for i in items)
    assert "203.0.113.99" not in text and "3331112233" not in text
    assert all(i.expires_at > wiring.now() for i in items)


def test_parallel_requests_never_pass_a_limit_together(repo, salon_id, caller_address):
    policy = Policy("write", (Limit(ADDRESS, 5, MINUTE),))
    start = Barrier(12)

    def attempt(_):
        start.wait()
        try:
            _guard(repo, caller_address, policy=policy).check(salon_id)
            return "passed"
        except RateLimited:
            return "refused"

    with ThreadPoolExecutor(12) as pool:
        outcomes = list(pool.map(attempt, range(12)))
    assert outcomes.count("passed") == 5 and outcomes.count("refused") == 7
    assert repo.rate_count(_guard(repo, caller_address, policy=policy).charges(salon_id)[0]) == 5


# --- bursts that must pass (the real limits) ---------------------------------------------------------

BURST = 30


def _spaced_starts(repo, salon_id, count: int) -> list:
    """`count` starts of the 60-minute colour with Giulia, 2 hours apart or more (never overlapping)."""
    from datetime import date

    from chalicelib.services import availability

    _, slots = availability.find_slots(repo, salon_id, "color", date(2026, 3, 24), date(2026, 4, 10), wiring.now(),
                                       "giulia")
    chosen = []
    for slot in slots:
        if not chosen or slot.start - chosen[-1] >= timedelta(hours=2):
            chosen.append(slot.start)
    assert len(chosen) >= count
    return chosen[:count]


def _book_at_once(repo, salon_id, address, starts) -> list[str]:
    """Every start booked by its own client from one address, all threads released together."""
    from chalicelib.domain.errors import DomainError
    from chalicelib.services import booking

    start_together = Barrier(len(starts))

    def one(pair):
        i, start = pair
        request = booking.BookingRequest(salon_id=salon_id, service_id="color", start=start, staff_id="giulia",
                                         name=f"Client {i}", phone=f"+39 333 555 {1000 + i:04d}")
        start_together.wait()
        try:
            booking.book(repo, request, wiring.now(), guard=_guard(repo, address))
            return "booked"
        except DomainError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=len(starts)) as pool:
        return list(pool.map(one, enumerate(starts)))


def test_thirty_simultaneous_bookings_from_one_address_all_go_through(repo, salon_id, caller_address):
    outcomes = _book_at_once(repo, salon_id, caller_address, _spaced_starts(repo, salon_id, BURST))
    assert outcomes == ["booked"] * BURST


def test_thirty_clients_racing_for_one_slot_from_one_address_get_slot_taken_not_429(repo, salon_id, caller_address):
    start = _spaced_starts(repo, salon_id, 1)[0]
    outcomes = _book_at_once(repo, salon_id, caller_address, [start] * BURST)
    assert sorted(outcomes) == ["booked"] + ["slot_taken"] * (BURST - 1)


def test_thirty_bookings_in_a_minute_through_the_server_all_go_through(live_server, repo, salon_id):
    """The real route, address and counters; a few at a time (the local server's listen backlog is
    not what this measures)."""
    import requests

    def post_one(pair):
        i, start = pair
        return requests.post(f"{live_server}/v1/salons/{salon_id}/bookings", timeout=60, json={
            "service_id": "color", "staff_id": "giulia", "start": start.isoformat(),
            "client": {"name": f"Client {i}", "phone": f"+39 333 556 {1000 + i:04d}"}})

    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(post_one, enumerate(_spaced_starts(repo, salon_id, BURST))))
    refused = [(r.status_code, r.text) for r in responses if r.status_code != 201]
    assert refused == []


# --- the JSON API ----------------------------------------------------------------------------------

def _assert_429(response):
    assert response.status_code == 429, response.json_body
    assert response.json_body["error"]["code"] == "rate_limited"
    assert "try again" in response.json_body["error"]["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60


@pytest.mark.usefixtures("tight_limits")
def test_a_third_booking_from_one_address_in_a_minute_is_429_and_books_nothing(api, salon_id, repo):
    assert book(api, salon_id, start="2026-03-24T10:00:00+01:00", phone="333 000 0001").status_code == 201
    assert book(api, salon_id, start="2026-03-24T12:00:00+01:00", phone="333 000 0002").status_code == 201
    refused = book(api, salon_id, start="2026-03-24T14:00:00+01:00", phone="333 000 0003")
    _assert_429(refused)
    assert repo.client_id_for_phone(salon_id, "+393330000003") is None  # nothing written
    starts = {a.start.isoformat() for a in repo.appointments_overlapping(
        salon_id, wiring.now(), wiring.now() + timedelta(days=3))}
    assert len(starts) == 2


@pytest.mark.usefixtures("tight_limits")
def test_a_booking_that_fails_is_not_counted(api, salon_id, caller_address, monkeypatch):
    assert book(api, salon_id, phone="333 000 0001").status_code == 201
    for i in range(3):  # the same slot again: refused for the slot, counted nowhere
        assert book(api, salon_id, phone=f"333 000 001{i}").status_code == 409
    assert book(api, salon_id, start="2026-03-24T12:00:00+01:00", phone="333 000 0002").status_code == 201


@pytest.mark.usefixtures("tight_limits")
def test_one_phone_is_limited_across_addresses(api, salon_id, monkeypatch):
    from chalice.local import LambdaEventConverter

    for i, start in enumerate(("10:00", "12:00", "14:00")):
        monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", f"192.0.2.{i + 1}")
        response = book(api, salon_id, start=f"2026-03-24T{start}:00+01:00", phone="333 444 5555")
    _assert_429(response)


@pytest.mark.usefixtures("tight_limits")
def test_moving_one_booking_back_and_forth_is_limited_per_link(api, salon_id, monkeypatch):
    from chalice.local import LambdaEventConverter

    token = book(api, salon_id).json_body["manage_token"]
    answers = []
    for i, start in enumerate(("12:00", "14:00", "10:00")):
        monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", f"192.0.2.{i + 10}")
        answers.append(post(api, f"/v1/bookings/{token}/reschedule", {"start": f"2026-03-24T{start}:00+01:00"}))
    assert [a.status_code for a in answers[:2]] == [200, 200]
    _assert_429(answers[2])
    assert api.http.get(f"/v1/bookings/{token}").json_body["booking"]["start"] == "2026-03-24T14:00:00+01:00"


@pytest.mark.usefixtures("tight_limits")
def test_cancel_is_limited_per_address(api, salon_id, monkeypatch, caller_address):
    from chalice.local import LambdaEventConverter

    tokens = []
    for i, start in enumerate(("10:00", "12:00", "14:00")):
        monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", f"192.0.2.{i + 20}")
        tokens.append(book(api, salon_id, start=f"2026-03-24T{start}:00+01:00",
                           phone=f"333 000 002{i}").json_body["manage_token"])
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", caller_address)
    answers = [post(api, f"/v1/bookings/{t}/cancel") for t in tokens]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    _assert_429(answers[2])
    assert api.http.get(f"/v1/bookings/{tokens[2]}").json_body["booking"]["status"] == "booked"


@pytest.mark.usefixtures("tight_limits")
def test_waitlist_joins_are_limited_per_address(api, salon_id):
    answers = [post(api, f"/v1/salons/{salon_id}/waitlist", {
        "service_id": "color", "date_from": "2026-03-24", "date_to": "2026-03-26",
        "client": {"name": f"Client {i}", "phone": f"333 000 003{i}"}}) for i in range(3)]
    assert [a.status_code for a in answers[:2]] == [201, 201]
    _assert_429(answers[2])


# --- the pages -------------------------------------------------------------------------------------

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _book_form(api, salon_id, start, phone):
    from urllib.parse import urlencode

    body = urlencode({"service": "color", "start": start, "staff": "giulia", "pick": "giulia", "name": "Anna Rossi",
                      "phone": phone, "key": f"key-{phone}"})
    return api.http.post(f"/book/{salon_id}", body=body, headers=FORM)


@pytest.mark.usefixtures("tight_limits")
def test_the_booking_page_answers_429_in_the_salons_language(api, salon_id):
    assert _book_form(api, salon_id, "2026-03-24T10:00:00+01:00", "333 000 0041").status_code == 303
    assert _book_form(api, salon_id, "2026-03-24T12:00:00+01:00", "333 000 0042").status_code == 303
    refused = _book_form(api, salon_id, "2026-03-24T14:00:00+01:00", "333 000 0043")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    page = refused.body.decode()
    assert "Troppe richieste in poco tempo." in page and "Attendi 1 min e riprova" in page  # the demo salon: it
    assert 'value="Anna Rossi"' in page  # the form keeps what was typed


@pytest.mark.usefixtures("tight_limits")
def test_the_manage_page_answers_429_when_cancelling_too_often(api, salon_id, monkeypatch, caller_address):
    from chalice.local import LambdaEventConverter

    tokens = []
    for i, start in enumerate(("10:00", "12:00", "14:00")):
        monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", f"192.0.2.{i + 30}")
        tokens.append(book(api, salon_id, start=f"2026-03-24T{start}:00+01:00",
                           phone=f"333 000 005{i}").json_body["manage_token"])
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", caller_address)
    answers = [api.http.post(f"/manage/{t}/cancel", body="confirm=1", headers=FORM) for t in tokens]
    assert [a.status_code for a in answers] == [303, 303, 429]
    assert "Troppe richieste" in answers[2].body.decode() and answers[2].headers["Retry-After"]
    assert api.http.get(f"/v1/bookings/{tokens[2]}").json_body["booking"]["status"] == "booked"


def test_the_openapi_document_lists_429_with_retry_after_on_every_public_write(api):
    paths = api.http.get("/v1/openapi.json").json_body["paths"]
    writes = [("/v1/salons/{salon_id}/bookings", "post"), ("/v1/bookings/{token}/cancel", "post"),
              ("/v1/bookings/{token}/reschedule", "post"), ("/v1/salons/{salon_id}/waitlist", "post")]
    for path, method in writes:
        refused = paths[path][method]["responses"]["429"]
        assert "rate_limited" in refused["description"] and "Retry-After" in refused["headers"], path
