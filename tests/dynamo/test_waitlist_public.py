"""The public waitlist on DynamoDB Local: one entry per phone and service however often it is
asked for, a limit per phone, and restricted numbers answered exactly as a booking answers them."""
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from chalicelib import wiring
from chalicelib.domain.client import Access
from tests.dynamo.helpers import book, post

pytestmark = pytest.mark.usefixtures("fixed_now")

PHONE, E164 = "333 123 4567", "+393331234567"


def join(api, salon_id, date_from="2026-03-24", date_to="2026-03-26", service="haircut", phone=PHONE, **extra):
    return post(api, f"/v1/salons/{salon_id}/waitlist", {
        "service_id": service, "date_from": date_from, "date_to": date_to,
        "client": {"name": "Anna Rossi", "phone": phone}, **extra})


def waiting(repo, salon_id, phone=E164):
    client_id = repo.client_id_for_phone(salon_id, phone)
    if client_id is None:
        return []
    return sorted(repo.waiting_entries_of_client(salon_id, client_id, date(2026, 3, 23), 60),
                  key=lambda e: (e.service_id, e.first_day))


def test_joining_twice_keeps_one_entry_and_answers_alike(api, salon_id, repo):
    first, again = join(api, salon_id), join(api, salon_id)
    assert first.status_code == again.status_code == 201
    assert first.json_body == again.json_body
    entries = waiting(repo, salon_id)
    assert [(e.first_day, e.last_day) for e in entries] == [(date(2026, 3, 24), date(2026, 3, 26))]
    assert first.json_body["waitlist_entry"]["id"] == entries[0].id


def test_overlapping_days_widen_the_one_entry(api, salon_id, repo):
    join(api, salon_id, "2026-03-25", "2026-03-27")
    later = join(api, salon_id, "2026-03-27", "2026-03-30")
    earlier = join(api, salon_id, "2026-03-24", "2026-03-25")
    entries = waiting(repo, salon_id)
    assert [(e.first_day, e.last_day) for e in entries] == [(date(2026, 3, 24), date(2026, 3, 30))]
    # Each answer speaks of the days it asked for, not of what the number already waits for.
    assert (later.json_body["waitlist_entry"]["date_from"], later.json_body["waitlist_entry"]["date_to"]) == (
        "2026-03-27", "2026-03-30")
    assert earlier.json_body["waitlist_entry"]["date_to"] == "2026-03-25"
    assert len({r.json_body["waitlist_entry"]["id"] for r in (later, earlier)}) == 1


def test_another_specialist_for_the_same_days_widens_to_anyone(api, salon_id, repo):
    join(api, salon_id, staff_id="giulia")
    join(api, salon_id, staff_id="marco")
    entries = waiting(repo, salon_id)
    assert len(entries) == 1 and entries[0].staff_id is None


def test_other_services_and_separate_days_are_entries_of_their_own(api, salon_id, repo):
    join(api, salon_id, service="haircut")
    join(api, salon_id, service="color")
    join(api, salon_id, "2026-03-30", "2026-03-31", service="haircut")
    assert [(e.service_id, e.first_day) for e in waiting(repo, salon_id)] == [
        ("color", date(2026, 3, 24)), ("haircut", date(2026, 3, 24)), ("haircut", date(2026, 3, 30))]


def test_a_phone_waits_for_at_most_three_things_at_a_salon(api, salon_id, repo):
    for day in ("2026-03-24", "2026-03-26", "2026-03-28"):
        assert join(api, salon_id, day, day).status_code == 201
    refused = join(api, salon_id, "2026-03-30", "2026-03-30")
    assert refused.status_code == 409
    assert refused.json_body["error"]["code"] == "waitlist_full"
    assert "+39 06 1234 5678" in refused.json_body["error"]["message"]
    assert len(waiting(repo, salon_id)) == 3
    assert join(api, salon_id, "2026-03-24", "2026-03-24").status_code == 201  # one it has: still fine
    assert join(api, salon_id, "2026-03-30", "2026-03-30", phone="333 765 4321").status_code == 201


def test_the_salon_may_add_more_than_the_public_limit(repo, salon_id):
    from chalicelib.services import waitlist

    for day in (24, 26, 28, 30):
        waitlist.join(repo, waitlist.WaitlistRequest(salon_id, "haircut", date(2026, 3, day), date(2026, 3, day),
                                                     "Anna Rossi", PHONE), wiring.now(), by_salon=True)
    assert len(waiting(repo, salon_id)) == 4


@pytest.mark.parametrize("access", [Access.RESTRICTED, Access.BANNED])
def test_a_restricted_or_banned_number_gets_the_bookings_own_answer(api, salon_id, repo, access):
    book(api, salon_id)
    client = repo.get_client(salon_id, repo.client_id_for_phone(salon_id, E164))
    repo.save_client(salon_id, replace(client, access=access, restricted_until=date(2026, 6, 1)), datetime.now(UTC))
    booking = book(api, salon_id, start="2026-03-25T10:00:00+01:00")
    joined = join(api, salon_id)
    assert joined.status_code == booking.status_code == 403
    assert joined.json_body == booking.json_body  # same code, same words: restricted and banned alike
    assert waiting(repo, salon_id) == []
