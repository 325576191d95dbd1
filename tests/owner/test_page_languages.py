"""Every owner page speaks its reader's language: each GET page of the owner side (tests/audit/pages.py
lists them) and the main answers of forms that went wrong, rendered for a user who reads English and
for one who reads it, pl, pt, es and ru, seeded with counts that need every plural form (1, 2, 5
and 21). A visible text of two words or more that is the same in the English page and in the
translated one, and is not seeded data (names, the salon's services) nor a text whose translation
is the English word itself ("Agenda" in Italian), is English left over: the test names it.

Also here: the user's language setting (/owner/language), the salon's language as the default, the
sign-in page following Accept-Language, and weeks starting on the reader's first day of the week.
"""
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from chalicelib import auth, wiring
from chalicelib.auth import roles
from chalicelib.domain.broadcast import Segment, SegmentKind
from chalicelib.domain.ids import new_id
from chalicelib.domain.staff_rights import OWN_HOURS
from chalicelib.services import attendance, booking, broadcasts
from chalicelib.web.catalogs import translations
from chalicelib.web.owner.agenda import first_weekday, start_key
from tests.audit import pages
from tests.owner.test_auth import Browser, hidden, make_user, text

pytestmark = [pytest.mark.dynamodb_local, pytest.mark.slow]

LOCALES = ("it", "pl", "pt", "es", "ru")
# Pages whose texts part 2 of the owner side's translation wraps (settings, users, audit, messages,
# waitlist, reports): rendered here, but not yet held to "no English left" on this branch.
# The integrator empties this set when that work is merged.
TRANSLATED_ELSEWHERE: set[str] = set()  # every owner page is checked
TUESDAY = datetime(2026, 3, 24, 9, 0, tzinfo=UTC)  # 10:00 in Rome; the clock starts on Monday 09:00
PAST_TUESDAY = TUESDAY - timedelta(days=7)
# Plurals: one client per count (1, 2, 5, 21 no-shows and late cancellations), agenda days with 5, 2
# and 1 appointments, searches finding 5, 2 and 1 clients.
ROSSI = ("Anna Rossi", "Bruna Rossi", "Carla Rossi", "Dora Rossi", "Elena Rossi")
VERDI = ("Franca Verdi", "Gina Verdi")
NERI = ("Ilaria Neri",)
COUNTS = (1, 2, 5, 21)
# Seeded data and names that are the same in every language.
SEEDED = ("Studio Demo", "Taglio donna", "Trattamento viso", "Manicure", "Colore", "Giulia", "Marco", "Chairtime",
          "Owner Person", "Staff Person", "Zoe Taken", "Domani apriamo alle 11.", *ROSSI, *VERDI, *NERI)
EXTRA_PAGES = (
    ("owner-agenda-one", "/owner/agenda?day={thursday}"),
    ("owner-agenda-two", "/owner/agenda?day={wednesday}"),
    ("owner-clients-two", "/owner/clients?q=verdi"),
    ("owner-clients-one", "/owner/clients?q=neri"),
    ("owner-clients-none", "/owner/clients?q=zzz"),
    ("owner-clients-digits", "/owner/clients?q=12"),
    *((f"owner-client-file-{n}", f"/owner/clients/{{client_{n}}}") for n in COUNTS),
    ("owner-book-staff", "/owner/agenda/book?service=haircut"),
    ("owner-book-time", "/owner/agenda/book?service=haircut&pick=any&day={tuesday}"),
    ("owner-book-form", "/owner/agenda/book?service=haircut&pick=any&start={free_start}&slot_staff=giulia"),
    ("owner-move-confirm", "/owner/agenda/appointments/{start_key}/{appointment}/move?start={free_start}"
                           "&slot_staff=giulia"),
    ("owner-agenda-done", "/owner/agenda?day={tuesday}&done=no_show"),
    ("owner-client-done", "/owner/clients/{client}?done=contact"),
    ("owner-password-done", "/owner/password?done=1"),
)


# --- what a page shows -------------------------------------------------------------------------------

class _Visible(HTMLParser):
    """Text nodes and the attributes people read (alt, aria-label, title, placeholder), not styles."""

    def __init__(self):
        super().__init__()
        self.found, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        for name, value in attrs:
            if name in ("alt", "aria-label", "title", "placeholder") and value:
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.found.append(data)


def visible_texts(html: str) -> set[str]:
    parser = _Visible()
    parser.feed(html)
    return {" ".join(text.split()) for text in parser.found}


WORD = re.compile(r"[^\W\d_]{2,}")


