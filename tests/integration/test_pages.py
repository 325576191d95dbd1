"""The public booking pages through Chalice's test client, on DynamoDB Local, with the clock
pinned to Monday 23 March 2026 09:00 in Rome (the demo salon opens Tuesday at 09:00)."""
import html
import re
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from chalicelib import wiring
from chalicelib.web.i18n import LOCALES, Texts, from_accept_language, supported
from tests.conftest import MONDAY_MORNING

pytestmark = pytest.mark.dynamodb_local

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TUESDAY_9 = "2026-03-24T09:00:00+01:00"


def text(response) -> str:
    return response.body.decode("utf-8")


def links(response, css_class: str) -> list[str]:
    pattern = rf'<a class="[^"]*\b{css_class}\b[^"]*" href="([^"]+)"'
    return [html.unescape(h) for h in re.findall(pattern, text(response))]


def hidden(response) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', text(response))}


def post(api, path: str, **fields):
    return api.http.post(path, body=urlencode(fields).encode(), headers=FORM)


def book(api, salon_id, start=TUESDAY_9, staff="giulia", phone="333 123 4567", name="Anna Rossi", **extra):
    return post(api, f"/book/{salon_id}", service="haircut", start=start, staff=staff, name=name, phone=phone,
                **extra)


def token_of(response) -> str:
    match = re.fullmatch(r"/manage/([A-Za-z0-9_-]+)\?new=1", response.headers["Location"])
    assert match, response.headers
    return match.group(1)


@pytest.fixture
def booked(api, salon_id, fixed_now) -> str:
    response = book(api, salon_id)
    assert response.status_code == 303, text(response)
    return token_of(response)


# --- the booking steps --------------------------------------------------------------------------

