"""localstripe (a stateful fake Stripe HTTP server) for the session, on a free port like DynamoDB
Local. It speaks PaymentIntents, SetupIntents, customers, payment methods, refunds and signed
webhooks; it has no Checkout Sessions, which are checked at the stripe library's boundary."""
import socket
import subprocess
import sys
import time

import pytest

from local.dynamodb import free_port

API_KEY = "sk_test_localstripe"


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    port = free_port()
    log = open(tmp_path_factory.mktemp("localstripe") / "server.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen([sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("localstripe did not start") from None
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def stripe_client(localstripe):
    """The stripe library on localstripe: the test's own hand for what a client would do on Stripe."""
    import stripe

    return stripe.StripeClient(API_KEY, base_addresses={"api": localstripe})


@pytest.fixture
def saved_card(stripe_client):
    """A customer with a card attached (what a setup checkout leaves); `number` picks its behaviour."""
    from chalicelib.payments.base import StoredCard

    def make(number: str = "4242424242424242") -> StoredCard:
        customer = stripe_client.v1.customers.create(params={"metadata": {"client_id": "c1"}})
        method = stripe_client.v1.payment_methods.create(params={
            "type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
        stripe_client.v1.payment_methods.attach(method.id, params={"customer": customer.id})
        return StoredCard(customer.id, method.id)

    return make
