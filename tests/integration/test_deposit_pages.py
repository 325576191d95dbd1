"""Deposit pages through Chalice's test client on DynamoDB Local: the booking form says what the
deposit and the fees are, booking goes to the (local) checkout, paying lands on the manage page
booked, failing lands there held with "pay now"."""
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from chalicelib import wiring
from chalicelib.payments.local import LocalProvider
from chalicelib.services import sweeps
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
