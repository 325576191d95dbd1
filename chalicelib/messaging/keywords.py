"""What a client's reply to a text means: "confirm", "cancel", "stop", "start" or None.

A reply counts only when it is the keyword: case, accents, punctuation, emoji and spaces do not
matter ("Sì!", " NAO ", "1️⃣"), and up to two more words are allowed when they are politeness
("yes thank you", "sì grazie") or repeat the same answer ("ok yes"). Anything else is None,
and the salon answers with `reply_unknown`: asking again costs one text, a wrong cancellation
costs an appointment. So "no problem", "1 2", "maybe" and sentences are None.

Where local rules require it, AWS End User Messaging opts a number out itself on a reply that
begins with ARRET, CANCEL, END, OPT-OUT, OPTOUT, QUIT, REMOVE, STOP, TD or UNSUBSCRIBE: "cancel"
then never reaches us as a cancellation (the texts ask for "2"). The lists below are what *we*
do with a reply that does reach us.
"""
import unicodedata

# Written as people type them; matched after the same folding as the reply.
CONFIRM = (
    "1", "yes", "y", "ok", "okay", "confirm", "confirmed",  # en
    "si", "sì", "confermo", "confermato",  # it
    "tak", "potwierdzam",  # pl
    "sim", "confirmo",  # pt (also es)
    "sí", "vale",  # es
    "да", "ок", "подтверждаю",  # ru
)
CANCEL = (
    "2", "no", "n", "cancel",  # en
    "annulla", "annullo", "cancella", "disdico",  # it
    "nie", "anuluj", "anuluję", "odwołuję",  # pl
    "não", "nao", "cancelar", "cancelo",  # pt, es
    "нет", "отмена", "отменить", "отменяю",  # ru
)
# The usual SMS opt-out words (STOP, STOPALL, UNSUBSCRIBE, END, QUIT, OPTOUT, REMOVE, ARRET) and
# the well-known local ones: BAJA (es), SAIR (pt-BR), СТОП (ru). Italian and Polish senders use STOP.
STOP = ("stop", "stopall", "unsubscribe", "end", "quit", "optout", "remove", "arrêt", "baja", "sair", "стоп")
START = ("start", "unstop", "subscribe")
# Words that may follow a keyword without changing it.
POLITE = (
    "please", "pls", "thanks", "thank", "you", "thx",
    "grazie", "mille", "dziękuję", "dzięki", "obrigado", "obrigada", "gracias", "спасибо", "пожалуйста",
)
MAX_WORDS = 3


def _fold(text: str) -> str:
    """Lower case, no accents, letters and digits only: 'Sì, grazie!' -> 'si grazie'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ł", "l"))
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category[0] in "LN":
            kept.append(char)
        elif category[0] != "M":  # accents, variation selectors, the keycap of 1️⃣
            kept.append(" ")
    return " ".join("".join(kept).split())


def _table() -> dict[str, str]:
    table = {}
    for intent, words in (("confirm", CONFIRM), ("cancel", CANCEL), ("stop", STOP), ("start", START)):
        for word in words:
            table[_fold(word)] = intent
    return table


_INTENT = _table()
_POLITE = frozenset(_fold(word) for word in POLITE)


def classify(text: str) -> str | None:
    words = _fold(text or "").replace("opt out", "optout").split()
    if not words or len(words) > MAX_WORDS:
        return None
    intent = _INTENT.get(words[0])
    if intent is None:
        return None
    if all(word in _POLITE or _INTENT.get(word) == intent for word in words[1:]):
        return intent
    return None
