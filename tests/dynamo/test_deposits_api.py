"""Deposits on DynamoDB Local through the public API and the local provider: booking holds the
slot awaiting payment, the signed webhook confirms it once, and every refusal of the webhook."""
import json
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from chalicelib import wiring
from chalicelib.payments import signing
from chalicelib.payments.local import SAVED_CARD, LocalProvider
from chalicelib.services import sweeps
from tests.conftest import MONDAY_MORNING
from tests.dynamo.helpers import TUESDAY_10, book, post, slot_starts

pytestmark = pytest.mark.usefixtures("fixed_now")
SECRET = "whsec_local_test"
WEBHOOK = "/v1/payments/local/webhook"


@pytest.fixture
def provider(repo):
    local = LocalProvider(SECRET)
    wiring.set_payments(local)
    yield local
    wiring.set_payments(None)


def book_facial(api, salon_id, **kwargs):
    return book(api, salon_id, service="facial", **kwargs)


def paid_event(provider: LocalProvider, payment_url: str, at=MONDAY_MORNING):
    ticket = urlsplit(payment_url).path.rsplit("/", 1)[1]
    return provider.completed_event(provider.open_ticket(ticket), at)


def webhook(api, raw: bytes, headers: dict, provider_name="local"):
    return api.http.post(f"/v1/payments/{provider_name}/webhook", body=raw,
                         headers={"Content-Type": "application/json", **headers})


def appointment_of(repo, salon_id, body):
    token = body["manage_token"]
    from chalicelib.domain.ids import token_hash
    return repo.appointment_for_token(token_hash(token), MONDAY_MORNING)


def test_a_deposit_service_is_booked_awaiting_payment_and_its_slot_leaves_availability(api, salon_id, provider,
                                                                                       repo):
    response = book_facial(api, salon_id)
    assert response.status_code == 201
    body = response.json_body
    assert body["booking"]["status"] == "awaiting_payment"
    payment = body["payment"]
    assert (payment["amount"], payment["currency"]) == ("20.00", "EUR")
    assert payment["expires_at"] == "2026-03-23T09:15:00+01:00"  # 15 minutes after booking, salon time
    assert payment["url"].startswith("https://book.example/pay/local/")
    assert TUESDAY_10 not in slot_starts(api, salon_id, service="facial")
    assert TUESDAY_10 not in slot_starts(api, salon_id, service="color")  # the same chair
    appt = appointment_of(repo, salon_id, body)
    assert appt.deposit.amount == 2000 and appt.deposit.checkout_ref.startswith("cs_local_")
    assert repo.messages_of_salon(salon_id) == []  # confirmed by the payment, not before


def test_the_signed_webhook_books_it_once_and_a_replay_changes_nothing(api, salon_id, provider, repo):
    body = book_facial(api, salon_id).json_body
    raw, headers = paid_event(provider, body["payment"]["url"])
    first = webhook(api, raw, headers)
    assert first.status_code == 200 and first.json_body == {"received": True, "outcome": "paid"}
    seen = api.http.get(f"/v1/bookings/{body['manage_token']}").json_body
    assert seen["booking"]["status"] == "booked"
    assert seen["payment"]["paid"] is True and "url" not in seen["payment"]
    appt = appointment_of(repo, salon_id, body)
    assert [(m.kind.value, m.amount) for m in appt.movements] == [("deposit", 2000)]
    assert appt.due.kind == "reminder"
    assert [m.kind for m in repo.messages_of_salon(salon_id)] == ["booking_confirmation"]

    again = webhook(api, raw, headers)
    assert again.status_code == 200 and again.json_body["outcome"] == "duplicate"
    assert appointment_of(repo, salon_id, body) == appt
    assert len(repo.messages_of_salon(salon_id)) == 1


@pytest.mark.parametrize("case", ["unsigned", "wrong secret", "stale", "malformed", "not json"])
def test_a_webhook_without_a_good_signature_is_refused_and_changes_nothing(api, salon_id, provider, repo, case):
    body = book_facial(api, salon_id).json_body
    raw, headers = paid_event(provider, body["payment"]["url"])
    if case == "unsigned":
        headers = {}
    elif case == "wrong secret":
        headers = {"Stripe-Signature": signing.signature_header(raw, "whsec_other", MONDAY_MORNING)}
    elif case == "stale":
        headers = {"Stripe-Signature": signing.signature_header(raw, SECRET, MONDAY_MORNING - timedelta(minutes=6))}
    elif case == "malformed":
        headers = {"Stripe-Signature": "t=abc,v1="}
    else:
        raw = b"{not json"
    response = webhook(api, raw, headers)
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "invalid_signature"
    assert appointment_of(repo, salon_id, body).status.value == "awaiting_payment"


def test_an_unknown_provider_is_not_found(api, provider):
    response = webhook(api, b"{}", {}, provider_name="paypal")
    assert response.status_code == 404 and response.json_body["error"]["code"] == "provider_not_found"


