"""localstripe's own signed webhooks reach the app (the threaded server on DynamoDB Local) and are
verified by the Stripe provider: each event is kept once."""
import time

import pytest
import requests

from chalicelib import wiring
from chalicelib.payments.stripe_provider import StripeProvider
from tests.payments.conftest import API_KEY

SECRET = "whsec_localstripe_e2e"


@pytest.fixture
def stripe_app(live_server, localstripe):
    provider = StripeProvider(API_KEY, SECRET, api_base=localstripe, max_network_retries=0)
    wiring.set_payments(provider)
    requests.post(f"{localstripe}/_config/webhooks/chairtime", timeout=5, data={
        "url": f"{live_server}/v1/payments/stripe/webhook", "secret": SECRET,
        "events[]": ["payment_intent.succeeded"]}).raise_for_status()
    yield provider
    wiring.set_payments(None)


def _event_for(stripe_client, intent_id: str, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in stripe_client.v1.events.list(params={"type": "payment_intent.succeeded"}).data:
            if event.data.object.id == intent_id:
                return event
        time.sleep(0.2)
    raise AssertionError("localstripe made no event")


def _outcome(repo, event_id: str, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        outcome = repo.payment_event_outcome("stripe", event_id)
        if outcome:
            return outcome
        time.sleep(0.2)
    return None


def test_localstripes_signed_event_is_verified_and_kept_once(stripe_app, saved_card, stripe_client):
    charge = stripe_app.charge_off_session(saved_card(), 1500, "EUR", "fee-e2e", {"salon_id": "demo"})
    event = _event_for(stripe_client, charge.reference)
    repo = wiring.repository()
    assert _outcome(repo, event.id) == "ignored: nothing to do"  # acknowledged: no appointment waits on it
