"""Refusals made in English by services (domain/text.py) and said in the reader's language at the
edge (web/localize.py), with the owner catalogs."""
import copy

import pytest

from chalicelib.domain.text import N_, Text, ngettext
from chalicelib.services.owner.settings_fields import FieldErrors, Form
from chalicelib.web.catalogs import Translator
from chalicelib.web.localize import error_message, localize, localize_fields
from chalicelib.web.owner.wording import Wording

PERIODS = ("Give at most %(num)s period.", "Give at most %(num)s periods.")


def test_a_text_with_values_is_still_its_english_string():
    text = N_("Enter a whole number from %(low)s to %(high)s.", low=1, high=20)
    assert isinstance(text, Text) and text == "Enter a whole number from 1 to 20."
    assert text.msgid == "Enter a whole number from %(low)s to %(high)s." and text.values == {"low": 1, "high": 20}
    assert N_("Fill this in.") == "Fill this in." and not isinstance(N_("Fill this in."), Text)
    assert copy.deepcopy(text).values == text.values


@pytest.mark.parametrize(("count", "russian", "polish"), [
    (1, "Укажите не больше 1 периода.", "Podaj najwyżej 1 okres."),
    (2, "Укажите не больше 2 периодов.", "Podaj najwyżej 2 okresy."),
    (5, "Укажите не больше 5 периодов.", "Podaj najwyżej 5 okresów."),
    (21, "Укажите не больше 21 периода.", "Podaj najwyżej 21 okresów."),
])
def test_a_counted_text_takes_each_locales_plural_form(count, russian, polish):
    text = ngettext(*PERIODS, count)
    assert text == (f"Give at most {count} period." if count == 1 else f"Give at most {count} periods.")
    assert localize(text, Translator("ru", "owner")) == russian
    assert localize(text, Translator("pl", "owner")) == polish


def test_a_fixed_text_is_its_own_msgid_and_an_unknown_one_stays_english():
    italian = Translator("it", "owner")
    assert localize("Your role does not allow this.", italian) == "Il tuo ruolo non lo consente."
    assert localize("A text no catalog holds.", italian) == "A text no catalog holds."
    assert localize("Use a multiple of 5.", Translator("en", "owner")) == "Use a multiple of 5."


def test_field_errors_are_translated_field_by_field():
    form = Form({"slot_minutes": "7", "name": ""})
    form.integer("slot_minutes", 5, 120, step=5)
    form.text("name")
    with pytest.raises(FieldErrors) as raised:
        form.done()
    spanish = Translator("es", "owner")
    assert localize_fields(raised.value.errors, spanish) == {"slot_minutes": "Usa un múltiplo de 5.",
                                                            "name": "Rellena este campo."}
    assert error_message(raised.value, spanish) == ("Algunos campos necesitan revisión: slot_minutes: Usa un "
                                                    "múltiplo de 5.; name: Rellena este campo.")
    assert "slot_minutes: Use a multiple of 5." in raised.value.message  # the English one, for logs


def test_the_audit_words_are_the_readers_and_unknown_codes_are_spelt_out():
    say = Wording(Translator("pt", "owner"))
    assert say.action("settings_changed") == "Alterou as configurações"
    assert say.action("something_new") == "Something new"
    assert say.field("staff_see_notes") == "A equipe pode ler as notas privadas dos clientes"
    assert say.value("no → yes") == "não → sim" and say.value("(none) → 10.50") == "(nenhum) → 10.50"
    assert say.value("09:00-13:00") == "09:00-13:00"