def same_in_english(locale: str) -> set[str]:
    """Texts whose translation is the English text itself ("Agenda", "Email" in Italian): fine to match."""
    catalog = translations(locale, "owner")._catalog  # msgid -> msgstr (plural keys are tuples)
    return {key for key, value in catalog.items() if isinstance(key, str) and key and key == value}


def english_left(english_html: str, translated_html: str, locale: str, data: tuple[str, ...] = ()) -> list[str]:
    """Visible texts of 2+ words, the same in both renders, once seeded data (`data`: more of it, such
    as the users' emails and the texts sent to clients) and texts that are the same in both languages
    are taken out."""
    allowed = sorted(set(SEEDED) | set(data) | same_in_english(locale), key=len, reverse=True)
    left = []
    for node in visible_texts(translated_html) & visible_texts(english_html):
        rest = node
        for known in allowed:
            rest = rest.replace(known, " ")
        if len(WORD.findall(rest)) >= 2:
            left.append(node)
    return sorted(left)


# --- the seeded salon ------------------------------------------------------------------------------------

def _book(salon_id, name, phone, start, now, staff="giulia"):
    request = booking.BookingRequest(salon_id=salon_id, service_id="haircut", start=start, name=name, phone=phone,
                                     staff_id=staff)
    return booking.book(wiring.repository(), request, now, base_url="https://book.example").appointment


@pytest.fixture
def seeded(api, salon_id, clock, repo):
    now = clock["now"]
    booked = [_book(salon_id, name, f"+39 333 100 00{i:02d}", TUESDAY + timedelta(minutes=30 * i), now)
              for i, name in enumerate(ROSSI)]
    booked += [_book(salon_id, name, f"+39 333 200 00{i:02d}", TUESDAY + timedelta(days=1, minutes=30 * i), now)
               for i, name in enumerate(VERDI)]
    booked += [_book(salon_id, NERI[0], "+39 333 300 0000", TUESDAY + timedelta(days=2), now)]
    past = _book(salon_id, ROSSI[0], "+39 333 100 0000", PAST_TUESDAY, PAST_TUESDAY - timedelta(days=3))
    salon, catalog = repo.load_salon(salon_id)
    attendance.complete(repo, salon, catalog, attendance.mark_arrived(repo, past), PAST_TUESDAY + timedelta(hours=1),
                        "https://book.example")
    clients = {}
    for count, appt in zip(COUNTS, booked, strict=False):
        before = repo.get_client(salon_id, appt.client_id)
        repo.update_client(salon_id, before, replace(before, no_show_count=count, late_cancel_count=count))
        clients[f"client_{count}"] = appt.client_id
    repo.update_salon_fields(replace(salon, staff_rights=frozenset({OWN_HOURS})), ("staff_rights",))
    owner = make_user(salon_id, roles.OWNER)
    notice, _ = broadcasts.send(repo, salon, owner.id, new_id(), "Domani apriamo alle 11.",
                                Segment(SegmentKind.DATE, day=TUESDAY.date()), clock["now"])
    broadcasts.enqueue(repo, notice, clock["now"])
    staff = make_user(salon_id, roles.STAFF, staff_id="giulia")
    appt = booked[0]
    return {
        "owner": owner, "staff": staff, "appointment": appt,
        "values": {
            "day": TUESDAY.date().isoformat(), "tuesday": TUESDAY.date().isoformat(),
            "wednesday": (TUESDAY + timedelta(days=1)).date().isoformat(),
            "thursday": (TUESDAY + timedelta(days=2)).date().isoformat(),
            "start_key": start_key(appt.start), "appointment": appt.id, "client": appt.client_id,
            "user": owner.id, "past_start_key": start_key(past.start), "past_appointment": past.id,
            "free_start": (TUESDAY + timedelta(hours=6)).astimezone(salon.tz).isoformat(), **clients,
            "broadcast": notice.id,
        },
    }


def _browser(api, user, locale: str) -> Browser:
    auth.accounts().set_user_locale(user.email, locale)
    browser = Browser(api)
    assert browser.sign_in(user.email).status_code == 303
    browser.csrf = hidden(browser.get("/owner"), "csrf")
    return browser


def _pages(values: dict) -> list[tuple[str, str, str]]:
    """(name, who, path) of every owner GET page, placeholders filled."""
    listed = [(name, "owner", path) for name, path in pages.OWNER if name not in pages.SIGNED_OUT]
    listed += [(name, "staff", path) for name, path in pages.STAFF] + [(n, "owner", p) for n, p in EXTRA_PAGES]
    return [(name, who, path.format(**{k: quote(v, safe="") for k, v in values.items()}))
            for name, who, path in listed]


