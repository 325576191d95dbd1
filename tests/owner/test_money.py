"""The client file's money on the owner side (HTML and JSON, real sessions and CSRF): every
movement listed with its reference, "owed" as their sum, and collect / paid at the desk / waive,
with a declined card and a card that needs the client (who is sent a link, whose payment settles
the fee through the webhook)."""
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from chalicelib import wiring
from chalicelib.domain.money import SavedCard, owed
from chalicelib.payments.local import AUTHENTICATION_CARD, DECLINED_CARD, LocalProvider
from chalicelib.services import payments
from tests.owner.test_clients import audit, book, call, form, no_show, sign_in, text

pytestmark = pytest.mark.dynamodb_local


@pytest.fixture
def provider(repo):
    local = LocalProvider("owner-money-secret")
    wiring.set_payments(local)
    yield local
    wiring.set_payments(None)


@pytest.fixture
def fees_salon(repo, salon_id):
    salon, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(salon, policy=replace(salon.policy, no_show_fee=Decimal("40.00"))))
    return salon_id


def with_card(repo, appt, method="pm_local_card"):
    client = repo.get_client(appt.salon_id, appt.client_id)
    repo.save_client(appt.salon_id, replace(client, card=SavedCard("local", "cus_local_x", method, appt.start)),
                     appt.start)


def reload(repo, appt):
    return repo.get_appointment(appt.salon_id, appt.start, appt.id)


def test_a_no_show_fee_is_shown_owed_and_collected_from_the_card_after_the_revert_window(api, fees_salon, repo,
                                                                                          clock, provider):
    appt = no_show(repo, fees_salon, clock)
    with_card(repo, appt)
    owner = sign_in(api, fees_salon)
    path = f"/owner/clients/{appt.client_id}"
    page = text(owner.get(path))
    assert '<dd id="owed">€40.00</dd>' in page and 'value="collect"' in page
    money = f"{path}/appointments/{appt.id}/money"
    too_soon = form(owner, money, action="collect")
    assert too_soon.status_code == 409 and "next opening" in text(too_soon)
    assert provider.charges == []

    clock["now"] += timedelta(days=1)  # Wednesday: the salon has opened, the mark stands
    owner = sign_in(api, fees_salon)  # a new day, a new session
    collected = form(owner, money, action="collect")
    assert collected.status_code == 303 and "done=collected" in collected.headers["Location"]
    after = reload(repo, appt)
    assert [m.kind.value for m in after.movements] == ["fee", "charge"] and owed(after.movements) == 0
    page = text(owner.get(path))
    assert '<dd id="owed">€0.00</dd>' in page and after.movements[1].reference in page
    assert audit(fees_salon, "fee_collected")[0].target == f"appointment:{appt.id}"


def test_paid_at_the_desk_and_waived_by_json(api, fees_salon, repo, clock, provider):
    appt = no_show(repo, fees_salon, clock)
    clock["now"] += timedelta(days=1)  # the salon has opened since: the mark stands
    owner = sign_in(api, fees_salon)
    url = f"/v1/admin/clients/{appt.client_id}/appointments/{appt.id}/money"
    no_card = call(owner, "POST", url, {"action": "collect"})
    assert no_card.status_code == 409 and no_card.json_body["error"]["code"] == "no_card"
    cash = call(owner, "POST", url, {"action": "cash"})
    assert cash.status_code == 200 and cash.json_body["outcome"] == "cash"
    nothing = call(owner, "POST", url, {"action": "waive"})
    assert nothing.status_code == 409 and nothing.json_body["error"]["code"] == "nothing_owed"
    bad = call(owner, "POST", url, {"action": "refund-everything"})
    assert bad.status_code == 400
    unsigned = call(owner, "POST", url, {"action": "cash"}, csrf=False)
    assert unsigned.status_code == 403


def test_a_declined_card_says_so_and_nothing_is_recorded(api, fees_salon, repo, clock, provider):
    appt = no_show(repo, fees_salon, clock)
    with_card(repo, appt, DECLINED_CARD)
    clock["now"] += timedelta(days=1)  # the salon has opened since: the mark stands
    owner = sign_in(api, fees_salon)
    answer = call(owner, "POST", f"/v1/admin/clients/{appt.client_id}/appointments/{appt.id}/money",
                  {"action": "collect"})
    assert answer.json_body["outcome"] == "declined" and answer.json_body["reason"] == "card_declined"
    assert owed(reload(repo, appt).movements) == 4000


def test_a_card_that_needs_the_client_sends_them_a_link_whose_payment_settles_the_fee(api, fees_salon, repo, clock,
                                                                                       provider):
    appt = no_show(repo, fees_salon, clock)
    with_card(repo, appt, AUTHENTICATION_CARD)
    clock["now"] += timedelta(days=1)  # the salon has opened since: the mark stands
    owner = sign_in(api, fees_salon)
    answer = call(owner, "POST", f"/v1/admin/clients/{appt.client_id}/appointments/{appt.id}/money",
                  {"action": "collect"})
    assert answer.json_body["outcome"] == "authentication_required"
    link = [m for m in repo.messages_of_salon(fees_salon) if m.kind == "fee_payment_link"]
    assert len(link) == 1 and "40.00 EUR" in link[0].body
    url = link[0].body.split()[-1]
    ticket = urlsplit(url).path.rsplit("/", 1)[1]
    raw, headers = provider.completed_event(provider.open_ticket(ticket), clock["now"])
    assert payments.handle_webhook(repo, provider, "local", raw, headers, clock["now"], "https://book.example") \
        == "fee_paid"
    assert payments.handle_webhook(repo, provider, "local", raw, headers, clock["now"], "https://book.example") \
        == "duplicate"
    after = reload(repo, appt)
    assert [m.kind.value for m in after.movements] == ["fee", "charge"] and owed(after.movements) == 0


