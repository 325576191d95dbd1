"""One live server, one seeded salon, one chromium for the audit's module. The clock is fixed on a
Monday morning so every page (a waitlist offer's claim link included) renders the same way on
every run. Figures (axe violations, sideways scroll, vnu messages, Lighthouse scores) are printed
at the end of the session and written to test-artifacts/audit.json."""
import json
import re
import urllib.parse
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chalicelib import auth, wiring
from chalicelib.domain.broadcast import Segment, SegmentKind
from chalicelib.domain.ids import new_id
from chalicelib.domain.staff_rights import OWN_HOURS
from chalicelib.messaging.providers import LocalSender
from chalicelib.services import attendance, booking, broadcasts, dispatch, manage, sweeps, waitlist
from chalicelib.web.owner.agenda import start_key
from local import env as local_env
from local.demo import seed
from tests.audit import pages
from tests.conftest import TEST_TABLE
from tests.sent_texts import link_token, sent_text

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "audit"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BASE = "https://book.example"
SALON = "audit-salon"
PASSWORD = "an-audit-owner-password-2026"
# Monday 13 April 2026, 10:00 in Rome; the demo salon opens Tuesday to Saturday.
MONDAY = datetime(2026, 4, 13, 8, 0, tzinfo=UTC)
WEDNESDAY_10 = datetime(2026, 4, 15, 8, 0, tzinfo=UTC)
LAST_TUESDAY_10 = datetime(2026, 4, 7, 8, 0, tzinfo=UTC)  # the signed-in client's past appointment
CANCELLED_AT = MONDAY + timedelta(hours=1)
PAGES_AT = CANCELLED_AT + timedelta(minutes=5)  # inside the waitlist offer's hold

FIGURES: dict[str, dict] = {}


def figure(page: str, **values) -> None:
    FIGURES.setdefault(page, {}).update(values)


@dataclass
class Site:
    base: str
    values: dict[str, str]
    owner: object  # a Playwright browser context signed in as the salon's owner
    guest: object  # one that is not
    client: object  # one signed in to the client's area as the client of the seeded bookings
    staff: object  # one signed in as the seeded specialist's staff login
    html_files: dict[str, Path] = field(default_factory=dict)

    def context_for(self, name: str):
        if name in {n for n, _ in pages.CLIENT}:
            return self.client
        if name in {n for n, _ in pages.STAFF}:
            return self.staff
        signed_in = name in {n for n, _ in pages.OWNER} and name not in pages.SIGNED_OUT
        return self.owner if signed_in else self.guest

    def url(self, path: str) -> str:
        return self.base + path.format(**{k: urllib.parse.quote(v, safe="") for k, v in self.values.items()})


CLIENT_PHONE = "+39 333 123 4567"
STAFF_EMAIL = "giulia@audit.example"


def _book(repo, start, name, phone, now=MONDAY):
    return booking.book(repo, booking.BookingRequest(salon_id=SALON, service_id="color", start=start, name=name,
                                                     phone=phone, staff_id="giulia"), now, base_url=BASE)


