"""The Stripe provider: off-session charges, declines, authentication and refunds on localstripe;
the Checkout Session calls at the stripe library's boundary (the parameters sent)."""
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from chalicelib.payments import signing
from chalicelib.payments.base import CheckoutRequest, InvalidSignature
from chalicelib.payments.stripe_provider import StripeProvider
from tests.payments.conftest import API_KEY

NOW = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def provider(localstripe):
    return StripeProvider(API_KEY, "whsec_test", api_base=localstripe, max_network_retries=0)


def test_an_off_session_charge_on_a_saved_card_succeeds(provider, saved_card, stripe_client):
    card = saved_card()
    outcome = provider.charge_off_session(card, 3000, "EUR", "fee-a1", {"salon_id": "demo", "appointment_id": "a1"})
    assert outcome.status == "succeeded" and outcome.reference.startswith("pi_")
    intent = stripe_client.v1.payment_intents.retrieve(outcome.reference)
    assert (intent.amount, intent.currency, intent.customer, intent.status) == (3000, "eur", card.customer,
                                                                                "succeeded")
    assert intent.metadata["appointment_id"] == "a1"


def test_a_declined_card_says_so(provider, saved_card):
    outcome = provider.charge_off_session(saved_card("4000000000000341"), 3000, "EUR", "fee-a2", {})
    assert outcome.status == "declined" and outcome.reason == "card_declined"


def test_a_card_that_needs_the_client_to_authenticate_says_so(provider, saved_card):
    outcome = provider.charge_off_session(saved_card("4000002500003155"), 3000, "EUR", "fee-a3", {})
    assert outcome.status == "authentication_required" and outcome.reference.startswith("pi_")


def test_a_refund_gives_back_part_or_all_of_a_payment(provider, saved_card, stripe_client):
    paid = provider.charge_off_session(saved_card(), 2000, "EUR", "deposit-a4", {})
    refund_id = provider.refund(paid.reference, 2000, "refund-a4")
    refund = stripe_client.v1.refunds.retrieve(refund_id)
    assert (refund.amount, refund.payment_intent) == (2000, paid.reference)


