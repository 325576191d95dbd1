"""Fixtures of the client's area: a movable clock, the local SMS provider, clients with
appointments, and helpers that sign in through the pages the way a browser does."""
import html
import re
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from chalicelib import wiring
from chalicelib.messaging.local import LocalSender
from chalicelib.services import booking
from tests.conftest import MONDAY_MORNING

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
ANNA = "+393331234567"
BRUNO = "+393337654321"
STRANGER = "+393339999999"


@pytest.fixture
def clock(repo):
    """Monday 23 March 2026, 09:00 in Rome; move it with state["now"] = ..."""
    state = {"now": MONDAY_MORNING}
    wiring.set_clock(lambda: state["now"])
    yield state
    wiring.set_clock(None)


@pytest.fixture
def sms(repo):
    sender = LocalSender()
    wiring.set_sender(sender)
    yield sender
    wiring.set_sender(None)


def book_for(repo, salon_id: str, phone: str, start: datetime, now: datetime, name: str = "Anna Rossi",
             service: str = "haircut", staff: str = "giulia", notes: str = "") -> booking.Booked:
    return booking.book(repo, booking.BookingRequest(salon_id=salon_id, service_id=service, start=start, name=name,
                                                     phone=phone, staff_id=staff, notes=notes),
                        now, None, "https://book.example")


def text(response) -> str:
    return response.body.decode("utf-8")


def hidden(response) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', text(response))}


def cookies_of(response) -> dict[str, str]:
    """name -> value of every Set-Cookie in a response."""
    values = response.headers.get("Set-Cookie") or response.headers.get("set-cookie") or []
    values = values if isinstance(values, list) else [values]
    found = {}
    for value in values:
        name, _, rest = value.partition("=")
        found[name] = rest.split(";")[0]
    return found


def set_cookie_headers(response) -> list[str]:
    values = response.headers.get("Set-Cookie") or []
    return values if isinstance(values, list) else [values]


class Browser:
    """Chalice's test client with a cookie jar (names only; paths are checked by the tests)."""

    def __init__(self, api):
        self.api = api
        self.jar: dict[str, str] = {}

    def _headers(self, extra=None) -> dict:
        headers = dict(extra or {})
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items() if v)
        return headers

    def _keep(self, response):
        for name, value in cookies_of(response).items():
            if value:
                self.jar[name] = value
            else:
                self.jar.pop(name, None)
        return response

    def get(self, path: str):
        return self._keep(self.api.http.get(path, headers=self._headers()))

    def post(self, path: str, **fields):
        return self._keep(self.api.http.post(path, body=urlencode(fields).encode(), headers=self._headers(FORM)))


def last_code(sms: LocalSender, phone: str) -> str:
    bodies = [m["body"] for m in sms.sent if m["phone"] == phone]
    assert bodies, f"no text to {phone}"
    return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)


def ask_code(browser: Browser, salon_id: str, phone: str):
    form = browser.get(f"/my/{salon_id}")
    return browser.post(f"/my/{salon_id}/code", phone=phone, csrf=hidden(form)["csrf"])


def sign_in(browser: Browser, salon_id: str, phone: str, sms: LocalSender):
    sent = ask_code(browser, salon_id, phone)
    assert sent.status_code == 200, text(sent)
    done = browser.post(f"/my/{salon_id}/verify", phone=phone, code=last_code(sms, phone),
                        csrf=hidden(sent)["csrf"])
    assert done.status_code == 303, text(done)
    return done


def tuesday(hour: int, minute: int = 0, weeks: int = 0) -> datetime:
    """A Tuesday at hour:minute Rome wall-clock time: 24 March 2026 moved by `weeks` (DST from the 29th)."""
    day = date(2026, 3, 24) + timedelta(weeks=weeks)
    return datetime.combine(day, time(hour, minute), ZoneInfo("Europe/Rome"))