def test_services_page_lists_services_in_italian(api, salon_id, fixed_now):
    response = api.http.get(f"/book/{salon_id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = text(response)
    assert '<html lang="it">' in page
    assert "Studio Demo" in page and "Scegli un servizio" in page
    for name, minutes, price in [("Taglio donna", 30, "28,00"), ("Manicure", 45, "25,00"), ("Colore", 60, "55,00")]:
        assert re.search(rf"{name}<small>{minutes} min</small></span><span class=\"price\">{price}\xa0€", page), name
    assert f"/book/{salon_id}?service=haircut" in links(response, "choice")
    assert "<script" not in page and "http://" not in page.split("<body>")[0]  # no JS, no external assets


def test_staff_page_offers_anyone_and_only_capable_staff(api, salon_id, fixed_now):
    response = api.http.get(f"/book/{salon_id}?service=manicure")
    assert response.status_code == 200
    page = text(response)
    assert "Chiunque" in page and "Marco" in page and "Giulia" not in page
    assert links(response, "choice") == [f"/book/{salon_id}?service=manicure&staff=any",
                                         f"/book/{salon_id}?service=manicure&staff=marco"]


def test_slots_page_selects_the_first_day_with_free_times(api, salon_id, fixed_now):
    response = api.http.get(f"/book/{salon_id}?service=haircut&staff=any")
    assert response.status_code == 200
    page = text(response)
    assert "Scegli giorno e ora" in page and "martedì 24 marzo 2026" in page
    days = re.findall(r'class="day([^"]*)"[^>]*data-day="([\d-]+)"', page)
    assert len(days) == 14 and days[0] == (" off", "2026-03-23")  # closed Monday: not clickable
    assert (" on", "2026-03-24") in days
    assert [d for cls, d in days if "off" in cls] == ["2026-03-23", "2026-03-29", "2026-03-30", "2026-04-05"]
    times = re.findall(r'class="btn slot"[^>]*>(\d\d:\d\d)<', page)
    assert times[0] == "09:00" and "18:30" in times and "13:00" not in times  # lunch break
    first = links(response, "slot")[0]
    assert "start=2026-03-24T09%3A00%3A00%2B01%3A00" in first and "slot_staff=" in first
    assert "Dopo" in page and "Prima" not in page  # no going back before today


def test_slots_page_day_and_window_navigation(api, salon_id, fixed_now):
    base = f"/book/{salon_id}?service=color&staff=giulia"
    response = api.http.get(base + "&day=2026-03-26")
    assert "giovedì 26 marzo 2026" in text(response)
    later = api.http.get(base + "&from=2026-04-06")
    assert later.status_code == 200
    days = re.findall(r'data-day="([\d-]+)"', text(later))
    assert days[0] == "2026-04-06" and days[-1] == "2026-04-19"
    assert "Prima" in text(later) and "martedì 7 aprile 2026" in text(later)
    # The horizon is 60 days: the last window is cut there and offers no "later".
    last = api.http.get(base + "&from=2026-05-18")
    days = re.findall(r'data-day="([\d-]+)"', text(last))
    assert days[-1] == "2026-05-22" and "Dopo" not in text(last)
    junk = api.http.get(base + "&day=yesterday&from=31-12-2026")
    assert junk.status_code == 200 and "martedì 24 marzo 2026" in text(junk)


def test_form_page_shows_the_choice_and_the_fields(api, salon_id, fixed_now):
    slots = api.http.get(f"/book/{salon_id}?service=haircut&staff=marco")
    response = api.http.get(links(slots, "slot")[0])
    assert response.status_code == 200
    page = text(response)
    assert "I tuoi dati" in page and "martedì 24 marzo 2026 alle 09:00" in page and "Marco" in page
    assert 'type="tel"' in page and 'autocomplete="tel"' in page and 'autocomplete="name"' in page
    assert f'method="post" action="/book/{salon_id}"' in page
    fields = hidden(response)
    assert fields["service"] == "haircut" and fields["start"] == TUESDAY_9 and fields["staff"] == "marco"
    assert len(fields["key"]) >= 16


def test_booking_redirects_to_the_manage_page(api, salon_id, fixed_now):
    slots = api.http.get(f"/book/{salon_id}?service=haircut&staff=any")
    form = api.http.get(links(slots, "slot")[2])
    response = post(api, f"/book/{salon_id}", **hidden(form), name="Anna Rossi", phone="333 123 4567",
                    email="anna@example.com", note="Capelli lunghi")
    assert response.status_code == 303, text(response)
    token = token_of(response)
    page_response = api.http.get(response.headers["Location"])
    assert page_response.status_code == 200
    assert page_response.headers["Cache-Control"] == "no-store"
    assert page_response.headers["Referrer-Policy"] == "no-referrer"
    page = text(page_response)
    assert "Prenotazione fatta" in page and f"https://book.example/manage/{token}" in page
    assert "Taglio donna" in page and "martedì 24 marzo 2026 alle 09:30" in page and "Prenotato" in page
    assert "Cancellazione gratuita fino a lunedì 23 marzo 2026 alle 09:30" in page
    assert 'href="tel:+390612345678"' in page
    assert "Prenotazione fatta" not in text(api.http.get(f"/manage/{token}"))  # the banner is for the first visit
    # Booked before its reminder time (Monday 18:00): the page says a reminder with the link will come.
    assert 'id="reminder-note">Il giorno prima ti mandiamo un promemoria con questo link.' in page


def test_a_booking_made_after_its_reminder_time_promises_no_reminder(api, salon_id, fixed_now):
    wiring.set_clock(lambda: fixed_now + timedelta(hours=11))  # Monday 20:00: Tuesday's reminders were queued at 18:00
    response = book(api, salon_id, start="2026-03-24T11:00:00+01:00")
    assert response.status_code == 303, text(response)
    page = text(api.http.get(response.headers["Location"]))
    assert "Prenotazione fatta" in page and "reminder-note" not in page


def test_a_double_submit_lands_on_the_same_booking(api, salon_id, fixed_now):
    first = book(api, salon_id, key="same-form-key-123")
    second = book(api, salon_id, key="same-form-key-123")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]


# --- bad input: a clear message, the input kept, never a 500 ------------------------------------------