def test_nothing_to_collect_on_an_ordinary_booking(api, salon_id, repo, clock, provider):
    appt = book(salon_id)
    owner = sign_in(api, salon_id)
    answer = call(owner, "POST", f"/v1/admin/clients/{appt.client_id}/appointments/{appt.id}/money",
                  {"action": "cash"})
    assert answer.status_code == 409 and answer.json_body["error"]["code"] == "no_fee"


def test_the_agenda_marks_unpaid_and_paid_deposits(api, salon_id, repo, clock, provider):
    from chalicelib.services import booking
    from tests.owner.test_clients import TUESDAY_10

    booked = booking.book(repo, booking.BookingRequest(salon_id=salon_id, service_id="facial", start=TUESDAY_10,
                                                       name="Anna Rossi", phone="+39 333 123 4567",
                                                       staff_id="giulia"),
                          clock["now"], base_url="https://book.example", payments=provider)
    owner = sign_in(api, salon_id)
    page = text(owner.get("/owner/agenda?day=2026-03-24"))
    assert 'data-deposit="unpaid"' in page and "Awaiting the deposit" in page
    ticket = urlsplit(booked.appointment.deposit.url).path.rsplit("/", 1)[1]
    raw, headers = provider.completed_event(provider.open_ticket(ticket), clock["now"])
    assert payments.handle_webhook(repo, provider, "local", raw, headers, clock["now"], "https://book.example") \
        == "paid"
    assert 'data-deposit="paid"' in text(owner.get("/owner/agenda?day=2026-03-24"))
    listed = call(owner, "GET", "/v1/admin/agenda?day=2026-03-24").json_body
    [entry] = [a for d in listed["days"] for a in d["appointments"] if a["id"] == booked.appointment.id]
    assert entry["deposit"] == "paid" and entry["status"] == "booked"


def test_the_owner_refunds_a_paid_deposit_by_hand_once_and_front_desk_may_not(api, salon_id, repo, clock, provider):
    from chalicelib.auth import roles
    from chalicelib.services import booking
    from tests.owner.test_clients import TUESDAY_10

    booked = booking.book(repo, booking.BookingRequest(salon_id=salon_id, service_id="facial", start=TUESDAY_10,
                                                       name="Anna Rossi", phone="+39 333 123 4567",
                                                       staff_id="giulia"),
                          clock["now"], base_url="https://book.example", payments=provider)
    ticket = urlsplit(booked.appointment.deposit.url).path.rsplit("/", 1)[1]
    raw, headers = provider.completed_event(provider.open_ticket(ticket), clock["now"])
    payments.handle_webhook(repo, provider, "local", raw, headers, clock["now"], "https://book.example")
    appt = booked.appointment
    url = f"/v1/admin/clients/{appt.client_id}/appointments/{appt.id}/money"
    desk = sign_in(api, salon_id, role=roles.FRONT_DESK)
    assert call(desk, "POST", url, {"action": "refund"}).status_code == 403
    owner = sign_in(api, salon_id)
    assert 'value="refund"' in text(owner.get(f"/owner/clients/{appt.client_id}"))
    refunded = call(owner, "POST", url, {"action": "refund"})
    assert refunded.status_code == 200 and refunded.json_body["outcome"] == "refunded"
    assert [m["kind"] for m in refunded.json_body["appointment"]["movements"]] == ["deposit", "refund"]
    again = call(owner, "POST", url, {"action": "refund"})
    assert again.status_code == 409 and again.json_body["error"]["code"] == "nothing_to_refund"
    assert len(provider.refunds) == 1


def test_the_client_export_lists_the_money(api, fees_salon, repo, clock, provider):
    appt = no_show(repo, fees_salon, clock)
    clock["now"] += timedelta(days=1)
    owner = sign_in(api, fees_salon)
    call(owner, "POST", f"/v1/admin/clients/{appt.client_id}/appointments/{appt.id}/money", {"action": "cash"})
    exported = call(owner, "GET", f"/v1/admin/clients/{appt.client_id}/export").json_body
    [record] = [a for a in exported["appointments"] if a["id"] == appt.id]
    assert [(m["kind"], m["amount"]) for m in record["movements"]] == [("fee", "40.00"), ("cash", "40.00")]
    assert record["owed"] == "0.00"
    csv = owner.get("/owner/exports/appointments.csv?from=2026-03-24&to=2026-03-24")
    assert "fee 40.00 EUR" in text(csv) and "cash 40.00 EUR" in text(csv)
