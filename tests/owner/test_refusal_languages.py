"""Refusals built from values (domain/text.py: N_ and ngettext) reach the owner in their own language, through
the real edge on DynamoDB Local: the /v1/admin JSON error and the owner pages. The language is the user's
own setting (/owner/language); the code stays English, the values stay as typed, the sentence and any
word inside it (an appointment's status) are translated, counted ones in the reader's plural form.

Dates: the demo salon in Rome; Anna's colour with Giulia on Tuesday 24 March 2026 at 10:00."""
import html
import re

import pytest

from chalicelib import wiring
from chalicelib.domain.appointment import Status
from chalicelib.domain.staff_rights import OWN_HOURS
from tests.owner import test_auth
from tests.owner.test_agenda import TUESDAY, api_post, appt_path, at, book, csrf, signed_in, stored
from tests.owner.test_auth import text
from tests.owner.test_records import api_put

pytestmark = pytest.mark.dynamodb_local
client_address = test_auth.client_address  # autouse: each test signs in from an address of its own

TOO_MANY_FIELDS = "\n".join(f"Field {n}" for n in range(1, 14))  # 13: a service asks for at most 12


def reading(browser, locale: str):
    """The signed-in user chooses `locale` for their own pages, as on /owner/language."""
    chosen = browser.post("/owner/language", csrf=csrf(browser), locale=locale)
    assert chosen.status_code == 303, text(chosen)
    return browser


def error_of(response) -> dict:
    return response.json_body["error"]


def problem_on(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(response))))


def test_an_italian_owner_reads_a_status_refusal_with_the_status_word_in_italian(api, salon_id, clock):
    anna = book(salon_id, at(TUESDAY, "10:00"))
    owner = reading(signed_in(api, salon_id), "it")
    refused = api_post(owner, appt_path(anna, "completed", api=True), token=csrf(owner))
    assert refused.status_code == 409
    assert error_of(refused) == {
        "code": "illegal_transition",
        "message": "Un appuntamento nello stato «prenotato» non può passare a «completato»."}
    assert stored(anna).status is Status.BOOKED


def test_an_english_reader_keeps_the_english_refusal_word_for_word(api, salon_id, clock):
    anna = book(salon_id, at(TUESDAY, "10:00"))
    owner = signed_in(api, salon_id)  # this suite's users read English
    refused = api_post(owner, appt_path(anna, "completed", api=True), token=csrf(owner))
    assert error_of(refused)["message"] == "An appointment that is booked cannot become completed."


def test_a_polish_owner_reads_a_counted_refusal_in_the_polish_plural(api, salon_id, clock):
    owner = reading(signed_in(api, salon_id), "pl")
    refused = api_put(owner, "/v1/admin/record-fields/color", {"spec": TOO_MANY_FIELDS})
    assert refused.status_code == 400
    assert error_of(refused) == {"code": "invalid_request", "message": "Usługa może mieć najwyżej 12 pól."}
    assert wiring.repository().load_salon(salon_id)[1].service("color").record_fields == ()


def test_a_refusal_with_a_typed_value_keeps_the_value_inside_the_translation(api, salon_id, clock):
    owner = reading(signed_in(api, salon_id), "it")
    refused = api_put(owner, "/v1/admin/staff-rights", {"on": "own_hours, dance"})
    assert refused.status_code == 400
    assert error_of(refused)["message"].startswith("Permesso sconosciuto 'dance': usa ")


def test_an_owner_page_says_a_line_refusal_in_the_readers_language(api, salon_id, clock):
    owner = reading(signed_in(api, salon_id), "it")
    page = owner.post("/owner/record-fields/color", csrf=csrf(owner), spec="Formula\nReaction | choice")
    assert page.status_code == 400
    assert ("Riga 2: elenca da 1 a 20 scelte dopo un secondo '|', separate da virgole." in problem_on(page))


def test_a_staff_members_own_hours_page_refuses_in_russian(api, salon_id, clock):
    owner = signed_in(api, salon_id)
    assert owner.post("/owner/staff-rights", csrf=csrf(owner), **{OWN_HOURS: "1"}).status_code == 303
    giulia = reading(signed_in(api, salon_id, "staff", "giulia"), "ru")
    page = giulia.post("/owner/agenda/my-hours", csrf=csrf(giulia), time_off="2026-04-03 to 2026-04-01")
    assert page.status_code == 400
    assert "Строка 1: последний день раньше первого." in problem_on(page)


def test_a_locked_password_change_is_refused_in_the_owners_language_and_plural(api, salon_id, clock):
    owner = reading(signed_in(api, salon_id), "pl")
    wrong = {"current_password": "not my password", "new_password": "a much better passphrase"}
    answers = [api_post(owner, "/v1/admin/me/password", wrong, token=csrf(owner)) for _ in range(6)]
    assert [a.status_code for a in answers] == [400] * 5 + [429]
    assert error_of(answers[-1]) == {"code": "login_locked",
                                     "message": "Za dużo nieudanych prób. Spróbuj ponownie za 15 minut."}