@pytest.mark.parametrize(("fields", "status", "message"), [
    ({"phone": "12"}, 400, "Controlla il numero di telefono."),
    ({"name": ""}, 400, "Inserisci il tuo nome."),
    ({"name": "   "}, 400, "Inserisci il tuo nome."),
    ({"phone": ""}, 400, "Inserisci il tuo numero di telefono."),
    ({"name": "x" * 101}, 400, "Il nome è troppo lungo"),
    ({"phone": "3" * 33}, 400, "Il numero di telefono è troppo lungo"),
    ({"email": "a" * 250 + "@x.it"}, 400, "L'indirizzo e-mail è troppo lungo"),
    ({"email": "not-an-email"}, 400, "non sembra valido"),
    ({"note": "n" * 501}, 400, "La nota è troppo lunga"),
    ({"start": "tomorrow at nine"}, 400, "L'orario scelto non è valido"),
    ({"start": "2026-03-24T09:00:00"}, 400, "L'orario scelto non è valido"),  # no offset
    ({"start": "2026-03-23T10:00:00+01:00"}, 422, "Quell'orario non si può prenotare online."),  # closed Monday
    ({"staff": "giulia", "service": "manicure"}, 404, "Questa persona non è disponibile per questo servizio."),
])
def test_bad_booking_input_re_renders_the_form(api, salon_id, fixed_now, fields, status, message):
    values = {"service": "haircut", "start": TUESDAY_9, "staff": "", "name": "Anna <b>Rossi</b>",
              "phone": "333 123 4567", **fields}
    response = post(api, f"/book/{salon_id}", **values)
    assert response.status_code == status, text(response)
    page = text(response)
    assert message in html.unescape(page)  # translations are written as they are, values escaped
    assert "does not perform" not in page and "Pick a" not in page  # no English under an Italian headline
    assert "I tuoi dati" in page and 'role="alert"' in page
    if values["name"].strip() and len(values["name"]) <= 100:
        assert 'value="Anna &lt;b&gt;Rossi&lt;/b&gt;"' in page  # kept, escaped


@pytest.mark.parametrize("body", [b"", b"name=Anna", b"\xff\xfe=\xff", b"service=nope&start=x", b"a=1&" * 60])
def test_junk_posts_get_a_page_not_a_500(api, salon_id, fixed_now, body):
    response = api.http.post(f"/book/{salon_id}", body=body, headers=FORM)
    assert response.status_code in (400, 404)
    assert "<h1>" in text(response) and '<html lang="it">' in text(response)


def test_unknown_service_is_a_friendly_404(api, salon_id, fixed_now):
    response = api.http.get(f"/book/{salon_id}?service=nope")
    assert response.status_code == 404 and "Questo servizio non è disponibile" in text(response)
    response = post(api, f"/book/{salon_id}", service="nope", start=TUESDAY_9, name="Anna", phone="333 123 4567")
    assert response.status_code == 404 and "Pagina non trovata" in text(response)


def test_unknown_specialist_and_junk_start_on_get(api, salon_id, fixed_now):
    assert api.http.get(f"/book/{salon_id}?service=manicure&staff=giulia").status_code == 404
    assert api.http.get(f"/book/{salon_id}?service=haircut&staff=nobody").status_code == 404
    response = api.http.get(f"/book/{salon_id}?service=haircut&staff=any&start=junk")
    assert response.status_code == 400 and "Scegli un altro orario" in text(response)


def test_a_taken_slot_offers_the_way_back(api, salon_id, fixed_now):
    assert book(api, salon_id, phone="333 123 4567").status_code == 303
    response = book(api, salon_id, phone="333 765 4321", name="Bea", pick="giulia")
    assert response.status_code == 409
    page = text(response)
    assert "quell'orario è appena stato preso" in html.unescape(page) and 'value="Bea"' in page
    assert f'href="/book/{salon_id}?service=haircut&amp;staff=giulia&amp;day=2026-03-24">Scegli un altro orario' in page
    slots = text(api.http.get(f"/book/{salon_id}?service=haircut&staff=giulia&day=2026-03-24"))
    assert ">09:00<" not in slots and ">09:30<" in slots


