"""Deposit pages through Chalice's test client on DynamoDB Local: the booking form says what the
deposit and the fees are, booking goes to the (local) checkout, paying lands on the manage page
booked, failing lands there held with "pay now"."""
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from chalicelib import wiring
from chalicelib.domain.appointment import Status
from chalicelib.domain.ids import token_hash
from chalicelib.payments.local import LocalProvider
from chalicelib.services import sweeps, waitlist
from tests.conftest import MONDAY_MORNING
from tests.integration.test_pages import TUESDAY_9, post, text

pytestmark = pytest.mark.dynamodb_local


@pytest.fixture
def provider(repo, fixed_now):
    local = LocalProvider("local-pages-secret")
    wiring.set_payments(local)
    yield local
    wiring.set_payments(None)


def book_facial(api, salon_id):
    return post(api, f"/book/{salon_id}", service="facial", start=TUESDAY_9, staff="giulia", name="Anna Rossi",
                phone="333 123 4567", key="k-" + salon_id)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_form_shows_the_deposit_and_the_fees_before_booking(api, repo, salon_id, provider):
    salon, _ = repo.load_salon(salon_id)
    policy = replace(salon.policy, late_cancel_fee=Decimal("30.00"), no_show_fee=Decimal("40.00"))
    repo.save_salon(replace(salon, policy=policy))
    page = text(api.http.get(f"/book/{salon_id}?service=facial&staff=giulia&start="
                             f"{TUESDAY_9.replace('+', '%2B')}&slot_staff=giulia"))
    assert '<dd id="deposit">20,00\xa0€</dd>' in page
    assert "acconto di 20,00\xa0€" in page and "almeno 24 ore prima" in page  # Italian: the demo's locale
    assert "30,00\xa0€" in page and "40,00\xa0€" in page
    assert "Prenota e paga 20,00\xa0€" in page


def test_booking_goes_to_the_checkout_and_paying_lands_on_the_manage_page_booked(api, salon_id, provider):
    booked = book_facial(api, salon_id)
    assert booked.status_code == 303
    checkout = path_of(booked.headers["Location"])
    assert checkout.startswith("/pay/local/")
    page = api.http.get(checkout)
    assert page.status_code == 200 and "20,00\xa0€" in text(page) and 'id="pay"' in text(page)

    paid = post(api, checkout, outcome="pay")
    assert paid.status_code == 303
    manage = path_of(paid.headers["Location"])
    assert manage.startswith("/manage/") and manage.endswith("?paid=1")
    shown = text(api.http.get(manage))
    assert 'data-payment="paid"' in shown and 'data-status="booked"' in shown


def test_failing_the_payment_lands_on_the_manage_page_held_with_pay_now(api, salon_id, provider):
    checkout = path_of(book_facial(api, salon_id).headers["Location"])
    failed = post(api, checkout, outcome="fail")
    manage = path_of(failed.headers["Location"])
    assert manage.endswith("?paid=0")
    shown = text(api.http.get(manage))
    assert 'data-payment="held"' in shown and "09:15" in shown  # held until 15 minutes after booking
    assert f'href="https://book.example{checkout}"' in shown.replace("&amp;", "&")
    assert "Scegli un altro orario" in shown


def test_an_unpaid_hold_expires_and_the_manage_page_says_so(api, repo, salon_id, provider):
    checkout = path_of(book_facial(api, salon_id).headers["Location"])
    manage = path_of(post(api, checkout, outcome="fail").headers["Location"])
    later = MONDAY_MORNING + timedelta(minutes=16)
    sweeps.sweep_offers(repo, later, "https://book.example", provider)
    wiring.set_clock(lambda: later)
    assert 'data-payment="expired"' in text(api.http.get(manage))
    expired = api.http.get(checkout)
    assert 'id="checkout-expired"' in text(expired) and 'id="pay"' not in text(expired)


def test_a_forged_checkout_link_is_not_found(api, salon_id, provider):
    checkout = path_of(book_facial(api, salon_id).headers["Location"])
    forged = checkout[:-3] + ("aaa" if not checkout.endswith("aaa") else "bbb")
    assert api.http.get(forged).status_code == 404
    assert post(api, forged, outcome="pay").status_code == 404