def _resigned(event: dict) -> tuple[bytes, dict]:
    raw = json.dumps(event).encode()
    return raw, {"Stripe-Signature": signing.signature_header(raw, SECRET, MONDAY_MORNING)}


def test_an_event_naming_another_salons_appointment_is_ignored(api, salon_id, provider, repo):
    from local.demo import seed

    seed(repo, "other-salon-x")
    victim = book_facial(api, salon_id).json_body
    raw, _ = paid_event(provider, victim["payment"]["url"])
    event = json.loads(raw)
    event["data"]["object"]["metadata"]["salon_id"] = "other-salon-x"
    response = webhook(api, *_resigned(event))
    assert response.status_code == 200 and response.json_body["outcome"] == "ignored: no such appointment"
    assert appointment_of(repo, salon_id, victim).status.value == "awaiting_payment"


@pytest.mark.parametrize(("field", "value", "why"), [
    ("amount_total", 1, "amount or currency differs"),
    ("currency", "usd", "amount or currency differs"),
    ("id", "cs_local_someone_else", "not this appointment's checkout"),
])
def test_an_event_whose_payment_does_not_match_the_booking_is_ignored(api, salon_id, provider, repo, field, value,
                                                                       why):
    body = book_facial(api, salon_id).json_body
    raw, _ = paid_event(provider, body["payment"]["url"])
    event = json.loads(raw)
    event["data"]["object"][field] = value
    response = webhook(api, *_resigned(event))
    assert response.json_body["outcome"] == f"ignored: {why}"
    assert appointment_of(repo, salon_id, body).status.value == "awaiting_payment"


def test_unpaid_at_expiry_the_hold_is_released_and_the_slot_offered_again(api, salon_id, provider, repo):
    body = book_facial(api, salon_id).json_body
    sweeps.sweep_offers(repo, MONDAY_MORNING + timedelta(minutes=14), "https://book.example", provider)
    assert appointment_of(repo, salon_id, body).status.value == "awaiting_payment"
    report = sweeps.sweep_offers(repo, MONDAY_MORNING + timedelta(minutes=16), "https://book.example", provider)
    assert report.done.get("expired", 0) >= 1 and report.errors == 0  # the table is shared by the session
    assert appointment_of(repo, salon_id, body).status.value == "expired"
    assert TUESDAY_10 in slot_starts(api, salon_id, service="facial")
    seen = api.http.get(f"/v1/bookings/{body['manage_token']}").json_body
    assert seen["booking"]["status"] == "expired" and "url" not in seen["payment"]


def test_a_payment_after_expiry_books_the_time_if_it_is_still_free(api, salon_id, provider, repo):
    body = book_facial(api, salon_id).json_body
    raw, headers = paid_event(provider, body["payment"]["url"])
    sweeps.sweep_offers(repo, MONDAY_MORNING + timedelta(minutes=16), "https://book.example", provider)
    response = webhook(api, raw, headers)
    assert response.json_body["outcome"] == "paid_late"
    assert appointment_of(repo, salon_id, body).status.value == "booked"
    assert TUESDAY_10 not in slot_starts(api, salon_id, service="facial")
    assert provider.refunds == []


def test_a_payment_for_an_expired_hold_whose_slot_was_taken_is_refunded_and_the_client_told(api, salon_id,
                                                                                               provider, repo):
    body = book_facial(api, salon_id).json_body
    raw, headers = paid_event(provider, body["payment"]["url"])
    sweeps.sweep_offers(repo, MONDAY_MORNING + timedelta(minutes=16), "https://book.example", provider)
    assert book(api, salon_id, service="color", phone="333 765 4321").status_code == 201  # the time is taken

    response = webhook(api, raw, headers)
    assert response.status_code == 200 and response.json_body["outcome"] == "refunded"
    payment_ref = json.loads(raw)["data"]["object"]["payment_intent"]
    assert provider.refunds == [(payment_ref, 2000, f"refund-{payment_ref}")]
    appt = appointment_of(repo, salon_id, body)
    assert appt.status.value == "expired"
    assert [(m.kind.value, m.amount) for m in appt.movements] == [("deposit", 2000), ("refund", 2000)]
    told = [m for m in repo.messages_of_salon(salon_id) if m.kind == "payment_too_late"]
    assert len(told) == 1 and "20.00 EUR" in told[0].body and told[0].client_id == appt.client_id

    assert webhook(api, raw, headers).json_body["outcome"] == "duplicate"
    assert len(provider.refunds) == 1


