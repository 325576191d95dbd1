"""No double booking under concurrency: parallel HTTP requests through the threaded server
(what `make run` serves) on DynamoDB Local, the real engine."""
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import requests

PARALLEL = 24


def first_free_slot(base: str, salon_id: str, service: str, staff: str | None) -> dict:
    first = date.today() + timedelta(days=1)
    query = {"service_id": service, "date_from": first.isoformat(), "date_to": (first + timedelta(days=13)).isoformat()}
    if staff:
        query["staff_id"] = staff
    slots = requests.get(f"{base}/v1/salons/{salon_id}/availability", params=query, timeout=10).json()["slots"]
    return slots[0]


def post_booking(base: str, salon_id: str, body: dict) -> requests.Response:
    return requests.post(f"{base}/v1/salons/{salon_id}/bookings", json=body, timeout=30)


def unique_phone(i: int) -> str:
    return f"+39 333 {random.randint(100, 999)} {1000 + i:04d}"


def fire(base: str, salon_id: str, bodies: list[dict]) -> list[requests.Response]:
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(lambda body: post_booking(base, salon_id, body), bodies))


def test_parallel_requests_for_one_slot_make_exactly_one_booking(live_server, salon_id):
    slot = first_free_slot(live_server, salon_id, "color", "giulia")
    bodies = [{"service_id": "color", "staff_id": "giulia", "start": slot["start"],
               "client": {"name": f"Client {i}", "phone": unique_phone(i)}} for i in range(PARALLEL)]
    responses = fire(live_server, salon_id, bodies)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (PARALLEL - 1), statuses
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"slot_taken"}
    remaining = first_free_slot(live_server, salon_id, "color", "giulia")
    assert remaining["start"] != slot["start"]


def test_overlapping_lengths_racing_for_one_specialist_make_one_booking(live_server, salon_id):
    hour = first_free_slot(live_server, salon_id, "color", "giulia")  # 60 min + 15 buffer
    from datetime import datetime

    half_past = (datetime.fromisoformat(hour["start"]) + timedelta(minutes=30)).isoformat()
    bodies = []
    for i in range(PARALLEL):
        service, start = ("color", hour["start"]) if i % 2 else ("haircut", half_past)
        bodies.append({"service_id": service, "staff_id": "giulia", "start": start,
                       "client": {"name": f"Client {i}", "phone": unique_phone(i)}})
    responses = fire(live_server, salon_id, bodies)
    assert sum(r.status_code == 201 for r in responses) == 1
    assert all(r.status_code == 409 for r in responses if r.status_code != 201)


def test_parallel_anyone_bookings_fill_each_specialist_once(live_server, salon_id):
    slot = first_free_slot(live_server, salon_id, "haircut", None)
    bodies = [{"service_id": "haircut", "start": slot["start"],
               "client": {"name": f"Client {i}", "phone": unique_phone(i)}} for i in range(PARALLEL)]
    responses = fire(live_server, salon_id, bodies)
    winners = [r.json()["booking"]["staff_id"] for r in responses if r.status_code == 201]
    assert sorted(winners) == ["giulia", "marco"]
    assert sum(r.status_code == 409 for r in responses) == PARALLEL - 2


def test_one_client_double_clicking_gets_one_file(live_server, salon_id, repo):
    slots = [first_free_slot(live_server, salon_id, "haircut", staff) for staff in ("giulia", "marco")]
    bodies = [{"service_id": "haircut", "staff_id": staff, "start": slot["start"],
               "client": {"name": "Same Person", "phone": "+39 347 555 0101"}}
              for slot, staff in zip(slots, ("giulia", "marco"))]
    responses = fire(live_server, salon_id, bodies)
    assert [r.status_code for r in responses] == [201, 201]
    assert repo.client_id_for_phone(salon_id, "+393475550101") is not None


BURST = 64


def fire_at_once(base: str, salon_id: str, bodies: list[dict]) -> tuple[list[requests.Response], list[Exception]]:
    """Every client connects at the same moment (a barrier), each on a connection of its own; a
    refused or reset connection is kept as the exception it raised, not lost in the pool."""
    barrier = threading.Barrier(len(bodies))

    def one(body: dict):
        barrier.wait()
        try:
            return post_booking(base, salon_id, body)
        except requests.ConnectionError as error:
            return error

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        outcomes = list(pool.map(one, bodies))
    return ([o for o in outcomes if isinstance(o, requests.Response)],
            [o for o in outcomes if not isinstance(o, requests.Response)])


def test_a_burst_of_64_clients_on_one_slot_gets_one_201_and_63_409_with_no_connection_lost(live_server, salon_id):
    slot = first_free_slot(live_server, salon_id, "color", "giulia")
    bodies = [{"service_id": "color", "staff_id": "giulia", "start": slot["start"],
               "client": {"name": f"Client {i}", "phone": unique_phone(i)}} for i in range(BURST)]
    responses, lost = fire_at_once(live_server, salon_id, bodies)
    assert lost == []
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (BURST - 1), statuses
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"slot_taken"}
