"""The client's texts come from the `messages` gettext catalog: counted texts take each locale's
plural forms, what a page picks by a code is worded in every locale, and SMS variants map to
their own catalog entries."""
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from chalicelib.domain.appointment import Status
from chalicelib.domain.errors import RateLimited, SlotNotOffered
from chalicelib.messaging import templates
from chalicelib.messaging.segments import sms_segments
from chalicelib.messaging.wording import TEXTS
from chalicelib.web.i18n import LOCALES, Texts
from chalicelib.web.wording import HEADLINES, NOT_FOUND, STATUS

SALON = SimpleNamespace(name="Studio Demo", phone="+39 06 1234 5678")
HORIZON = ("Online bookings open at most %(num)s day ahead.", "Online bookings open at most %(num)s days ahead.")


@pytest.mark.parametrize(("locale", "counts"), [
    ("ru", {1: "1 день", 3: "3 дня", 5: "5 дней", 21: "21 день", 12: "12 дней"}),
    ("pl", {1: "1 dzień", 3: "3 dni", 5: "5 dni", 22: "22 dni"}),
    ("it", {1: "1 giorno", 60: "60 giorni"}),
    ("en", {1: "1 day ahead", 60: "60 days ahead"}),
])
def test_a_refusal_counts_in_the_locales_plural_forms(locale, counts):
    t = Texts(locale)
    for count, words in counts.items():
        error = SlotNotOffered("Online bookings open at most ...", "horizon", notice=30, horizon=count)
        assert words in t.detail(error, SALON)
        assert t.detail(error, SALON) == t.ngettext(*HORIZON, count)


def test_a_refusal_detail_names_the_salon_and_needs_one():
    t = Texts("es")
    detail = t.detail(RateLimited(600), SALON)
    assert "10" in detail and "Studio Demo" in detail and "+39 06 1234 5678" in detail
    assert t.detail(RateLimited(600), None) is None  # no salon behind the page: nothing to call
    assert t.detail(SimpleNamespace(code="some_new_code"), SALON) is None


@pytest.mark.parametrize("locale", [locale for locale in LOCALES if locale != "en"])
def test_every_status_and_refusal_is_worded_in_every_locale(locale):
    t = Texts(locale)
    for status in Status:
        assert status.value in STATUS, f"no wording for the status {status.value!r}"
        assert t.status(status.value) != STATUS[status.value], (locale, status)
    for code, english in HEADLINES.items():
        assert t.headline(code) != english, (locale, code)
    assert all(t.not_found(code) != english for code, english in NOT_FOUND.items())
    assert t.headline("a_code_nobody_words") is None and t.not_found("not_found") is None


def test_the_cancellation_policy_counts_hours():
    policy = ("Free cancellation up to %(num)s hour before the appointment.",
              "Free cancellation up to %(num)s hours before the appointment.")
    assert Texts("ru").ngettext(*policy, 1) == "Бесплатная отмена не позднее чем за 1 час до визита."
    assert "за 24 часа до" in Texts("ru").ngettext(*policy, 24)
    assert "za 48" not in Texts("pl").ngettext(*policy, 48) and "48 godzin" in Texts("pl").ngettext(*policy, 48)
    assert Texts("en").ngettext(*policy, 1) == "Free cancellation up to 1 hour before the appointment."


def test_each_sms_variant_is_its_own_catalog_entry():
    contexts = [context for entries in TEXTS.values() for context, _, _ in entries]
    assert len(contexts) == len(set(contexts))  # a locale translates each variant on its own
    assert [c for c, _, _ in TEXTS["reminder"]] == ["sms reminder 1", "sms reminder 2", "sms reminder 3"]
    assert set(TEXTS) >= set(templates.KINDS)


def test_the_waitlist_offer_counts_the_minutes_it_holds():
    fields = {"salon_name": "Salone Demo", "service_name": "Taglio", "claim_url": "https://book.example/claim/T",
              "start": datetime(2026, 3, 24, 9, 0, tzinfo=UTC)}
    assert "entro 1 minuto:" in templates.render("waitlist_offer", "it", "Europe/Rome", hold_minutes=1, **fields)
    assert "entro 30 minuti:" in templates.render("waitlist_offer", "it", "Europe/Rome", hold_minutes=30, **fields)
    assert "within 1 minute:" in templates.render("waitlist_offer", "en", "Europe/Rome", hold_minutes=1, **fields)


def test_a_compact_variant_is_sent_when_the_fullest_does_not_fit():
    """Russian is UCS-2 (70 characters a segment): with a long salon name the ambiguous-reply text falls
    back to its compact variant, which gives the short date."""
    fields = {"salon_name": "Салон красоты Елены Прекрасной", "salon_phone": "+7 495 123-45-67",
              "start": datetime(2026, 3, 24, 9, 0, tzinfo=UTC)}
    text = templates.render("reply_ambiguous", "ru", "Europe/Moscow", **fields)
    assert "24.03 12:00 не изменена" in text
    english = templates.render("reply_ambiguous", "en", "Europe/Moscow", **{**fields, "salon_name": "Studio Elena"})
    assert english.endswith("so 24 Mar 12:00 is unchanged. Call +7 495 123-45-67.")  # one part, not the fullest's two
    assert sms_segments(english) == ("GSM-7", 1)
    cyrillic_name = templates.render("reply_ambiguous", "en", "Europe/Moscow", **fields)
    assert cyrillic_name.endswith("so 24 Mar 12:00 is unchanged. Call +7 495 123-45-67.")  # UCS-2: compact
