"""Replies to a text: the keyword lists in every language, and everything that is not a keyword."""
import pytest

from chalicelib.messaging import keywords
from chalicelib.messaging.keywords import classify

LISTS = {
    "confirm": keywords.CONFIRM,
    "cancel": keywords.CANCEL,
    "stop": keywords.STOP,
    "start": keywords.START,
}
CASES = [(word, intent) for intent, words in LISTS.items() for word in words]


@pytest.mark.parametrize(("word", "intent"), CASES)
def test_every_keyword_in_every_spelling(word, intent):
    assert classify(word) == intent
    assert classify(word.upper()) == intent
    assert classify(f"  {word.capitalize()}!! \n") == intent
    assert classify(f"{word}.") == intent
    assert classify(f"{word} 👍") == intent


@pytest.mark.parametrize(
    ("reply", "intent"),
    [
        ("SÌ", "confirm"),
        ("Si", "confirm"),
        ("sí", "confirm"),
        ("NÃO", "cancel"),
        ("Nao", "cancel"),
        ("ODWOŁUJĘ", "cancel"),
        ("odwoluje", "cancel"),
        ("anuluje", "cancel"),
        ("Да!", "confirm"),
        ("НЕТ", "cancel"),
        ("Отмена.", "cancel"),
        ("1️⃣", "confirm"),
        ("２", "cancel"),  # full-width digit
        ("#1", "confirm"),
        ("yes thank you", "confirm"),
        ("Sì, grazie mille!", "confirm"),
        ("ok yes", "confirm"),
        ("no thanks", "cancel"),
        ("Tak, dziękuję", "confirm"),
        ("Não, obrigada", "cancel"),
        ("да спасибо", "confirm"),
        ("STOP", "stop"),
        ("Stop all", None),
        ("opt-out", "stop"),
        ("Opt out", "stop"),
        ("Baja", "stop"),
        ("Стоп", "stop"),
        ("UNSTOP", "start"),
    ],
)
def test_replies_as_people_type_them(reply, intent):
    assert classify(reply) == intent


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "   ",
        "?!",
        "👍",
        "maybe",
        "1 2",
        "2 1",
        "yes no",
        "no problem",  # an English "yes": not a cancellation
        "cancel all",
        "ok see you",
        "yes thank you so much",  # four words
        "I will be 10 minutes late, sorry",
        "Can I move it to Thursday?",
        "12",
        "11",
    ],
)
def test_anything_else_is_not_a_keyword(reply):
    assert classify(reply) is None


def test_the_lists_do_not_overlap():
    folded = {intent: {keywords._fold(word) for word in words} for intent, words in LISTS.items()}
    intents = list(folded)
    for i, first in enumerate(intents):
        for second in intents[i + 1:]:
            assert not folded[first] & folded[second], (first, second)
    assert not set().union(*folded.values()) & {keywords._fold(word) for word in keywords.POLITE}
