"""Generated requests from /v1/openapi.json against the live server on DynamoDB Local:
whatever the input, the answer is never a 5xx, and every error has the documented shape."""
import uuid

import pytest
import requests
import schemathesis
from chalice.local import ChaliceRequestHandler
from hypothesis import HealthCheck, settings

from chalicelib.api.openapi import document
from local.demo import seed

schema = schemathesis.openapi.from_dict(document())
GATEWAY_NO_ROUTE = {"message": "Missing Authentication Token"}
FUZZ_SALON = f"fuzz-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def fuzz_target(live_server, dynamodb_local):
    from chalicelib import wiring

    seed(wiring.repository(), FUZZ_SALON)
    with requests.Session() as session:
        yield live_server, session


@pytest.fixture(scope="module")
def the_live_schema(live_server):
    """The document the server serves is the one the generator uses."""
    return requests.get(f"{live_server}/v1/openapi.json", timeout=10).json()


def test_the_served_document_is_the_generated_one(the_live_schema):
    assert the_live_schema == document()


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_gets_a_5xx(case, fuzz_target):
    base, session = fuzz_target
    if not hasattr(ChaliceRequestHandler, f"do_{case.method.upper()}"):
        return  # e.g. TRACE: refused by the HTTP server (and by API Gateway) before the app runs
    if "salon_id" in (case.path_parameters or {}) and hash(str(case.body)) % 2:
        case.path_parameters["salon_id"] = FUZZ_SALON  # half the cases reach a real salon
    response = case.call(base_url=base, session=session)
    assert response.status_code < 500, (case.method, case.formatted_path, case.body, response.text)
    if response.status_code >= 400:
        body = response.json()
        if body == GATEWAY_NO_ROUTE:  # a path no route matches (e.g. an id with a '/')
            assert response.status_code == 403
        else:
            assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]