def test_a_banned_client_is_told_to_call(api, repo, salon_id, booked):
    from chalicelib.domain.client import Access

    client = repo.get_client(salon_id, repo.client_id_for_phone(salon_id, "+393331234567"))
    repo.save_client(salon_id, replace(client, access=Access.BANNED), wiring.now())
    response = book(api, salon_id, start="2026-03-25T10:00:00+01:00")
    assert response.status_code == 403
    page = text(response)
    assert "La prenotazione online non è disponibile per questo numero di telefono." in page
    assert "Chiama Studio Demo al numero +39 06 1234 5678 per prenotare." in page and 'value="333 123 4567"' in page
    assert "Please call" not in page  # the domain's English message stays off an Italian page


@pytest.mark.parametrize("salon", ["NOPE", "-x", "a" * 64, "no-such-salon"])
def test_bad_salon_ids_are_404_pages(api, repo, salon):
    response = api.http.get(f"/book/{salon}")
    assert response.status_code == 404 and "Page not found" in text(response)
    assert post(api, f"/book/{salon}", name="x").status_code == 404


# --- the manage link ------------------------------------------------------------------------------

def test_unknown_token_is_a_friendly_404_in_the_visitors_language(api, repo):
    response = api.http.get("/manage/not-a-token", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})
    assert response.status_code == 404
    assert '<html lang="pl">' in text(response) and "Ten link do rezerwacji nie działa" in text(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert api.http.get("/manage/" + "x" * 500).status_code == 404
    assert post(api, "/manage/nope/cancel", confirm="1").status_code == 404
    assert post(api, "/manage/nope/reschedule", start=TUESDAY_9).status_code == 404


def test_cancel_asks_first_then_cancels(api, booked):
    confirm = api.http.get(f"/manage/{booked}/cancel")
    assert confirm.status_code == 200 and "Cancellare questo appuntamento?" in text(confirm)
    assert f'action="/manage/{booked}/cancel"' in text(confirm)
    not_confirmed = post(api, f"/manage/{booked}/cancel")
    assert not_confirmed.status_code == 303 and not_confirmed.headers["Location"] == f"/manage/{booked}/cancel"
    assert "Prenotato" in text(api.http.get(f"/manage/{booked}"))
    done = post(api, f"/manage/{booked}/cancel", **hidden(confirm))
    assert done.status_code == 303 and done.headers["Location"] == f"/manage/{booked}?done=cancelled"
    page = text(api.http.get(done.headers["Location"]))
    assert "Il tuo appuntamento è stato cancellato." in page and 'data-status="cancelled">Cancellato' in page
    assert "Cancellato in tempo, senza costi." in page and "Cancella appuntamento" not in page
    again = post(api, f"/manage/{booked}/cancel", confirm="1")
    assert again.status_code == 409 and "Cancellato" in text(again)


def test_a_late_cancel_says_so(api, booked, fixed_now):
    wiring.set_clock(lambda: fixed_now + timedelta(hours=3))  # 21 hours before the appointment
    page = text(api.http.get(f"/manage/{booked}"))
    assert "La cancellazione gratuita è scaduta lunedì 23 marzo 2026 alle 09:00" in page
    assert post(api, f"/manage/{booked}/cancel", confirm="1").status_code == 303
    assert "cancellazione tardiva" in text(api.http.get(f"/manage/{booked}"))


def test_a_started_appointment_points_to_the_phone(api, booked, fixed_now):
    wiring.set_clock(lambda: fixed_now + timedelta(days=1, minutes=5))
    page = text(api.http.get(f"/manage/{booked}"))
    assert "è già iniziato" in page and "Cancella appuntamento" not in page and 'href="tel:+390612345678"' in page
    assert api.http.get(f"/manage/{booked}/cancel").status_code == 303
    response = post(api, f"/manage/{booked}/cancel", confirm="1")
    assert response.status_code == 409 and "Questo appuntamento è già iniziato." in text(response)


def test_reschedule_to_another_time_and_specialist(api, booked):
    picker = api.http.get(f"/manage/{booked}/reschedule")
    assert picker.status_code == 200 and picker.headers["Cache-Control"] == "no-store"
    page = text(picker)
    assert "Sposta l'appuntamento" in html.unescape(page)
    assert 'aria-current="true">Giulia' in page  # same specialist first
    anyone = api.http.get(f"/manage/{booked}/reschedule?staff=any&day=2026-03-25")
    slot = next(u for u in links(anyone, "slot") if "T10%3A00" in u)
    confirm = api.http.get(slot)
    assert confirm.status_code == 200 and "mercoledì 25 marzo 2026 alle 10:00" in text(confirm)
    moved = post(api, f"/manage/{booked}/reschedule", **hidden(confirm))
    assert moved.status_code == 303 and moved.headers["Location"] == f"/manage/{booked}?done=moved"
    page = text(api.http.get(moved.headers["Location"]))
    assert "è stato spostato" in page and "mercoledì 25 marzo 2026 alle 10:00" in page


def test_reschedule_offers_times_overlapping_the_booking_being_moved(api, booked):
    # The 09:00 haircut (30 min) itself holds 09:00-09:30; moving it to 09:15 must be possible.
    page = api.http.get(f"/manage/{booked}/reschedule?day=2026-03-24")
    starts = [u for u in links(page, "slot") if "2026-03-24T09" in html.unescape(u).replace("%3A", ":")]
    assert any("T09%3A15" in u for u in starts), starts
    confirm = api.http.get(next(u for u in starts if "T09%3A15" in u))
    moved = post(api, f"/manage/{booked}/reschedule", **hidden(confirm))
    assert moved.status_code == 303
    assert "09:15" in text(api.http.get(f"/manage/{booked}"))


def test_reschedule_errors_are_shown(api, salon_id, booked):
    other = token_of(book(api, salon_id, start="2026-03-24T10:00:00+01:00", phone="333 765 4321"))
    taken = post(api, f"/manage/{other}/reschedule", start=TUESDAY_9, staff="giulia", pick="giulia")
    assert taken.status_code == 409 and "appena stato preso" in text(taken)
    assert "Scegli un altro orario" in text(taken)
    junk = post(api, f"/manage/{other}/reschedule", start="soon", staff="giulia")
    assert junk.status_code == 400 and "L'orario scelto non è valido" in html.unescape(text(junk))
    closed = post(api, f"/manage/{other}/reschedule", start="2026-03-29T10:00:00+01:00")
    assert closed.status_code == 422 and "Quell'orario non si può prenotare online." in html.unescape(text(closed))


def test_a_cancelled_booking_cannot_be_moved(api, booked):
    post(api, f"/manage/{booked}/cancel", confirm="1")
    response = api.http.get(f"/manage/{booked}/reschedule")
    assert response.status_code == 303 and response.headers["Location"] == f"/manage/{booked}"
    assert post(api, f"/manage/{booked}/reschedule", start=TUESDAY_9).status_code == 409


# --- texts ----------------------------------------------------------------------------------------

def test_pages_speak_the_salons_locale(api, repo, salon_id, fixed_now):
    salon, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(salon, locale="ru"))
    page = text(api.http.get(f"/book/{salon_id}?service=haircut&staff=any"))
    assert '<html lang="ru">' in page and "Выберите день и время" in page and "вторник, 24 марта 2026\u202fг." in page


