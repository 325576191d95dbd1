"""SMS texts: every kind in every language, the salon's time zone, and the reminder's length."""
import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.messaging import templates
from chalicelib.messaging.segments import sms_segments

LOCALES = templates.LOCALES
TUESDAY_9_UTC = datetime(2026, 3, 24, 9, 0, tzinfo=UTC)
FIELDS = {
    "salon_name": "Salone Demo",
    "salon_phone": "+39 06 1234 5678",
    "service_name": "Taglio donna",
    "start": TUESDAY_9_UTC,
    "manage_url": "https://book.example/manage/TOKEN",
    "claim_url": "https://book.example/claim/TOKEN",
    "book_url": "https://book.example/book/demo",
    "hold_minutes": 30,
    "amount": "20.00 EUR",
    "pay_url": "https://checkout.example/pay/TOKEN",
    "until": date(2026, 4, 7),
    "late": False,
    "code": "123456",
}
# Realistic worst cases: 30 characters, with the letters of the language (and an apostrophe).
WORST_NAMES = {
    "en": ("Margaret’s Hair & Beauty Salon", "Balayage with toner & blow-dry"),
    "it": ("Parrucchiera Estetica Nicolò S", "Colore più piega e trattamento"),
    "pl": ("Salon Urody Łucja Żółtowska Łó", "Manicure hybrydowy z zdobienie"),
    "pt": ("Salão de Beleza Conceição Ávil", "Escova progressiva e hidrataçã"),
    "es": ("Peluquería y Estética Ángela Ñ", "Mechas balayage con tratamient"),
    "ru": ("Салон красоты Елены Прекрасной", "Окрашивание и стрижка горячими"),
}
URL_BUDGET = 90
# Russian is UCS-2 (134 characters in two segments): the most compact wording keeps a
# 30-character salon name whole up to a 62-character link, and fits up to 80 with the name cut.
RU_URL_BUDGET_FULL_NAME = 62
RU_URL_BUDGET = 80


def url(length: int) -> str:
    base = "https://abcdefghij.execute-api.eu-south-1.amazonaws.com/api/manage/"
    return (base + "x" * length)[:length]


def a_week_of_starts():
    """Every weekday (their names differ in length), two-digit days and months."""
    first = datetime(2026, 12, 21, 17, 30, tzinfo=UTC)
    return [first + timedelta(days=n) for n in range(7)]


@pytest.mark.parametrize("locale", templates.LOCALES)
@pytest.mark.parametrize("kind", templates.KINDS)
def test_every_kind_renders_in_every_language(kind, locale):
    for late in (False, True):
        text = templates.render(kind, locale, "Europe/Rome", **{**FIELDS, "late": late})
        assert text.strip()
        assert "Salone Demo" in text
        assert "{" not in text and "}" not in text


def test_the_texts_are_translated():
    texts = {locale: templates.render("reminder", locale, "Europe/Rome", **FIELDS) for locale in templates.LOCALES}
    assert len(set(texts.values())) == len(templates.LOCALES)


@pytest.mark.parametrize("locale", templates.LOCALES)
def test_times_are_in_the_salons_zone(locale):
    for kind in ("booking_confirmation", "reminder", "waitlist_offer", "reply_confirmed"):
        assert "10:00" in templates.render(kind, locale, "Europe/Rome", **FIELDS)
        assert "06:00" in templates.render(kind, locale, "America/Sao_Paulo", **FIELDS)


def test_dates_are_short_and_natural():
    rome = {locale: templates.render("reply_confirmed", locale, "Europe/Rome", **FIELDS) for locale in LOCALES}
    assert "Tue 24 Mar at 10:00" in rome["en"]
    assert "martedì 24/3 alle 10:00" in rome["it"]
    assert "wtorek, 24 marca, godz. 10:00" in rome["pl"]
    assert "feira, 24/03 às 10:00" in rome["pt"]  # "terca-feira": the cedilla folded saves a part
    assert "martes 24/3 a las 10:00" in rome["es"]
    assert "24 марта (вт) в 10:00" in rome["ru"]
    # Late evening in UTC is already the next day in Rome.
    late_evening = {**FIELDS, "start": datetime(2026, 3, 23, 23, 30, tzinfo=UTC)}
    assert "Tue 24 Mar at 00:30" in templates.render("reply_confirmed", "en", "Europe/Rome", **late_evening)


def test_restriction_dates_are_written_out():
    assert "7 aprile 2026" in templates.render("booking_restricted", "it", "Europe/Rome", **FIELDS)
    assert "до 7 апреля 2026. " in templates.render("booking_restricted", "ru", "Europe/Rome", **FIELDS)


