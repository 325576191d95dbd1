"""HSTS: every answer served over https (API Gateway says so in X-Forwarded-Proto) carries
Strict-Transport-Security, pages, API and errors alike; `make run`'s plain http never does."""
import urllib.error
import urllib.request

import pytest

from chalicelib.api.transport import HEADER, VALUE

pytestmark = pytest.mark.dynamodb_local

HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-Port": "443"}


def answers(api, salon_id, headers: dict) -> dict:
    json_headers = {**headers, "Content-Type": "application/json"}
    return {
        "api": api.http.get(f"/v1/salons/{salon_id}", headers=headers),
        "page": api.http.get(f"/book/{salon_id}", headers=headers),
        "api error": api.http.get("/v1/salons/no-such-salon", headers=headers),
        "bad body": api.http.post(f"/v1/salons/{salon_id}/bookings", body=b"{", headers=json_headers),
        "wrong content type": api.http.post("/owner/agenda/book", body=b"{}", headers=json_headers),
        "owner redirect": api.http.get("/owner/agenda", headers=headers),
        "openapi": api.http.get("/v1/openapi.json", headers=headers),
    }


def test_every_answer_over_https_carries_hsts(api, salon_id):
    seen = answers(api, salon_id, HTTPS)
    assert {name: r.status_code for name, r in seen.items()} == {
        "api": 200, "page": 200, "api error": 404, "bad body": 400, "wrong content type": 415,
        "owner redirect": 303, "openapi": 200}
    assert {name: r.headers.get(HEADER) for name, r in seen.items()} == {name: VALUE for name in seen}


def test_an_unexpected_error_over_https_carries_hsts_too(api, salon_id, monkeypatch):
    from chalicelib.services import salons

    def broken(*_args, **_kwargs):
        raise RuntimeError("the table is gone")

    monkeypatch.setattr(salons, "load_salon", broken)
    answer = api.http.get(f"/v1/salons/{salon_id}", headers=HTTPS)
    assert answer.status_code == 500
    assert answer.headers.get(HEADER) == VALUE


def test_no_hsts_over_plain_http(api, salon_id):
    seen = answers(api, salon_id, {})
    assert {name: r.headers.get(HEADER) for name, r in seen.items()} == {name: None for name in seen}
    other = answers(api, salon_id, {"X-Forwarded-Proto": "http"})
    assert all(HEADER not in r.headers for r in other.values())


def test_make_runs_plain_http_server_sends_no_hsts(live_server, salon_id):
    for path in (f"/book/{salon_id}", f"/v1/salons/{salon_id}", "/v1/salons/no-such-salon"):
        try:
            with urllib.request.urlopen(live_server + path, timeout=10) as response:
                status, headers = response.status, response.headers
        except urllib.error.HTTPError as error:
            status, headers = error.code, error.headers
        assert status in (200, 404), path
        assert headers.get(HEADER) is None, path