def test_the_client_areas_sign_in_speaks_the_salons_locale_and_a_missing_salon_the_browsers(api, repo, salon_id):
    salon, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(salon, locale="pl"))
    page = text(api.http.get(f"/my/{salon_id}", headers={"Accept-Language": "ru-RU,ru;q=0.9"}))
    assert '<html lang="pl">' in page and "Wyślij mi kod" in page
    missing = api.http.get("/my/no-such-salon", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert missing.status_code == 404 and '<html lang="es">' in text(missing)
    assert "No encontramos este salón." in text(missing)


@pytest.mark.parametrize(("hours", "words"), [(1, "за 1 час до визита"), (3, "за 3 часа до визита"),
                                              (24, "за 24 часа до визита"), (48, "за 48 часов до визита")])
def test_the_forms_cancellation_policy_counts_hours_in_the_salons_plural(api, repo, salon_id, fixed_now, hours,
                                                                          words):
    salon, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(salon, locale="ru", cancellation_cutoff_hours=hours))
    page = text(api.http.get(f"/book/{salon_id}?service=haircut&staff=any&start={TUESDAY_9.replace('+', '%2B')}"
                             "&slot_staff=giulia"))
    assert words in page


def test_locale_choice_and_fallback():
    assert supported("it-IT") == "it" and supported("de") == "en" and supported(None) == "en"
    assert from_accept_language("de-DE,es;q=0.8,it;q=0.9") == "it"
    assert from_accept_language("fr, *;q=0.1") == "en" and from_accept_language("ru;q=bad, pt") == "pt"
    assert Texts("it-IT").locale == "it" and Texts("de").locale == "en"
    assert Texts("it")("A text no catalog has") == "A text no catalog has"  # gettext: the English msgid
    assert Texts("it")("Choose a day and time") == "Scegli giorno e ora"