def test_a_late_cancellation_says_so():
    for kind in ("cancellation_confirmation", "reply_cancelled"):
        on_time = templates.render(kind, "en", "Europe/Rome", **FIELDS)
        late = templates.render(kind, "en", "Europe/Rome", **{**FIELDS, "late": True})
        assert "free-cancellation" not in on_time
        assert "after the free-cancellation time" in late


@pytest.mark.parametrize("locale", templates.LOCALES)
def test_the_reminder_asks_for_1_or_2(locale):
    text = templates.render("reminder", locale, "Europe/Rome", **FIELDS)
    assert " 1" in text and " 2" in text
    assert FIELDS["manage_url"] in text


@pytest.mark.parametrize("locale", templates.LOCALES)
def test_a_reminder_with_worst_case_fields_fits_in_two_segments(locale):
    salon, service = WORST_NAMES[locale]
    assert len(salon) == len(service) == 30
    budget = RU_URL_BUDGET if locale == "ru" else URL_BUDGET
    for start in a_week_of_starts():
        link = url(budget)
        text = templates.render(
            "reminder", locale, "Europe/Rome", salon_name=salon, service_name=service, start=start, manage_url=link
        )
        assert sms_segments(text)[1] <= 2, text
        assert link in text and " 1" in text and " 2" in text


def test_the_russian_reminder_keeps_a_whole_salon_name_up_to_its_budget():
    salon, service = WORST_NAMES["ru"]
    for start in a_week_of_starts():
        text = templates.render(
            "reminder", "ru", "Europe/Rome",
            salon_name=salon, service_name=service, start=start, manage_url=url(RU_URL_BUDGET_FULL_NAME),
        )
        assert sms_segments(text) == ("UCS-2", 2)
        assert salon in text


def test_a_link_too_long_for_any_wording_is_sent_anyway_and_logged(caplog):
    salon, service = WORST_NAMES["ru"]
    with caplog.at_level(logging.WARNING):
        text = templates.render(
            "reminder", "ru", "Europe/Rome", salon_name=salon, service_name=service,
            start=TUESDAY_9_UTC, manage_url=url(URL_BUDGET),
        )
    assert url(URL_BUDGET) in text and salon in text  # cutting the name would not save a segment
    assert sms_segments(text)[1] == 3
    assert "3 segments" in caplog.text


def test_the_russian_reminder_cuts_a_long_salon_name_rather_than_exceed():
    salon, service = WORST_NAMES["ru"]
    text = templates.render(
        "reminder", "ru", "Europe/Rome", salon_name=salon, service_name=service,
        start=TUESDAY_9_UTC, manage_url=url(RU_URL_BUDGET),
    )
    assert sms_segments(text) == ("UCS-2", 2)
    assert text.startswith("Салон красо…") and text.endswith(url(RU_URL_BUDGET))


def test_optional_words_go_before_the_text_exceeds():
    short = templates.render("reminder", "en", "Europe/Rome", **FIELDS)
    assert short.startswith("Reminder from Salone Demo: Taglio donna, Tue 24 Mar at 10:00.")
    long_link = templates.render("reminder", "en", "Europe/Rome", **{**FIELDS, "manage_url": url(230)})
    assert "Taglio donna" not in long_link
    assert sms_segments(long_link)[1] == 2


def test_accents_then_words_then_the_salon_name_go_before_a_reminder_takes_a_second_part():
    salon, service = WORST_NAMES["pl"]
    text = templates.render(
        "reminder", "pl", "Europe/Rome", salon_name=salon, service_name=service, start=TUESDAY_9_UTC,
        manage_url=url(URL_BUDGET),
    )
    assert sms_segments(text) == ("GSM-7", 1), text
    assert text.startswith("Salon Urody L...") and "odwoluje" in text and text.endswith(url(URL_BUDGET))
    roomy = templates.render("reminder", "pl", "Europe/Rome", **FIELDS)
    assert roomy.startswith(f"{FIELDS['salon_name']}: ") and sms_segments(roomy) == ("GSM-7", 1)  # the name whole
    short = templates.render("reply_confirmed", "pl", "Europe/Rome", **FIELDS)
    assert "dziekujemy" in short and sms_segments(short) == ("GSM-7", 1)  # "ę" alone would make it two UCS-2 parts


def test_unknown_locale_falls_back_to_english():
    english = templates.render("reminder", "en", "Europe/Rome", **FIELDS)
    assert templates.render("reminder", "fr", "Europe/Rome", **FIELDS) == english
    assert templates.render("reminder", None, "Europe/Rome", **FIELDS) == english
    assert templates.render("reminder", "it-IT", "Europe/Rome", **FIELDS).startswith("Promemoria")