def _renders(api, seeded, locale: str) -> dict[str, str]:
    """Every page as the owner (and the staff member) reading `locale` sees it, POST answers included."""
    values, appt = seeded["values"], seeded["appointment"]
    owner, staff = _browser(api, seeded["owner"], locale), _browser(api, seeded["staff"], locale)
    found = {}
    for name, who, path in _pages(values):
        response = (owner if who == "owner" else staff).get(path)
        assert response.status_code == pages.STATUS.get(name, 200), (locale, name, path, text(response)[:500])
        found[name] = text(response)
    accept = {"Accept-Language": f"{locale},en;q=0.5"}
    signed_out = Browser(api)
    found["owner-login"] = text(signed_out.get("/owner/login", **accept))
    form = signed_out.get("/owner/login", **accept)
    found["post-login-wrong"] = text(signed_out.post("/owner/login", headers=accept, email="nobody@example.com",
                                                     password="not-the-password-at-all", csrf=hidden(form, "csrf"),
                                                     next="/owner"))
    found["post-password-mismatch"] = text(owner.post("/owner/password", csrf=owner.csrf, current="x" * 12,
                                                      new="a-new-password-1", again="another-password-2"))
    found["post-password-short"] = text(owner.post("/owner/password", csrf=owner.csrf, current="x" * 12,
                                                   new="short", again="short"))
    found["post-book-empty"] = text(owner.post("/owner/agenda/book", csrf=owner.csrf, service="haircut",
                                               start=values["free_start"], staff="giulia", pick="any", key="k" * 20,
                                               name="", phone="", note=""))
    taken = appt.start.astimezone(TUESDAY.tzinfo).isoformat()  # Anna Rossi's time with Giulia
    found["post-book-taken"] = text(owner.post("/owner/agenda/book", csrf=owner.csrf, service="haircut",
                                               start=taken, staff="giulia", pick="giulia", key="t" * 20,
                                               name="Zoe Taken", phone="+39 333 900 0000", note=""))
    assert "Zoe Taken" in found["post-book-taken"] and 'role="alert"' in found["post-book-taken"], locale
    client_path = f"/owner/clients/{quote(values['client'], safe='')}"
    found["post-contact-empty-name"] = text(owner.post(f"{client_path}/contact", csrf=owner.csrf, name="",
                                                       phone="+39 333 100 0000", email="", locale=""))
    found["post-access-past"] = text(owner.post(f"{client_path}/access", csrf=owner.csrf, access="restricted",
                                                until="2026-03-01"))
    found["post-arrived-not-today"] = text(owner.post(
        f"/owner/agenda/appointments/{values['start_key']}/{quote(appt.id, safe='')}/arrived", csrf=owner.csrf))
    found["post-language-unknown"] = text(owner.post("/owner/language", csrf=owner.csrf, locale="xx"))
    found["post-csrf-expired"] = text(owner.post("/owner/language", csrf="stale", locale="it"))
    return found


def test_every_owner_page_has_no_english_left_in_any_language(api, seeded, repo, salon_id):
    english = _renders(api, seeded, "en")
    # The texts sent to clients are data here (in the client's language), like the users' emails.
    data = (seeded["owner"].email, seeded["staff"].email,
            *(m.body for m in repo.messages_of_salon(salon_id, limit=100) if m.body))
    problems = []
    for locale in LOCALES:
        for name, html in _renders(api, seeded, locale).items():
            assert f'<html lang="{locale}">' in html, (locale, name)
            if name in TRANSLATED_ELSEWHERE:
                continue
            problems += [f"{locale} {name}: {left!r}" for left in english_left(english[name], html, locale, data)]
    assert not problems, "English left in translated pages:\n" + "\n".join(problems)


def test_the_check_finds_an_english_sentence_left_in_a_page(api, seeded, monkeypatch):
    """Honesty: an unwrapped sentence in a template is reported (and only it)."""
    from jinja2 import ChoiceLoader, DictLoader

    from chalicelib.web.render import TEMPLATES, environment

    env = environment()
    source = (TEMPLATES / "owner" / "home.html").read_text("utf-8").replace(
        "{% block main %}", "{% block main %}<p>Left behind in English</p>", 1)
    monkeypatch.setattr(env, "loader", ChoiceLoader([DictLoader({"owner/home.html": source}), env.loader]))
    env.cache.clear()
    try:
        english = _browser(api, seeded["owner"], "en").get("/owner")
        italian = _browser(api, seeded["owner"], "it").get("/owner")
        data = (seeded["owner"].email,)
        assert english_left(text(english), text(italian), "it", data) == ["Left behind in English"]
    finally:
        env.cache.clear()
    assert english_left(text(english), text(italian).replace("Left behind in English", "Lasciato indietro"),
                        "it", data) == []