def test_the_form_records_consent_to_recall_nudges(api, repo, salon_id, fixed_now):
    assert 'name="recall"' in text(api.http.get(f"/book/{salon_id}?service=haircut&staff=any&start="
                                                f"{TUESDAY_9.replace('+', '%2B')}&slot_staff=giulia"))
    assert book(api, salon_id, recall="1").status_code == 303
    client = repo.get_client(salon_id, repo.client_id_for_phone(salon_id, "+393331234567"))
    assert client.recall_consent is True


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_a_refusal_speaks_the_pages_language_only(locale):
    """The headline always; a translated detail where the code (and reason) has one; the domain's
    English message only where nothing translated says more."""
    from types import SimpleNamespace

    from chalicelib.domain.availability import not_offered
    from chalicelib.domain.errors import BookingRestricted, InvalidRequest
    from chalicelib.web.render import page
    from local.demo import demo_salon

    salon = replace(demo_salon()[0], locale=locale)
    t = Texts(locale)
    ctx = SimpleNamespace(root="", book_url=lambda **params: "/book/demo")

    def shown(error) -> str:
        return html.unescape(page("error.html", t, 409, salon=salon, fmt=None, ctx=ctx, error=error).body)

    now = MONDAY_MORNING
    expected = {
        "past": t("That time has already passed. Pick a time from the list."),
        "notice": t.ngettext("Online bookings need at least %(num)s minute's notice. Pick a later time or call "
                             "%(phone)s.", "Online bookings need at least %(num)s minutes' notice. Pick a later time "
                             "or call %(phone)s.", 60, phone=salon.phone),
        "horizon": t.ngettext("Online bookings open at most %(num)s day ahead.",
                              "Online bookings open at most %(num)s days ahead.", 60),
    }
    for start, reason in ((now, "past"), (now + timedelta(minutes=30), "notice"),
                          (now + timedelta(days=90), "horizon")):
        error = not_offered(salon, start, now)
        body = shown(error)
        assert error.reason == reason and t("That time cannot be booked online.") in body
        assert expected[reason] in body and (reason == "past" or "60" in expected[reason])
        assert locale == "en" or error.message not in body  # no English under another language's headline
    assert "+39 06 1234 5678" in shown(not_offered(salon, now + timedelta(minutes=30), now))
    body = shown(BookingRestricted("Online booking is not available for this phone number. Please call ..."))
    assert t("Online booking is not available for this phone number.") in body and "Please call ..." not in body
    assert t("Please call %(salon)s on %(phone)s to book.", salon="Studio Demo", phone="+39 06 1234 5678") in body
    body = shown(InvalidRequest("Something no text translates.", "some_new_code"))
    assert t("Something went wrong.") in body and "Something no text translates." in body