def test_unknown_kind_and_missing_fields_are_refused():
    with pytest.raises(ValueError, match="unknown SMS kind"):
        templates.render("birthday", "en", "Europe/Rome", **FIELDS)
    with pytest.raises(ValueError, match="manage_url"):
        templates.render("reminder", "en", "Europe/Rome", salon_name="S", service_name="X", start=TUESDAY_9_UTC)
    with pytest.raises(ValueError, match="aware"):
        templates.render("reminder", "en", "Europe/Rome", **{**FIELDS, "start": datetime(2026, 3, 24, 9)})


def test_private_fields_never_reach_a_text():
    for kind in templates.KINDS:
        text = templates.render(kind, "en", "Europe/Rome", **FIELDS, notes="allergic to PPD", allergies="nickel")
        assert "PPD" not in text and "nickel" not in text


def test_names_are_kept_on_one_line():
    text = templates.render("reminder", "en", "Europe/Rome", **{**FIELDS, "salon_name": "Salone\nDemo  "})
    assert text.startswith("Reminder from Salone Demo:")


@pytest.mark.parametrize("locale", templates.LOCALES)
def test_the_sign_in_code_text_holds_the_code_and_the_salon(locale):
    text = templates.render("sign_in_code", locale, "Europe/Rome", salon_name="Studio Demo", code="042917")
    assert "042917" in text and "Studio Demo" in text
    assert sms_segments(text)[1] <= 2


TERMS = {"deposit": "20.00 EUR", "late_fee": "30.00 EUR", "no_show_fee": "40.00 EUR"}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_confirmation_repeats_the_deposit_and_the_fees_the_salon_has(locale):
    full = templates.render("booking_confirmation", locale, "Europe/Rome", **{**FIELDS, **TERMS})
    assert all(amount in full for amount in TERMS.values()) and "{" not in full
    fees_only = templates.render("booking_confirmation", locale, "Europe/Rome", **{**FIELDS, "late_fee": "30.00 EUR"})
    assert "30.00 EUR" in fees_only and "20.00 EUR" not in fees_only and "40.00 EUR" not in fees_only
    plain = templates.render("booking_confirmation", locale, "Europe/Rome", **FIELDS)
    assert "EUR" not in plain and FIELDS["manage_url"] in plain


@pytest.mark.parametrize("locale", LOCALES)
def test_the_confirmation_with_its_terms_keeps_to_the_segment_budget(locale):
    """GSM-7 languages: two segments with 30-character names and a 90-character link. Russian
    (UCS-2) cannot say that much in 134 characters: its terms never cost a segment more than the
    plain confirmation (its most compact wording drops the service's name instead)."""
    salon, service = WORST_NAMES[locale]
    for start in a_week_of_starts():
        for length in (62, 80, URL_BUDGET):
            fields = {"salon_name": salon, "service_name": service, "start": start, "manage_url": url(length)}
            text = templates.render("booking_confirmation", locale, "Europe/Rome", **fields, **TERMS)
            assert url(length) in text and all(amount in text for amount in TERMS.values())
            if locale == "ru":
                plain = templates.render("booking_confirmation", locale, "Europe/Rome", **fields)
                assert sms_segments(text)[1] <= sms_segments(plain)[1], text
            else:
                assert sms_segments(text) == ("GSM-7", 2), text


def test_the_terms_shrink_before_the_confirmation_loses_its_wording():
    one_term = templates.render("booking_confirmation", "en", "Europe/Rome", **{**FIELDS, "late_fee": "30.00 EUR"})
    assert "Late-cancel fee 30.00 EUR. See, move or cancel it here" in one_term
    assert sms_segments(one_term) == ("GSM-7", 1)
    every_term = templates.render("booking_confirmation", "en", "Europe/Rome", **{**FIELDS, **TERMS})
    assert "Deposit 20.00 EUR paid. Late cancel 30.00 EUR. No-show 40.00 EUR." in every_term
    assert sms_segments(every_term) == ("GSM-7", 1)  # the compact wording: one part, not two
    tight = templates.render("booking_confirmation", "en", "Europe/Rome",
                             **{**FIELDS, **TERMS, "manage_url": url(URL_BUDGET), "salon_name": WORST_NAMES["en"][0],
                                "service_name": WORST_NAMES["en"][1]})
    assert "Deposit 20.00 EUR paid. Late cancel 30.00 EUR. No-show 40.00 EUR." in tight
    assert "See, move or cancel it here" in tight