class ExpiryRecorder(LocalProvider):
    """The local provider, remembering which checkouts the app stopped."""

    def __init__(self, secret: str):
        super().__init__(secret)
        self.expired: list[str] = []

    def expire_checkout(self, reference: str) -> None:
        self.expired.append(reference)


@pytest.mark.usefixtures("fixed_now")
def test_an_unpaid_hold_is_cancelled_from_its_manage_page_for_free_and_the_time_goes_to_the_waitlist(api, repo,
                                                                                                      salon_id):
    provider = ExpiryRecorder("local-pages-secret")
    wiring.set_payments(provider)
    try:
        waitlist.join(repo, waitlist.WaitlistRequest(
            salon_id=salon_id, service_id="facial", first_day=date(2026, 3, 24), last_day=date(2026, 3, 24),
            name="Bea Verdi", phone="+39 347 000 0009"), MONDAY_MORNING)
        checkout = path_of(book_facial(api, salon_id).headers["Location"])
        manage_path = path_of(post(api, checkout, outcome="fail").headers["Location"]).split("?")[0]
        token = manage_path.rsplit("/", 1)[1]
        held = repo.appointment_for_token(token_hash(token), MONDAY_MORNING)
        assert held.status is Status.AWAITING_PAYMENT
        assert TUESDAY_9 not in free_starts(api, salon_id)

        shown = text(api.http.get(manage_path))
        assert 'id="pay-now"' in shown and "Scegli un altro orario" in shown and 'id="cancel-hold"' in shown
        assert 'id="deposit-terms"' in shown  # the policy is repeated while the client decides
        confirm = text(api.http.get(manage_path + "/cancel"))
        assert 'id="cancel-hold-note"' in confirm and "nulla da rimborsare" in confirm
        done = post(api, manage_path + "/cancel", confirm="1")
        assert done.status_code == 303 and "done=cancelled" in done.headers["Location"]

        cancelled = repo.get_appointment(salon_id, held.start, held.id)
        assert cancelled.status is Status.CANCELLED and not cancelled.late and cancelled.movements == ()
        assert cancelled.due.kind == "freed"  # in the offers lane, written by the cancel's own transaction
        assert TUESDAY_9 in free_starts(api, salon_id)  # the locks went at once
        assert provider.expired == [held.deposit.checkout_ref] and provider.refunds == []
        client = repo.get_client(salon_id, held.client_id)
        assert client.late_cancel_count == 0 and not client.fees_owed
        assert repo.get_payment_job(salon_id, f"refund-{held.id}") is None
        kinds = [m.kind for m in repo.messages_of_salon(salon_id) if m.client_id == held.client_id]
        assert kinds == []  # never confirmed: no cancellation text either

        sweeps.sweep_offers(repo, MONDAY_MORNING + timedelta(minutes=1), "https://book.example", provider)
        offers = [m for m in repo.messages_of_salon(salon_id) if m.kind == "waitlist_offer"]
        assert [m.phone for m in offers] == ["+393470000009"]
    finally:
        wiring.set_payments(None)


def free_starts(api, salon_id) -> list[str]:
    answer = api.http.get(f"/v1/salons/{salon_id}/availability?service_id=facial&staff_id=giulia"
                          "&date_from=2026-03-24&date_to=2026-03-24")
    return [slot["start"] for slot in answer.json_body["slots"]]


def test_the_manage_page_of_a_paid_booking_repeats_the_deposit_the_cutoff_and_the_fees(api, repo, salon_id,
                                                                                        provider):
    salon, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(salon, policy=replace(salon.policy, late_cancel_fee=Decimal("30.00"),
                                                  no_show_fee=Decimal("40.00"))))
    checkout = path_of(book_facial(api, salon_id).headers["Location"])
    shown = text(api.http.get(path_of(post(api, checkout, outcome="pay").headers["Location"])))
    assert 'data-payment="paid"' in shown
    terms = shown.split('id="policy"')[1].split("</div>")[0]
    assert "Acconto di 20,00\xa0€" in terms and "lunedì 23 marzo" in terms.lower()  # refunded until the cutoff
    assert "30,00\xa0€" in terms and "40,00\xa0€" in terms