def test_a_setup_intent_leaves_a_card_that_can_be_charged_later(provider, stripe_client):
    customer = stripe_client.v1.customers.create(params={})
    method = stripe_client.v1.payment_methods.create(params={
        "type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
    setup = stripe_client.v1.setup_intents.create(params={"customer": customer.id, "usage": "off_session",
                                                          "metadata": {"salon_id": "demo", "client_id": "c1"}})
    confirmed = stripe_client.v1.setup_intents.confirm(setup.id, params={"payment_method": method.id})
    assert confirmed.status == "succeeded" and confirmed.payment_method == method.id
    from chalicelib.payments.base import StoredCard

    stripe_client.v1.payment_methods.attach(method.id, params={"customer": customer.id})
    assert provider.charge_off_session(StoredCard(customer.id, method.id), 500, "EUR", "k", {}).status == "succeeded"


class Recorder:
    """The stripe library's HTTP client hook: records each request and answers as Stripe would."""

    def __init__(self):
        import stripe

        class Client(stripe.HTTPClient):
            name = "recorder"

            def request(inner, method, url, headers, post_data=None, **_):
                self.calls.append((method, url, dict(headers or {}), parse_qs(post_data or "")))
                if url.endswith("/v1/customers"):
                    return json.dumps({"id": "cus_new", "object": "customer"}), 200, {}
                session_id = f"cs_test_{len(self.calls)}"
                return json.dumps({"id": session_id, "object": "checkout.session",
                                   "url": f"https://checkout.stripe.com/c/pay/{session_id}"}), 200, {}

        self.calls = []
        self.client = Client()


def checkout_request(**changes) -> CheckoutRequest:
    values = dict(salon_id="demo", appointment_id="A1", appointment_start="2026-03-24T09:00:00Z", currency="EUR",
                  description="Studio Demo: Trattamento viso", success_url="https://book.example/manage/T?paid=1",
                  cancel_url="https://book.example/manage/T?paid=0", expires_at=NOW + timedelta(minutes=15),
                  country="IT", amount=2000, locale="it", client_id="C1")
    return CheckoutRequest(**{**values, **changes})


def test_a_deposit_checkout_is_a_payment_session_for_exactly_the_deposit():
    recorder = Recorder()
    provider = StripeProvider("sk_test_x", "whsec", http_client=recorder.client, max_network_retries=0)
    checkout = provider.create_deposit_checkout(checkout_request())
    assert checkout.reference == "cs_test_1" and checkout.url.endswith("/cs_test_1")
    method, url, headers, sent = recorder.calls[0]
    assert (method, url) == ("post", "https://api.stripe.com/v1/checkout/sessions")
    assert sent["mode"] == ["payment"]
    assert sent["line_items[0][price_data][unit_amount]"] == ["2000"]
    assert sent["line_items[0][price_data][currency]"] == ["eur"]
    assert sent["line_items[0][quantity]"] == ["1"]
    assert sent["metadata[salon_id]"] == ["demo"] and sent["metadata[appointment_id]"] == ["A1"]
    assert sent["metadata[client_id]"] == ["C1"]
    assert sent["payment_intent_data[metadata][appointment_id]"] == ["A1"]
    assert sent["success_url"] == ["https://book.example/manage/T?paid=1"]
    assert "payment_method_types[0]" not in sent  # the Dashboard's payment methods for the country
    # Stripe refuses sessions shorter than 30 minutes: the app's own 15-minute hold is what counts.
    assert int(sent["expires_at"][0]) >= int(datetime.now(UTC).timestamp()) + 30 * 60
    assert headers["Idempotency-Key"] == "deposit-demo-A1"  # a retried call opens the same session
    # The card paid with is saved for later fees, on a customer Checkout creates (no second call).
    assert sent["payment_intent_data[setup_future_usage]"] == ["off_session"]
    assert sent["customer_creation"] == ["always"] and "customer" not in sent
    assert len(recorder.calls) == 1


def test_a_deposit_checkout_reuses_the_clients_customer():
    recorder = Recorder()
    provider = StripeProvider("sk_test_x", "whsec", http_client=recorder.client, max_network_retries=0)
    provider.create_deposit_checkout(checkout_request(customer="cus_known"))
    [(_, _, _, sent)] = recorder.calls
    assert sent["customer"] == ["cus_known"] and "customer_creation" not in sent
    assert sent["payment_intent_data[setup_future_usage]"] == ["off_session"]


def test_a_card_checkout_is_a_setup_session_for_a_new_customer():
    recorder = Recorder()
    provider = StripeProvider("sk_test_x", "whsec", http_client=recorder.client, max_network_retries=0)
    provider.create_card_checkout(checkout_request(amount=0))
    (_, customer_url, _, customer), (_, session_url, _, sent) = recorder.calls
    assert customer_url.endswith("/v1/customers") and customer["metadata[client_id]"] == ["C1"]
    assert session_url.endswith("/v1/checkout/sessions")
    assert sent["mode"] == ["setup"] and sent["customer"] == ["cus_new"] and sent["currency"] == ["eur"]
    assert sent["setup_intent_data[metadata][client_id]"] == ["C1"]
    assert "line_items[0][quantity]" not in sent


def test_webhook_signatures_are_stripes_own():
    """Signed by the stripe library's own helper, checked by ours (and the reverse)."""
    import stripe

    raw = json.dumps({"id": "evt_1", "type": "ping", "data": {"object": {}}}).encode()
    stamp = int(NOW.timestamp())
    theirs = f"t={stamp},v1=" + stripe.WebhookSignature._compute_signature(f"{stamp}.{raw.decode()}", "whsec")
    provider = StripeProvider("sk_test_x", "whsec")
    assert provider.parse_webhook(raw, {"stripe-signature": theirs}, NOW).id == "evt_1"
    ours = signing.signature_header(raw, "whsec", NOW)
    stripe.WebhookSignature.verify_header(raw.decode(), ours, "whsec", tolerance=None)
    with pytest.raises(InvalidSignature):
        provider.parse_webhook(raw, {"stripe-signature": theirs}, NOW + timedelta(minutes=6))


def paid_session_event(intent_id: str, customer: str) -> bytes:
    """Stripe's checkout.session.completed of a deposit: it names the payment intent, not the card."""
    return json.dumps({"id": "evt_cs_1", "type": "checkout.session.completed", "data": {"object": {
        "object": "checkout.session", "id": "cs_test_1", "mode": "payment", "payment_status": "paid",
        "amount_total": 2000, "currency": "eur", "customer": customer, "payment_intent": intent_id,
        "metadata": {"salon_id": "demo", "appointment_id": "A1", "client_id": "C1"}}}}).encode()


def test_a_paid_deposits_event_names_the_card_it_saved_and_a_later_fee_is_charged_to_it(provider, stripe_client):
    """What Checkout does with setup_future_usage, played on localstripe (which knows no
    setup_future_usage: the card is attached to the customer by hand, as Checkout leaves it): the
    deposit's payment intent on the client's customer; the webhook's provider asks it for the card,
    and the fee is charged to that card off-session."""
    customer = stripe_client.v1.customers.create(params={})
    method = stripe_client.v1.payment_methods.create(params={
        "type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
    stripe_client.v1.payment_methods.attach(method.id, params={"customer": customer.id})
    intent = stripe_client.v1.payment_intents.create(params={
        "amount": 2000, "currency": "eur", "customer": customer.id, "payment_method": method.id, "confirm": True})
    assert intent.status == "succeeded"

    raw = paid_session_event(intent.id, customer.id)
    event = provider.parse_webhook(raw, {"Stripe-Signature": signing.signature_header(raw, "whsec_test", NOW)}, NOW)
    assert (event.kind, event.customer, event.payment_method, event.payment_ref) == (
        "deposit_paid", customer.id, method.id, intent.id)

    from chalicelib.payments.base import StoredCard

    fee = provider.charge_off_session(StoredCard(event.customer, event.payment_method), 1000, "EUR", "fee-A1-2-1",
                                      {"salon_id": "demo", "appointment_id": "A1"})
    charged = stripe_client.v1.payment_intents.retrieve(fee.reference)
    assert fee.status == "succeeded" and (charged.customer, charged.payment_method, charged.amount) == (
        customer.id, method.id, 1000)


def test_a_deposit_event_without_a_customer_asks_nothing(provider):
    raw = paid_session_event("pi_unknown", None)
    event = provider.parse_webhook(raw, {"Stripe-Signature": signing.signature_header(raw, "whsec_test", NOW)}, NOW)
    assert event.kind == "deposit_paid" and event.payment_method is None