def _seed(repo) -> dict[str, str]:
    """The salon, a booking to manage (its client's earlier one is past), a cancelled one whose slot
    is offered to the waitlist, and an owner; the values the page list's placeholders need."""
    seed(repo, SALON)
    past = _book(repo, LAST_TUESDAY_10, "Anna Rossi", CLIENT_PHONE, now=LAST_TUESDAY_10 - timedelta(days=6))
    salon, catalog = repo.load_salon(SALON)
    arrived = attendance.mark_arrived(repo, past.appointment)  # a visit a treatment record is written for
    attendance.complete(repo, salon, catalog, arrived, LAST_TUESDAY_10 + timedelta(hours=2), BASE)
    kept = _book(repo, WEDNESDAY_10 + timedelta(hours=2), "Anna Rossi", CLIENT_PHONE)
    freed = _book(repo, WEDNESDAY_10, "Bruna Verdi", "+39 333 765 4321")
    waitlist.join(repo, waitlist.WaitlistRequest(
        salon_id=SALON, service_id="color", first_day=WEDNESDAY_10.date(), last_day=WEDNESDAY_10.date(),
        name="Carla Neri", phone="+39 347 000 0001"), MONDAY)
    manage.cancel(repo, freed.manage_token, CANCELLED_AT, BASE)
    sender = LocalSender()
    sweeps.sweep_offers(repo, CANCELLED_AT, BASE)
    dispatch.dispatch(repo, sender, CANCELLED_AT)
    offer = next(m for m in repo.messages_of_salon(SALON, limit=100) if m.kind == "waitlist_offer")
    user = auth.create_user(auth.accounts(), SALON, "owner@audit.example", PASSWORD, "owner", MONDAY, name="Owner")
    auth.create_user(auth.accounts(), SALON, STAFF_EMAIL, PASSWORD, "staff", MONDAY, name="Giulia", staff_id="giulia")
    repo.update_salon_fields(replace(salon, staff_rights=frozenset({OWN_HOURS})), ("staff_rights",))
    # Every channel on: the booking form, the client's settings and the client file show their choices.
    repo.save_salon(replace(repo.load_salon(SALON)[0], channels_enabled=("whatsapp", "email", "sms")))
    held = booking.book(repo, booking.BookingRequest(  # a deposit service: held until paid on the local checkout
        salon_id=SALON, service_id="facial", start=WEDNESDAY_10 + timedelta(hours=7), name="Dora Blu",
        phone="+39 347 000 0002", staff_id="giulia"), PAGES_AT, base_url=BASE, payments=wiring.payments())
    appt = kept.appointment
    notice, _ = broadcasts.send(repo, salon, user.id, new_id(), "We open at 11 on Wednesday.",
                                Segment(SegmentKind.DATE, day=WEDNESDAY_10.date()), MONDAY)
    broadcasts.enqueue(repo, notice, MONDAY)
    return {
        "salon": SALON, "token": kept.manage_token, "claim": link_token(sent_text(sender, offer), "claim"),
        "day": WEDNESDAY_10.date().isoformat(), "start": appt.start.isoformat(), "start_key": start_key(appt.start),
        "other_start": (WEDNESDAY_10 + timedelta(hours=5)).isoformat(),
        "appointment": appt.id, "client": appt.client_id, "user": user.id,
        "past_appointment": past.appointment.id, "past_start_key": start_key(past.appointment.start),
        "ticket": held.appointment.deposit.url.rstrip("/").rsplit("/", 1)[1], "broadcast": notice.id,
    }


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make system-test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(live_server, dynamodb_local, browser):
    """The seeded salon on the live server, with a browser context signed in as its owner. Injected
    scripts (axe) run despite the pages' CSP: `bypass_csp`. Module-scoped: the fixed clock must not
    outlive the audit's tests."""
    local_env.apply(dynamodb_local.endpoint, TABLE_NAME=TEST_TABLE)
    wiring.reset()
    wiring.set_clock(lambda: PAGES_AT)
    values = _seed(wiring.repository())
    owner, guest, client, staff = (browser.new_context(viewport={"width": 375, "height": 740}, bypass_csp=True)
                                   for _ in range(4))
    for context, email in ((owner, "owner@audit.example"), (staff, STAFF_EMAIL)):
        tab = context.new_page()
        tab.goto(f"{live_server}/owner/login")
        tab.fill("input[name=email]", email)
        tab.fill("input[name=password]", PASSWORD)
        tab.locator("form button[type=submit]").first.click()
        tab.wait_for_url(re.compile(r".*/owner(/agenda.*)?$"))
        tab.close()
    _client_signs_in(client, live_server)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield Site(live_server, values, owner, guest, client, staff)
    for context in (owner, guest, client, staff):
        context.close()
    wiring.set_clock(None)
    wiring.reset()


def _client_signs_in(context, live_server: str) -> None:
    """The client's area's own sign-in: a phone, then the code the local SMS provider received."""
    sms = LocalSender()
    wiring.set_sender(sms)
    tab = context.new_page()
    tab.goto(f"{live_server}/my/{SALON}")
    tab.fill("input[name=phone]", CLIENT_PHONE)
    tab.locator("form button[type=submit]").first.click()
    tab.wait_for_selector("input[name=code]")
    code = re.search(r"\b(\d{6})\b", sms.sent[-1]["body"]).group(1)
    tab.fill("input[name=code]", code)
    tab.locator("form button[type=submit]").first.click()
    tab.wait_for_url(re.compile(rf".*/my/{SALON}$"))
    tab.close()
    wiring.set_sender(None)


def all_pages():
    return pages.ALL


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "audit.json").write_text(json.dumps(FIGURES, indent=2, sort_keys=True))
    write = terminalreporter.write_line
    terminalreporter.section("audit figures")
    write(f"{'page':28} {'axe':>4} {'console':>7} {'320px':>6} {'375px':>6} {'vnu':>4}  lighthouse a11y/bp/seo/perf")
    for name, _ in all_pages():
        f = FIGURES.get(name)
        if f is None:  # not measured in this run (deselected)
            continue
        lh = f.get("lighthouse")
        scores = "/".join(str(lh[k]) for k in ("accessibility", "best-practices", "seo", "performance")) if lh else ""
        write(f"{name:28} {f.get('axe', '-'):>4} {f.get('console', '-'):>7} {f.get('width_320', '-'):>6} "
              f"{f.get('width_375', '-'):>6} {f.get('vnu', '-'):>4}  {scores}")