def test_a_client_may_cancel_an_unpaid_booking_and_the_slot_comes_back(api, salon_id, provider, repo):
    body = book_facial(api, salon_id).json_body
    cancelled = post(api, f"/v1/bookings/{body['manage_token']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json_body["booking"]["late"] is False
    assert TUESDAY_10 in slot_starts(api, salon_id, service="facial")


def test_a_booking_retried_with_its_key_answers_the_same_payment_link(api, salon_id, provider):
    first = book_facial(api, salon_id, headers={"Idempotency-Key": "k-deposit-1"})
    again = book_facial(api, salon_id, headers={"Idempotency-Key": "k-deposit-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json_body["payment"] == first.json_body["payment"]
    assert again.json_body["manage_token"] == first.json_body["manage_token"]


def test_a_salon_that_asks_a_card_holds_the_booking_until_the_card_is_left(api, salon_id, provider, repo):
    from dataclasses import replace

    from chalicelib.domain.money import CardOnFile

    salon, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(salon, policy=replace(salon.policy, card_on_file=CardOnFile.ALWAYS)))
    body = book(api, salon_id).json_body  # a service without a deposit
    assert body["booking"]["status"] == "awaiting_payment"
    assert body["payment"]["purpose"] == "card" and body["payment"]["amount"] == "0.00"
    raw, headers = paid_event(provider, body["payment"]["url"])
    assert json.loads(raw)["type"] == "setup_intent.succeeded"
    assert webhook(api, raw, headers).json_body["outcome"] == "card_saved"
    appt = appointment_of(repo, salon_id, body)
    assert appt.status.value == "booked" and appt.movements == ()
    client = repo.get_client(salon_id, appt.client_id)
    assert client.card.payment_method == "pm_local_card" and client.card.customer.startswith("cus_local_")
    assert webhook(api, raw, headers).json_body["outcome"] == "duplicate"

    again = book(api, salon_id, start="2026-03-24T15:00:00+01:00").json_body  # the card is on file now
    assert again["booking"]["status"] == "booked" and "payment" not in again


def test_report_counters_count_a_deposit_booking_once_paid_and_never_an_expired_hold(api, salon_id, provider,
                                                                                     repo):
    from chalicelib.services import reports

    def salon_month():
        return repo.report_counters(salon_id, "2026-03", "2026-03").get(("2026-03", None), {})

    paid = book_facial(api, salon_id).json_body
    assert salon_month().get("appointments", 0) == 0  # awaiting its deposit: not a booking yet
    raw, headers = paid_event(provider, paid["payment"]["url"])
    assert webhook(api, raw, headers).json_body["outcome"] == "paid"
    counted = salon_month()
    assert counted["appointments"] == 1 and counted["revenue_booked_cents"] > 0

    book_facial(api, salon_id, start="2026-03-24T12:00:00+01:00", phone="333 765 4321")  # never paid
    sweeps.sweep_offers(repo, MONDAY_MORNING + timedelta(minutes=16), "https://book.example", provider)
    assert salon_month() == counted  # an expired hold is no cancellation
    assert reports.repair(repo, salon_id, MONDAY_MORNING + timedelta(minutes=16)) == []


def with_fees(repo, salon_id):
    salon, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(salon, policy=replace(salon.policy, late_cancel_fee=Decimal("30.00"),
                                                  no_show_fee=Decimal("40.00"))))


def test_the_paid_bookings_confirmation_repeats_the_deposit_and_the_fees(api, salon_id, provider, repo):
    with_fees(repo, salon_id)
    body = book_facial(api, salon_id).json_body
    raw, headers = paid_event(provider, body["payment"]["url"])
    assert webhook(api, raw, headers).json_body["outcome"] == "paid"
    [confirmation] = [m for m in repo.messages_of_salon(salon_id) if m.kind == "booking_confirmation"]
    assert "20.00 EUR pagato" in confirmation.body  # the demo speaks Italian
    assert "30.00 EUR" in confirmation.body and "40.00 EUR" in confirmation.body


def test_a_booking_without_deposit_repeats_only_the_fees(api, salon_id, provider, repo):
    with_fees(repo, salon_id)
    assert book(api, salon_id, service="color").status_code == 201
    [confirmation] = [m for m in repo.messages_of_salon(salon_id) if m.kind == "booking_confirmation"]
    assert "30.00 EUR" in confirmation.body and "40.00 EUR" in confirmation.body
    assert "Acconto" not in confirmation.body


def test_paying_the_deposit_puts_the_card_on_file_and_the_next_deposit_reuses_its_customer(api, salon_id, provider,
                                                                                             repo):
    body = book_facial(api, salon_id).json_body
    raw, headers = paid_event(provider, body["payment"]["url"])
    assert webhook(api, raw, headers).json_body["outcome"] == "paid"
    appt = appointment_of(repo, salon_id, body)
    card = repo.get_client(salon_id, appt.client_id).card
    assert (card.provider, card.payment_method) == ("local", SAVED_CARD) and card.customer.startswith("cus_local_")
    assert repo.phone_owner(salon_id, "+393331234567") == (appt.client_id, card)  # found by the next booking

    again = book_facial(api, salon_id, start="2026-03-24T12:00:00+01:00").json_body
    ticket = urlsplit(again["payment"]["url"]).path.rsplit("/", 1)[1]
    assert provider.open_ticket(ticket).customer == card.customer