def test_a_user_follows_the_salons_language_until_they_choose_their_own(api, seeded):
    browser = Browser(api)
    owner = seeded["owner"]
    auth.accounts().set_user_locale(owner.email, None)
    assert browser.sign_in(owner.email).status_code == 303
    home = text(browser.get("/owner"))
    assert '<html lang="it">' in home and "Esci" in home  # the demo salon speaks Italian
    page = browser.get("/owner/language")
    chosen = browser.post("/owner/language", csrf=hidden(page, "csrf"), locale="pl")
    assert chosen.status_code == 303 and auth.accounts().get_user(owner.email).locale == "pl"
    assert "Wyloguj się" in text(browser.get("/owner"))
    browser.post("/owner/language", csrf=hidden(page, "csrf"), locale="")
    assert auth.accounts().get_user(owner.email).locale is None
    assert '<html lang="it">' in text(browser.get("/owner"))


def test_the_language_api_sets_and_clears_the_users_choice(api, seeded):
    browser = _browser(api, seeded["owner"], "en")
    headers = {"Content-Type": "application/json", "X-CSRF-Token": browser.csrf}
    answer = browser.client.http.put("/v1/admin/me/language", body=b'{"locale": "ru"}',
                                     headers=browser._headers(headers))
    assert answer.status_code == 200 and answer.json_body == {"locale": "ru"}
    assert auth.accounts().get_user(seeded["owner"].email).locale == "ru"
    refused = browser.client.http.put("/v1/admin/me/language", body=b'{"locale": "xx"}',
                                      headers=browser._headers(headers))
    assert refused.status_code == 400 and refused.json_body["error"]["code"] == "invalid_request"
    cleared = browser.client.http.put("/v1/admin/me/language", body=b'{"locale": null}',
                                      headers=browser._headers(headers))
    assert cleared.status_code == 200 and auth.accounts().get_user(seeded["owner"].email).locale is None


def test_the_sign_in_page_follows_the_browsers_language(api):
    page = text(Browser(api).get("/owner/login", **{"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}))
    assert '<html lang="ru">' in page and "Войти" in page
    assert '<html lang="en">' in text(Browser(api).get("/owner/login", **{"Accept-Language": "de-DE"}))


def test_dates_and_money_follow_the_readers_language(api, seeded):
    client = f"/owner/clients/{quote(seeded['values']['client'], safe='')}"
    assert "24 marzo 2026" in text(_browser(api, seeded["owner"], "it").get("/owner/agenda?day=2026-03-24"))
    assert "24 марта 2026" in text(_browser(api, seeded["owner"], "ru").get("/owner/agenda?day=2026-03-24"))
    assert "0,00\xa0€" in text(_browser(api, seeded["owner"], "it").get(client))


def test_a_week_starts_on_the_readers_first_day_of_the_week(api, seeded, repo, salon_id):
    assert first_weekday("en", "US") == 6 and first_weekday("it", "IT") == 0 and first_weekday("xx", None) == 0
    salon, _ = repo.load_salon(salon_id)
    repo.update_salon_fields(replace(salon, country="US"), ("country",))
    week = text(_browser(api, seeded["owner"], "en").get("/owner/agenda?day=2026-03-24&view=week"))
    headings = re.findall(r"<h2>(\w+) ", week)
    assert headings[0] == "Sun" and headings[-1] == "Sat" and len(headings) == 7, headings
    picker = "/owner/agenda/book?service=haircut&pick=any"
    strip = re.findall(r'data-day="([\d-]+)"', text(_browser(api, seeded["owner"], "en").get(picker)))
    assert strip[0] == "2026-03-22" and date.fromisoformat(strip[0]).weekday() == 6  # today is Monday 23
    repo.update_salon_fields(replace(salon, country="IT"), ("country",))
    italian = _browser(api, seeded["owner"], "it")
    assert re.findall(r"<h2>(\w+) ", text(italian.get("/owner/agenda?day=2026-03-24&view=week")))[0] == "lun"
    assert re.findall(r'data-day="([\d-]+)"', text(italian.get(picker)))[0] == "2026-03-23"
